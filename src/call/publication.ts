import type { RtpChannel } from "../rtp";
import type { MediaKind, NegotiatedMedia } from "../sdp";
import { describeOutput, freeRecordPath, OutputSupervisor, type MediaError, type OutputStatus, type RepublishOutput, type RetryPolicy } from "../media";
import { TypedEmitter } from "../util/typed-emitter";
import type { Logger } from "../util/logger";
import { CallReason } from "./call-reason";
import type { PublishStatus } from "./call-event";
import { KeyframeScheduler, type KeyframePolicy } from "./output/keyframe-scheduler";
import { RepublishAttempt } from "./output/output-attempt";
import type { OutputKind, OutputSnapshot, OutputStats } from "./output/output-types";

/** Options of {@link Publication}. */
export interface PublicationOptions {
  id: string;
  /** Where to write: the full RTMP(S) URL (never logged as is) or a recording. */
  output: RepublishOutput;
  ffmpegPath: string;
  media: NegotiatedMedia;
  channels: ReadonlyMap<MediaKind, RtpChannel>;
  logger: Logger;
  retry: RetryPolicy;
  /** See OutputSupervisorOptions.stallTimeoutMs (default 5000 ms). */
  stallTimeoutMs?: number;
  /** Stats event period while PUBLISHING (default 5000 ms; 0 = none). */
  statsIntervalMs?: number;
  /** Still image for the video of a call that has none (default black). */
  slateImage?: string;
  keyframes?: Partial<KeyframePolicy>;
  /** Reorder/jitter buffer per received stream, ms to wait for a missing packet (CallOptions.jitterBufferMs; 0 = off). */
  jitterBufferMs?: number;
  /** Sends a SIP INFO picture_fast_update in the call's dialog. */
  requestPictureFastUpdate?: () => void;
  /** The product that answered the call (its User-Agent), for the level of its audio codec. */
  peerAgent?: string;
}

/** Events of {@link Publication}. */
export interface PublicationEvents extends Record<string, unknown[]> {
  status: [PublishStatus, CallReason, string | undefined];
  /** Throttled progress while PUBLISHING. */
  stats: [OutputStats];
  "@close": [];
}

/**
 * One output of a call (an RTMP(S) target or a recording), kept alive across ffmpeg failures.
 *
 * @remarks An {@link OutputSupervisor} runs one {@link RepublishAttempt} (forwarders + ffmpeg) at a
 * time and restarts it with backoff; a {@link KeyframeScheduler} asks the peer for a keyframe at
 * every (re)start and whenever keyframes stop coming. close() releases all of it; the channels
 * belong to the call: only listeners are added and removed.
 */
export class Publication extends TypedEmitter<PublicationEvents> {
  readonly id: string;
  readonly kind: OutputKind;
  /** The target without secrets. */
  readonly target: string;
  readonly #o: PublicationOptions;
  readonly #supervisor: OutputSupervisor;
  readonly #keyframes: KeyframeScheduler | undefined;
  readonly #detach: Array<() => void> = [];
  readonly #files: string[] = [];
  #attempt: RepublishAttempt | undefined;
  #status: PublishStatus = "STARTING";
  #since = Date.now();
  #stats: OutputStats | undefined;
  #statsAt = 0;
  #inputPackets = 0;
  #closed = false;
  #released: Promise<void> = Promise.resolve();

  constructor(o: PublicationOptions) {
    super();
    this.#o = o;
    this.id = o.id;
    this.kind = o.output.kind;
    this.target = describeOutput(o.output);
    for (const channel of o.channels.values()) {
      const count = (): void => void this.#inputPackets++;
      channel.on("rtp", count);
      this.#detach.push(() => channel.off("rtp", count));
    }
    const video = o.media.video ? o.channels.get("video") : undefined;
    if (video) {
      const keyframes = new KeyframeScheduler({ requestRtcp: () => void video.requestKeyframe(), requestInfo: o.requestPictureFastUpdate, policy: o.keyframes });
      const onKeyframe = (): void => keyframes.notifyKeyframe();
      video.on("keyframe", onKeyframe);
      this.#detach.push(() => video.off("keyframe", onKeyframe));
      this.#keyframes = keyframes;
    }
    this.#supervisor = new OutputSupervisor({
      createAttempt: (_n, hooks) => {
        const output = this.#nextOutput();
        this.#keyframes?.start();
        this.#attempt = new RepublishAttempt({
          hooks,
          ffmpegPath: o.ffmpegPath,
          output,
          media: o.media,
          channels: o.channels,
          generateVideo: { image: o.slateImage },
          generateAudio: true,
          jitterBufferMs: o.jitterBufferMs,
          peerAgent: o.peerAgent,
          logger: o.logger,
        });
        return this.#attempt;
      },
      retry: o.retry,
      stallTimeoutMs: o.stallTimeoutMs,
      inputPackets: () => this.#inputPackets,
      logger: o.logger,
      name: `output ${o.id}`,
    });
    this.#supervisor.on("status", (status, error) => this.#onStatus(status, error));
    this.#supervisor.on("progress", (p) => {
      this.#stats = { bitrateKbps: p.bitrateKbps ?? 0, fps: p.fps ?? 0, outTimeMs: p.outTimeMs ?? 0 };
      const every = o.statsIntervalMs ?? 5000;
      const now = Date.now();
      if (every > 0 && this.#status === "PUBLISHING" && now - this.#statsAt >= every) {
        this.#statsAt = now;
        this.safeEmit("stats", { ...this.#stats });
      }
    });
  }

  get status(): PublishStatus {
    return this.#status;
  }

  /** Starts the first ffmpeg; failures are reported as status changes (RECONNECTING, FAILED). */
  start(): void {
    this.#statsAt = Date.now();
    this.#supervisor.start();
  }

  /** A recording never overwrites: each (re)start takes the first free name. */
  #nextOutput(): RepublishOutput {
    const output = this.#o.output;
    if (output.kind !== "record") return output;
    const path = freeRecordPath(output.path);
    this.#files.push(path);
    return { ...output, path };
  }

  #onStatus(status: OutputStatus, error: MediaError | undefined): void {
    this.#status = status;
    this.#since = Date.now();
    if (status === "PUBLISHING") this.#statsAt = this.#since;
    const reason = error ? (error.reason as CallReason) : CallReason.NONE;
    this.safeEmit("status", status, reason, error?.detail);
    if (status === "FAILED") this.close();
  }

  /** Ends the output: ffmpeg is told the streams ended (RTCP BYE) so it finishes the FLV or file, then stopped. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#keyframes?.stop();
    for (const d of this.#detach) d();
    this.#released = this.#supervisor.close();
    this.safeEmit("@close");
  }

  /** Resolves when ffmpeg has exited and the forwarders' sockets are closed. */
  whenClosed(): Promise<void> {
    return this.#released;
  }

  snapshot(): OutputSnapshot {
    const firstKeyframeMs = this.#attempt?.firstKeyframeMs;
    return {
      id: this.id,
      kind: this.kind,
      status: this.#status,
      target: this.target,
      since: this.#since,
      reconnects: this.#supervisor.toJSON().reconnects,
      ...(this.#stats ? { stats: { ...this.#stats } } : {}),
      ...(this.kind === "record" ? { files: [...this.#files] } : {}),
      ...(firstKeyframeMs !== undefined ? { firstKeyframeMs } : {}),
    };
  }

  toJSON(): Record<string, unknown> {
    return {
      ...this.snapshot(),
      supervisor: this.#supervisor.toJSON(),
      keyframes: this.#keyframes?.toJSON(),
      attempt: this.#attempt?.toJSON(),
    };
  }
}
