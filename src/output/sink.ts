import type { RtpChannel } from "../rtp";
import type { MediaKind, NegotiatedMedia } from "../sdp";
import type { Logger } from "../util/logger";
import type { TypedEmitter } from "../util/typed-emitter";
import type { OutputSettings } from "./output-types";

/**
 * Where one output of the call stands: STARTING → PUBLISHING; when it loses its way out (its process
 * ends, its server goes, it stalls) it is RECONNECTING (with the reason) until PUBLISHING again, or
 * FAILED for good; STOPPED when unpublished or the call ended.
 */
export type PublishStatus = "STARTING" | "PUBLISHING" | "RECONNECTING" | "STOPPED" | "FAILED";

/**
 * Why an output changed status: one of `CallReason`'s values (`""` for none), e.g.
 * `FAILED_BY_RTMP_WRITER_ERROR`, `OUTPUT_STALLED`. A sink kind may report a reason of its own; it
 * reaches `publish` events as is.
 */
export type OutputReason = string;

/**
 * What an output did, in terms that mean the same for every kind. Reported on `stats` while PUBLISHING
 * and in `snapshot()`; 0 where a kind cannot tell.
 */
export interface OutputStats {
  /** Bitrate going out (media as written or sent), kbit/s. */
  bitrateKbps: number;
  /** Video frames per second going out (0 without video). */
  fps: number;
  /** Media time gone out so far (since the output's last (re)start). */
  outTimeMs: number;
  /** RTP packets of the call this output took and passed on since it started (absent where not counted). */
  packetsOut?: number;
  /** Their bytes (whole RTP packets, header included). */
  bytesOut?: number;
}

/** One output as `call.outputs()` reports it. */
export interface OutputSnapshot {
  id: string;
  /** The sink kind's name (`rtmp`, `record`, …: see SinkKind.kind). */
  kind: string;
  status: PublishStatus;
  /** Where it goes, without secrets: the RTMP URL with its stream key hidden, a file path, a stream name. */
  target: string;
  /** Epoch ms of the last status change. */
  since: number;
  /** Restarts so far (0 for kinds that never restart). */
  reconnects: number;
  stats?: OutputStats;
  /** Files a recording wrote (a restart continues in `name-2.ext`, …). */
  files?: string[];
  /** ms from the output's (last) start until the first video keyframe went out. */
  firstKeyframeMs?: number;
}

/** Events of a {@link Sink}, emitted with `safeEmit` (a throwing listener never breaks the sink). */
export interface SinkEvents extends Record<string, unknown[]> {
  /** A status change; `detail` is human-readable and never holds a secret. */
  status: [PublishStatus, OutputReason, string | undefined];
  /** Progress while PUBLISHING, at most every `settings.publishStatsIntervalMs` (0 = never). */
  stats: [OutputStats];
  /** Emitted once, synchronously from close() (or when the sink gave up: FAILED then `@close`). */
  "@close": [];
}

/**
 * The call's received RTP for one medium, as a sink may use it. The channel belongs to the call:
 * a sink adds listeners on start and removes every one of them on close, and never sends or closes.
 * Events: `rtp` (parsed packet, raw datagram, SRTP already removed and the source checked),
 * `rtcp` (the peer's compound RTCP as received), `keyframe` (a packet that starts a video keyframe).
 */
export type ReceiveChannel = Pick<RtpChannel, "on" | "off" | "latestSenderReport" | "arrivalAnchor">;

/**
 * What the call gives a sink it creates: its media and a few services. Everything here belongs to
 * the call and outlives the sink.
 */
