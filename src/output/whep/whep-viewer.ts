import { randomUUID } from "node:crypto";
import { RTCPeerConnection, RTCRtpCodecParameters, RTCRtpHeaderExtensionParameters, type RTCRtpSender } from "werift";
import type { RtpPacket } from "werift-rtp";
import { KeyframeRequester } from "../../rtp/keyframe-requester";
import type { MediaKind } from "../../sdp";
import type { Logger } from "../../util/logger";
import { TypedEmitter } from "../../util/typed-emitter";
import { narrowOffer, type ViewerFormat } from "./offer-formats";
import type { StreamSource } from "./stream-source";
import { ViewerTrack, type ViewerTrackJson } from "./viewer-track";
import type { CachedPacket } from "./gop-cache";
import { announceAddress, isLoopback, type WhepNetwork } from "./whep-network";

/** RTCP payload-specific feedback (RFC 4585 §6.3): PLI is FMT 1, FIR (RFC 5104 §4.3.1) is FMT 4. */
const RTCP_PSFB = 206;
const FMT_PLI = 1;
const FMT_FIR = 4;

/**
 * Chrome's playout-delay RTP header extension: MIN and MAX delay, 12 bits each in 10 ms units. 0/0
 * asks the browser to show each frame as soon as it is decoded, without a smoothing buffer: a
 * call's picture is live, not a film (it took p95 from ~265 ms to the figure in the delay test).
 */
export const PLAYOUT_DELAY_URI = "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay";
const NO_PLAYOUT_DELAY = Buffer.from([0, 0, 0]);

/** How a viewer is: connecting (ICE/DTLS), connected (media flows), closed. */
export type ViewerState = "connecting" | "connected" | "closed";

/** Why a viewer closed. */
export type ViewerCloseReason = "deleted" | "ice-timeout" | "ice-failed" | "stream-ended" | "closed";

export interface WhepViewerEvents extends Record<string, unknown[]> {
  state: [ViewerState];
  "@close": [ViewerCloseReason];
}

/** Options of {@link WhepViewer.open}. */
export interface WhepViewerOptions {
  stream: string;
  source: StreamSource;
  network: WhepNetwork;
  /** A keyframe request, rate-limited across the stream's viewers. */
  requestKeyframe: () => void;
  /** The call's video since its latest keyframe (see GopCache), for a fast start. */
  cachedVideo?: () => CachedPacket[];
  logger: Logger;
}

/** Snapshot of a {@link WhepViewer}. */
export interface WhepViewerJson {
  id: string;
  stream: string;
  state: ViewerState;
  since: number;
  /** Milliseconds from the offer to the first packet sent, when there was one. */
  firstPacketMs?: number;
  keyframeRequests: number;
  tracks: Partial<Record<MediaKind, ViewerTrackJson>>;
}

interface SendingTrack {
  track: ViewerTrack;
  sender: RTCRtpSender;
  /** The playout-delay extension's id when the browser offered it (video only). */
  playoutDelayId?: number;
}

/**
 * One browser watching a call over WebRTC (WHEP, RFC 9725): a werift RTCPeerConnection toward the
 * browser, sendonly, carrying the call's audio and video as the peer sent them.
 *
 * @remarks
 * werift does ICE (host candidates only: no STUN server is contacted), DTLS-SRTP, RTCP sender
 * reports and NACK retransmission from its own history. The viewer only listens to the call's
 * channels; a send to a browser that stalled is a UDP send that fails or is lost, never a wait, so
 * a viewer cannot hold back the call, its outputs or other viewers. A browser's PLI or FIR, and a
 * newly connected viewer, become keyframe requests through the stream's throttle, repeated every
 * 300 ms until the viewer's video starts (peers ignore a request now and then). A viewer that has
 * not connected within `network.iceTimeoutMs`, or whose ICE fails or disconnects for good, closes.
 */
