import { bindRtpSocketPair, RtpChannel, type PortRange, type RtpSourceCheck } from "../rtp";
import { answerOffer, buildOffer, negotiateAnswer, type LocalOffer, type MediaKind, type NegotiatedMedia } from "../sdp";
import { parseSdp } from "../sdp/parse-sdp";
import { InvalidStateError } from "../errors";
import type { Logger } from "../util/logger";
import type { MediaNegotiator } from "../sip/media-negotiator";
import { keyframeDetectorFor } from "../media/keyframe-gate";
import { VideoSlateSender } from "../media/video-slate-sender";
import { MediaAddressResolver, type AddressResolver } from "./media-address";
import { CallKeys, SrtpTransform, type SrtpMode, type SrtpSuite } from "../srtp";
import type { NegotiatedSrtp, SdesOffer } from "../sdp/sdes-media";

export interface CallMediaOptions {
  /** The address offered in SDP (public address, or the local one that routes to the server). */
  address: string;
  /** Where the RTP sockets are bound. */
  bindAddress: string;
  hasAudio: boolean;
  hasVideo: boolean;
  portRange: PortRange;
  cname: string;
  logger: Logger;
  /** Which RTP sources may become the peer's (default "signalled", see RtpSourceCheck). */
  sourceCheck?: RtpSourceCheck;
  /** Looks up host names in the peer's SDP c= lines (default: the system resolver). */
  resolver?: AddressResolver;
  /** How long such a lookup may take (default MEDIA_ADDRESS_LOOKUP_TIMEOUT_MS). */
  resolveTimeoutMs?: number;
  /** SDES-SRTP of the account (default "off"). */
  srtp?: SrtpMode;
  /** The suites offered and accepted, in preference order (default all). */
  srtpSuites?: readonly SrtpSuite[];
}

/**
 * A call's media: its RTP channels (bound before the INVITE, because peers send RTP before their 200 OK is
 * processed) and the SDP negotiation over them; the outputs that use them belong to the call (CallOutputs).
 */
export class CallMedia implements MediaNegotiator {
  private offer: LocalOffer | undefined;
  private sessionVersion = 1;
  private readonly sessionId = Math.floor(Math.random() * 2 ** 31);
  private _negotiated: NegotiatedMedia | undefined;
  private slate: VideoSlateSender | undefined;
  private closed = false;
  private readonly addresses: MediaAddressResolver;
  private readonly keys: CallKeys;
  /** srtp "offered" after a 488 to RTP/AVP with keys: offer RTP/SAVP (see Call). */
  private savp = false;
  /** The SRTP context of each encrypted medium and the keys it was made from. */
  private readonly srtp = new Map<MediaKind, { keys: NegotiatedSrtp; transform: SrtpTransform }>();

  private constructor(
    private readonly o: CallMediaOptions,
    readonly channels: ReadonlyMap<MediaKind, RtpChannel>,
  ) {
    this.addresses = new MediaAddressResolver({ bindAddress: o.bindAddress, resolver: o.resolver, timeoutMs: o.resolveTimeoutMs });
    this.keys = new CallKeys(o.srtpSuites);
  }

  /** Binds one RTP/RTCP socket pair per requested kind. */
  static async open(o: CallMediaOptions): Promise<CallMedia> {
    const kinds: MediaKind[] = [];
    if (o.hasAudio) kinds.push("audio");
    if (o.hasVideo) kinds.push("video");
    const channels = new Map<MediaKind, RtpChannel>();
    // The channel is made before the answer names the video codec: its keyframe test asks the call's media.
    let self: CallMedia | undefined;
    const keyframeDetector = (payload: Buffer): boolean => {
      const detect = keyframeDetectorFor(self?.negotiated?.video?.codec ?? "H264");
      return detect !== undefined && detect(payload);
    };
    try {
      for (const kind of kinds) {
        const sockets = await bindRtpSocketPair(o.bindAddress, o.portRange);
        const detector = kind === "video" ? { keyframeDetector } : {};
        channels.set(kind, new RtpChannel({ kind, sockets, clockRate: kind === "audio" ? 8000 : 90000, cname: o.cname, logger: o.logger, sourceCheck: o.sourceCheck, ...detector }));
      }
    } catch (error) {
      for (const channel of channels.values()) channel.close();
      throw error;
    }
    self = new CallMedia(o, channels);
    return self;
  }