export interface SinkContext {
  callId: string;
  /** The output's id among the call's outputs (unique while it runs). */
  outputId: string;
  /**
   * The negotiated media: per kind the codec, the payload type to use (`payloadType`) and every one
   * the peer may send (`receivePayloadTypes`), the clock rate, fmtp (H.264 sprop-parameter-sets,
   * packetization-mode), RFC 4733 telephone-event. A kind absent here has no channel either.
   */
  media: NegotiatedMedia;
  /**
   * Calls `listener` whenever the negotiated media change during the call (a re-INVITE's new SDP
   * changed a codec, payload type, clock rate or fmtp — e.g. PCMU → PCMA, H.264 → VP8, another H.264
   * profile), with the new media and one line saying what changed. `media` above stays the media the
   * sink was made with: a sink that reads the RTP by its payload type (the ffmpeg kinds describe it in
   * an input SDP) must follow this or it loses that medium. New addresses, ports, SSRCs and hold are
   * not changes here (the channels carry the stream through them). Returns the unsubscribe function;
   * a sink calls it on close.
   */
  onMediaChange(listener: (media: NegotiatedMedia, change: string) => void): () => void;
  /** The call's receive channels, one per negotiated kind (see {@link ReceiveChannel}). */
  channels: ReadonlyMap<MediaKind, ReceiveChannel>;
  /**
   * Asks the peer for a video keyframe (RTCP PLI + FIR). Shared by every sink of the call and
   * rate-limited per call (at most one request per KEYFRAME_REQUEST_MIN_GAP_MS), so a sink may call
   * it whenever it needs a picture (a viewer joined, a decoder reported loss); returns false when the
   * request was dropped by the limit or the call has no video. Answered keyframes come as the video
   * channel's `keyframe` event.
   */
  requestKeyframe(): boolean;
  /**
   * Asks the peer for a keyframe by SIP INFO `picture_fast_update` (RFC 5168): the fallback for peers
   * that ignore RTCP feedback; use it only after RTCP requests went unanswered. No-op once the
   * dialog is gone.
   */
  requestPictureFastUpdate(): void;
  /**
   * The product that answered the call (`User-Agent`, else `Server`, of the INVITE's 2xx), when it said:
   * some peers' codecs need a correction (liblinphone's G.722 is 6 dB below ffmpeg's).
   */
  peerAgent?: string;
  logger: Logger;
}

/**
 * One output of a call: an RTMP stream, a recording, a WebRTC viewer, … Each kind lives in its own
 * folder under `src/output/` and is made by its {@link SinkKind}; the call knows no kinds.
 *
 * Lifecycle (mediasoup's ownership tree: the call owns its sinks, closing the call closes them):
 * - made by `SinkKind.create()`; nothing runs yet (no listener, no socket, no process);
 * - `start()` once: subscribes to `ctx.channels`, opens what it needs; failures are reported as
 *   `status` events (RECONNECTING while it retries by itself, FAILED when it gives up, which also
 *   closes it), never thrown;
 * - `close()`: idempotent; stops at once from the caller's point of view (its channel listeners are
 *   removed and `@close` is emitted before it returns), and the returned promise resolves when
 *   everything the sink owned is released (processes exited, sockets closed, files finished). Every
 *   call returns that same promise, also one made from an `@close` listener (the call's outputs do
 *   that to wait for a sink that closed itself). The call's own close waits for it. A sink closed
 *   before start() resolves at once; a sink never starts after close().
 */
export interface Sink extends TypedEmitter<SinkEvents> {
  /** The output's id (SinkContext.outputId). */
  readonly id: string;
  /** The kind's name (SinkKind.kind). */
  readonly kind: string;
  /** Where it goes, without secrets (no stream key, no token): shown in events, logs and status. */
  readonly target: string;
  readonly status: PublishStatus;
  start(): void;
  close(): Promise<void>;
  snapshot(): OutputSnapshot;
  /** Diagnostics for `call.stats()`: the snapshot and the kind's own figures; no secrets. */
  toJSON(): Record<string, unknown>;
}

/** The settings a sink is made with: the call's OutputSettings overridden per output, checked. */
export interface SinkSettings extends OutputSettings {
  /** Reorder/jitter buffer per received stream, ms (0 = off); already checked against its limits. */
  jitterBufferMs: number;
}

/**
 * A kind of output: which targets it takes, how it checks them, how it makes a sink.
 *
 * A new kind is one folder under `src/output/` exporting a SinkKind, plus one line in
 * `src/output/kinds.ts` registering it. `resolve()` runs where the target enters the engine
 * (`engine.call()` options, `call.publish()`), so that a bad target is a ConfigError before anything
 * runs; `create()` gets its result.
 */
export interface SinkKind<Resolved = unknown> {
  /** Short name, reported as `kind` in events and snapshots (`rtmp`, `record`, `whep`). */
  readonly kind: string;
  /** The target's shape for error messages, e.g. `{ rtmpUrl, rtmpStream? }`. */
  readonly shape: string;
  /** True for a target of this kind (a cheap shape test, e.g. `"recordPath" in target`); no validation. */
  accepts(target: object): boolean;
  /** Validates and normalises a target. @throws ConfigError naming the field. */
  resolve(target: object, settings: OutputSettings): Resolved;
  /** Checks the settings this kind uses (a call checks them with every kind before it is dialed). @throws ConfigError */
  checkSettings?(settings: OutputSettings): void;
  /**
   * Checks, before a call that will need this kind is dialed, that the kind can run at all (e.g. its
   * binary exists), so the call fails at once rather than after the answer. @throws
   */
  preflight?(): void;
  /** Makes a sink (not started). May throw (e.g. FfmpegNotFoundError); nothing is left running then. */
  create(target: Resolved, settings: SinkSettings, ctx: SinkContext): Sink;
}