export class WhepViewer extends TypedEmitter<WhepViewerEvents> {
  readonly id = randomUUID();
  readonly stream: string;
  readonly #pc: RTCPeerConnection;
  readonly #o: WhepViewerOptions;
  readonly #tracks = new Map<MediaKind, SendingTrack>();
  readonly #detach: Array<() => void> = [];
  readonly #keyframes: KeyframeRequester;
  readonly #openedAt = Date.now();
  #state: ViewerState = "connecting";
  #since = Date.now();
  #firstPacketMs: number | undefined;
  #iceTimer: NodeJS.Timeout | undefined;
  #answer = "";

  private constructor(o: WhepViewerOptions, formats: ViewerFormat[]) {
    super();
    this.#o = o;
    this.stream = o.stream;
    const net = o.network;
    const codecs: { audio: RTCRtpCodecParameters[]; video: RTCRtpCodecParameters[] } = { audio: [], video: [] };
    for (const f of formats) codecs[f.kind].push(codecParameters(f));
    const loopbackOnly = net.bindAddress !== undefined && isLoopback(net.bindAddress);
    this.#pc = new RTCPeerConnection({
      codecs,
      headerExtensions: { audio: [], video: [new RTCRtpHeaderExtensionParameters({ uri: PLAYOUT_DELAY_URI })] },
      // No STUN/TURN: host candidates (and the announced public address) only; nothing leaves for a third party.
      iceServers: [],
      iceUseIpv6: false,
      ...(net.portRange ? { icePortRange: [net.portRange.min, net.portRange.max] as [number, number] } : {}),
      ...(net.bindAddress ? { iceInterfaceAddresses: { udp4: net.bindAddress }, iceAdditionalHostAddresses: [net.bindAddress] } : {}),
      // Sockets bound to a loopback address reach only loopback candidates: don't try the others.
      ...(loopbackOnly ? { iceFilterCandidatePair: (pair) => isLoopback(pair.remoteCandidate.host) } : {}),
    });
    this.#keyframes = new KeyframeRequester({ send: () => o.requestKeyframe(), retryMs: 300, maxTries: 10 });
    for (const f of formats) {
      const transceiver = this.#pc.addTransceiver(f.kind, { direction: "sendonly" });
      const stream = o.source.media[f.kind];
      if (!f.fed || !stream) continue;
      const track = new ViewerTrack({ kind: f.kind, codec: stream.codec, clockRate: stream.clockRate, payloadTypes: stream.receivePayloadTypes });
      this.#tracks.set(f.kind, { track, sender: transceiver.sender });
      const { unSubscribe } = transceiver.sender.onRtcp.subscribe((packet) => {
        const p = packet as { type?: number; feedback?: { count?: number } };
        const fmt = (p.feedback?.constructor as { count?: number } | undefined)?.count ?? p.feedback?.count;
        if (p.type === RTCP_PSFB && (fmt === FMT_PLI || fmt === FMT_FIR)) this.#wantKeyframe();
      });
      this.#detach.push(unSubscribe);
    }
    this.#pc.connectionStateChange.subscribe((state) => {
      if (state === "connected") this.#onConnected();
      else if (state === "failed" || state === "closed") this.close("ice-failed");
    });
    this.#iceTimer = setTimeout(() => {
      if (this.#state === "connecting") {
        o.logger.log("info", "whep", `${o.stream}: viewer ${this.id} did not connect within ${net.iceTimeoutMs} ms: closed`);
        this.close("ice-timeout");
      }
    }, net.iceTimeoutMs);
  }

  /**
   * Answers a browser's offer. Resolves with the viewer, its answer ready ({@link answer}, ICE
   * candidates included: WHEP clients may not trickle).
   * @throws WhepError 400/406 for an offer that cannot be read or lacks the call's codecs.
   */
  static async open(offerSdp: string, o: WhepViewerOptions): Promise<WhepViewer> {
    const narrowed = narrowOffer(offerSdp, o.source.media);
    const viewer = new WhepViewer(o, narrowed.formats);
    try {
      await viewer.#pc.setRemoteDescription({ type: "offer", sdp: narrowed.sdp });
      viewer.#notePlayoutDelay();
      const answer = await viewer.#pc.createAnswer();
      await viewer.#pc.setLocalDescription(answer);
      viewer.#answer = announceAddress(viewer.#pc.localDescription?.sdp ?? answer.sdp, o.network.publicAddress);
    } catch (error) {
      viewer.close("closed");
      throw error;
    }
    return viewer;
  }

  #notePlayoutDelay(): void {
    const video = this.#tracks.get("video");
    const transceiver = this.#pc.getTransceivers().find((t) => t.sender === video?.sender);
    const id = transceiver?.headerExtensions.find((e) => e.uri === PLAYOUT_DELAY_URI)?.id;
    if (video && id !== undefined) video.playoutDelayId = id;
  }

  /** The SDP answer. */
  get answer(): string {
    return this.#answer;
  }

  get state(): ViewerState {
    return this.#state;
  }

  #onConnected(): void {
    if (this.#state !== "connecting") return;
    this.#setState("connected");
    if (this.#iceTimer) clearTimeout(this.#iceTimer);
    // Listening and priming in one synchronous step: no live packet can come between the two.
    for (const [kind, t] of this.#tracks) {
      this.#detach.push(this.#o.source.onRtp(kind, (packet, arrivalMs) => this.#forward(t, packet, arrivalMs)));
    }
    const video = this.#tracks.get("video");
    if (!video) return;
    const primed = video.track.prime(this.#o.cachedVideo?.() ?? []);
    for (const packet of primed) this.#send(video, packet);
    if (primed.length === 0) this.#keyframes.start();
  }

  #wantKeyframe(): void {
    if (this.#state === "connected") this.#keyframes.start();
  }

  #forward(t: SendingTrack, packet: RtpPacket, arrivalMs: number): void {
    if (this.#state !== "connected") return;
    const wasOpen = t.track.open;
    const out = t.track.processInput(packet, arrivalMs);
    if (!out) return;
    if (!wasOpen) this.#keyframes.notifyKeyframe();
    this.#send(t, out);
  }

  #send(t: SendingTrack, packet: RtpPacket): void {
    this.#firstPacketMs ??= Date.now() - this.#openedAt;
    if (t.playoutDelayId !== undefined) packet.header.extensions = [{ id: t.playoutDelayId, payload: NO_PLAYOUT_DELAY }];
    t.sender.sendRtp(packet).catch(() => undefined);
  }

  #setState(state: ViewerState): void {
    this.#state = state;
    this.#since = Date.now();
    this.safeEmit("state", state);
  }

  /** Ends the viewer (DTLS close alert to the browser) and stops listening to the call. Idempotent. */
  close(reason: ViewerCloseReason = "closed"): void {
    if (this.#state === "closed") return;
    this.#setState("closed");
    if (this.#iceTimer) clearTimeout(this.#iceTimer);
    this.#keyframes.stop();
    for (const d of this.#detach.splice(0)) d();
    this.#pc.close().catch(() => undefined);
    this.safeEmit("@close", reason);
  }

  toJSON(): WhepViewerJson {
    return {
      id: this.id,
      stream: this.stream,
      state: this.#state,
      since: this.#since,
      ...(this.#firstPacketMs !== undefined ? { firstPacketMs: this.#firstPacketMs } : {}),
      keyframeRequests: this.#keyframes.toJSON().requestsSent,
      tracks: Object.fromEntries([...this.#tracks].map(([kind, t]) => [kind, t.track.toJSON()])),
    };
  }
}

function codecParameters(f: ViewerFormat): RTCRtpCodecParameters {
  const video = f.kind === "video";
  return new RTCRtpCodecParameters({
    mimeType: `${f.kind}/${f.codec}`,
    clockRate: f.clockRate,
    payloadType: f.payloadType,
    ...(f.channels !== undefined && f.channels > 1 ? { channels: f.channels } : {}),
    ...(f.fmtp !== undefined ? { parameters: f.fmtp } : {}),
    rtcpFeedback: video ? [{ type: "nack" }, { type: "nack", parameter: "pli" }, { type: "ccm", parameter: "fir" }] : [],
  });
}