  get negotiated(): NegotiatedMedia | undefined {
    return this._negotiated;
  }

  private port(kind: MediaKind): number | undefined {
    return this.channels.get(kind)?.rtpPort;
  }

  createOffer(): string {
    // A later offer (an RFC 4028 session refresh) is a new version of our SDP (RFC 3264 §8).
    if (this.offer) this.sessionVersion++;
    const srtp = this.sdesOffer();
    this.offer = buildOffer({
      address: this.o.address,
      audioPort: this.port("audio"),
      videoPort: this.port("video"),
      sessionId: this.sessionId,
      sessionVersion: this.sessionVersion,
      ...(srtp ? { srtp } : {}),
    });
    return this.offer.sdp;
  }

  async applyAnswer(sdp: string): Promise<void> {
    if (!this.offer) throw new InvalidStateError("answer without an offer");
    await this.apply(negotiateAnswer(this.offer, sdp));
  }

  /**
   * An SDP that came before the answer (a 183 Session Progress): from now on only datagrams from
   * its addresses are kept for the answer (see RtpChannel.expectPeerAddress). Nothing is negotiated;
   * an SDP that cannot be read or resolved is ignored here (the answer's SDP decides).
   */
  async expectEarlySdp(sdp: string): Promise<void> {
    try {
      const session = parseSdp(sdp, "early SDP");
      const wanted: Array<[RtpChannel, string]> = [];
      for (const m of session.media) {
        const channel = this.channels.get(m.type as MediaKind);
        const address = m.connection?.ip ?? session.connection?.ip;
        if (channel && m.port > 0 && address) wanted.push([channel, address]);
      }
      const resolved = await this.addresses.resolveAll(wanted.map(([, address]) => address));
      if (this.closed || this._negotiated) return;
      for (const [channel, address] of wanted) channel.expectPeerAddress(resolved.get(address) ?? address);
    } catch (error) {
      this.o.logger.log("debug", "media", `early SDP ignored: ${(error as Error).message}`);
    }
  }

  async answerOffer(sdp: string): Promise<string> {
    const answer = answerOffer(sdp, {
      address: this.o.address,
      audioPort: this.port("audio"),
      videoPort: this.port("video"),
      sessionId: this.sessionId,
      sessionVersion: this.sessionVersion,
      ...(this.mode === "off" ? {} : { srtp: { required: this.mode === "required", accepts: (suite) => this.keys.accepts(suite), localKeyFor: (kind, suite) => this.keys.key(kind, suite) } }),
    });
    this.sessionVersion = answer.sessionVersion;
    await this.apply(answer.media);
    return answer.sdp;
  }

  private get mode(): SrtpMode {
    return this.o.srtp ?? "off";
  }

  /**
   * "offered" puts the keys on RTP/AVP lines: peers without SRTP ignore a=crypto there and answer
   * plain RTP (RFC 4568 §3.1.4 leaves this best-effort form to local policy; Asterisk, FreeSWITCH
   * and baresip's `srtp` accept it). "required" offers RTP/SAVP, which a peer must answer with a key.
   */
  private sdesOffer(): SdesOffer | undefined {
    if (this.mode === "off") return undefined;
    const keys: SdesOffer["keys"] = {};
    for (const kind of this.channels.keys()) keys[kind] = this.keys.offer(kind);
    return { protocol: this.mode === "required" || this.savp ? "RTP/SAVP" : "RTP/AVP", required: this.mode === "required", keys };
  }

  /** Switches the next offer of an "offered" call to RTP/SAVP; false when it already is, or SRTP is not "offered". */
  offerSavpInstead(): boolean {
    if (this.mode !== "offered" || this.savp || this._negotiated) return false;
    this.savp = true;
    return true;
  }

