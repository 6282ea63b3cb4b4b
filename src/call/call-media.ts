import { bindRtpSocketPair, RtpChannel, type PortRange } from "../rtp";
import { answerOffer, buildOffer, negotiateAnswer, type LocalOffer, type MediaKind, type NegotiatedMedia } from "../sdp";
import { InvalidStateError } from "../errors";
import type { Logger } from "../util/logger";
import type { MediaNegotiator } from "../sip/media-negotiator";
import { Publication } from "./publication";

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
}

/**
 * A call's media: its RTP channels (bound before the INVITE, because peers send RTP before their 200 OK is
 * processed), the SDP negotiation over them, and its publications.
 */
export class CallMedia implements MediaNegotiator {
  private offer: LocalOffer | undefined;
  private sessionVersion = 1;
  private readonly sessionId = Math.floor(Math.random() * 2 ** 31);
  private _negotiated: NegotiatedMedia | undefined;
  private readonly publications = new Set<Publication>();
  private closed = false;

  private constructor(
    private readonly o: CallMediaOptions,
    readonly channels: ReadonlyMap<MediaKind, RtpChannel>,
  ) {}

  /** Binds one RTP/RTCP socket pair per requested kind. */
  static async open(o: CallMediaOptions): Promise<CallMedia> {
    const kinds: MediaKind[] = [];
    if (o.hasAudio) kinds.push("audio");
    if (o.hasVideo) kinds.push("video");
    const channels = new Map<MediaKind, RtpChannel>();
    try {
      for (const kind of kinds) {
        const sockets = await bindRtpSocketPair(o.bindAddress, o.portRange);
        channels.set(kind, new RtpChannel({ kind, sockets, clockRate: kind === "audio" ? 8000 : 90000, cname: o.cname, logger: o.logger }));
      }
    } catch (error) {
      for (const channel of channels.values()) channel.close();
      throw error;
    }
    return new CallMedia(o, channels);
  }

  get negotiated(): NegotiatedMedia | undefined {
    return this._negotiated;
  }

  private port(kind: MediaKind): number | undefined {
    return this.channels.get(kind)?.rtpPort;
  }

  createOffer(): string {
    this.offer = buildOffer({
      address: this.o.address,
      audioPort: this.port("audio"),
      videoPort: this.port("video"),
      sessionId: this.sessionId,
      sessionVersion: this.sessionVersion,
    });
    return this.offer.sdp;
  }

  applyAnswer(sdp: string): void {
    if (!this.offer) throw new InvalidStateError("answer without an offer");
    this.apply(negotiateAnswer(this.offer, sdp));
  }

  answerOffer(sdp: string): string {
    const answer = answerOffer(sdp, {
      address: this.o.address,
      audioPort: this.port("audio"),
      videoPort: this.port("video"),
      sessionId: this.sessionId,
      sessionVersion: this.sessionVersion,
    });
    this.sessionVersion = answer.sessionVersion;
    this.apply(answer.media);
    return answer.sdp;
  }

  private apply(media: NegotiatedMedia): void {
    this._negotiated = media;
    for (const [kind, channel] of this.channels) {
      const stream = media[kind];
      if (!stream) continue;
      channel.setRemote({
        address: stream.remoteAddress,
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

  /** Starts publishing the negotiated media to `outputUrl` through a new ffmpeg. */
  publish(outputUrl: string, ffmpegPath: string): Publication {
    if (this.closed) throw new InvalidStateError("call media is closed");
    if (!this._negotiated) throw new InvalidStateError("no media negotiated yet");
    const publication = new Publication({ ffmpegPath, outputUrl, media: this._negotiated, channels: this.channels, logger: this.o.logger });
    this.publications.add(publication);
    publication.on("@close", () => this.publications.delete(publication));
    return publication;
  }

  toJSON(): Record<string, unknown> {
    return Object.fromEntries([...this.channels].map(([kind, c]) => [kind, c.toJSON()]));
  }

  /** Stops every publication and closes the sockets. Idempotent; whenClosed() waits for the ffmpeg processes. */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      const pending = [...this.publications].map((p) => {
        p.close();
        return p.whenClosed();
      });
      for (const channel of this.channels.values()) channel.close();
      this.done = Promise.all(pending).then(() => undefined);
    }
    return this.done;
  }
  private done: Promise<void> = Promise.resolve();
}