  /** Puts each medium's SRTP context in place (kept when the keys did not change), before setRemote. */
  private applySrtp(kind: MediaKind, channel: RtpChannel, keys: NegotiatedSrtp | undefined): void {
    const current = this.srtp.get(kind);
    if (current && keys && sameKeys(current.keys, keys)) return;
    let transform: SrtpTransform | undefined;
    if (current && keys && current.keys.suite === keys.suite && current.keys.local.keyMaterial.equals(keys.local.keyMaterial)) {
      // Only the peer's key changed: our sending context (its counters) goes on.
      transform = current.transform.withRemote(keys.remote);
    } else {
      if (current) this.keys.retire(kind, current.keys.suite, current.keys.local.keyMaterial);
      if (keys) transform = new SrtpTransform(keys.suite, keys.local, keys.remote);
    }
    if (transform && keys) this.srtp.set(kind, { keys, transform });
    else this.srtp.delete(kind);
    channel.setProtector(transform);
    this.o.logger.log("debug", "media", `${kind}: ${keys ? `SRTP ${keys.suite}` : "plain RTP"}`);
  }

  /** Which media are encrypted, and with which suite (no keys). */
  get encryption(): Partial<Record<MediaKind, string>> {
    return Object.fromEntries([...this.srtp].map(([kind, s]) => [kind, s.keys.suite]));
  }

  /** Resolves the SDP's host names (once per SDP, see MediaAddressResolver), then hands the peer's addresses to the channels. */
  private async apply(media: NegotiatedMedia): Promise<void> {
    const kinds = [...this.channels.keys()].filter((kind) => media[kind] !== undefined);
    const resolved = await this.addresses.resolveAll(kinds.map((kind) => media[kind]!.remoteAddress));
    if (this.closed) return;
    this._negotiated = media;
    for (const [kind, channel] of this.channels) {
      const stream = media[kind];
      if (!stream) continue;
      this.applySrtp(kind, channel, stream.srtp);
      channel.setRemote({
        address: resolved.get(stream.remoteAddress) ?? stream.remoteAddress,
        rtpPort: stream.remoteRtpPort,
        rtcpPort: stream.remoteRtcpPort,
        rtcpMux: stream.rtcpMux,
        payloadTypes: stream.receivePayloadTypes,
      });
    }
  }

  /** True when the peer put the call on hold: every stream it offered is sendonly or inactive (RFC 3264 §8.4). */
  get remoteOnHold(): boolean {
    const streams = [this._negotiated?.audio, this._negotiated?.video].filter((s) => s !== undefined);
    return streams.length > 0 && streams.every((s) => s.remoteDirection === "sendonly" || s.remoteDirection === "inactive");
  }

  /**
   * Sends a still image (black when absent) as our video to the peer until close() (WCS
   * `generate_av_for_ua`). Does nothing without negotiated video, or when the peer does not receive it.
   */
  startVideoSlate(ffmpegPath: string, image: string | undefined): void {
    const stream = this._negotiated?.video;
    const channel = this.channels.get("video");
    if (this.closed || this.slate || !stream || !channel || stream.remoteDirection === "sendonly" || stream.remoteDirection === "inactive") return;
    const slate = new VideoSlateSender({ ffmpegPath, image, codec: stream.codec, payloadType: stream.payloadType, fmtp: stream.fmtp, sink: channel, logger: this.o.logger });
    this.slate = slate;
    slate.start().catch((error: unknown) => this.o.logger.log("warn", "media", `video slate: ${(error as Error).message}`));
  }

  toJSON(): Record<string, unknown> {
    const channels = Object.fromEntries([...this.channels].map(([kind, c]) => [kind, c.toJSON()]));
    return this.slate ? { ...channels, videoSlate: this.slate.toJSON() } : channels;
  }

  /** Closes the sockets and the video slate. Idempotent; the promise waits for the slate's ffmpeg. */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      for (const channel of this.channels.values()) channel.close();
      const slate = this.slate?.close();
      this.done = Promise.all([slate]).then(() => undefined);
    }
    return this.done;
  }
  private done: Promise<void> = Promise.resolve();
}

function sameKeys(a: NegotiatedSrtp, b: NegotiatedSrtp): boolean {
  return a.suite === b.suite && a.local.keyMaterial.equals(b.local.keyMaterial) && a.remote.keyMaterial.equals(b.remote.keyMaterial);
}
