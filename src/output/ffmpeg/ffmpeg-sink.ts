import { freeRecordPath, MediaError, type RepublishOutput } from "../../media";
import type { NegotiatedMedia } from "../../sdp";
import { describeOutput } from "../../media/output-target";
import { TypedEmitter } from "../../util/typed-emitter";
import { KeyframeScheduler, type KeyframePolicy } from "../keyframe-scheduler";
import type { OutputSnapshot, OutputStats, PublishStatus, Sink, SinkContext, SinkEvents } from "../sink";
import { FfmpegAttempt } from "./ffmpeg-attempt";
import { OutputSupervisor, type OutputStatus } from "./output-supervisor";
import type { RetryPolicy } from "./retry-policy";

/**
 * Where a continued timeline's first packets go after the last ones: two AAC frames at 44.1 kHz
 * (2 × 1024 samples = 46.4 ms), rounded up. ffmpeg's AAC encoder stamps its first packet one frame
 * before 0 (its priming), so its first audio lands one frame, 23 ms, after the last: one frame's step.
 */
const RESUMED_PUBLISH_OFFSET_MS = 47;

/** Options of {@link FfmpegSink}. */
export interface FfmpegSinkOptions {
  /** Where to write: the full RTMP(S) URL (never logged as is) or a recording; checked by the kind's resolve(). */
  output: RepublishOutput;
  ffmpegPath: string;
  retry: RetryPolicy;
  /** See OutputSupervisorOptions.stallTimeoutMs (default 5000 ms). */
  stallTimeoutMs?: number;
  /** Stats event period while PUBLISHING (default 5000 ms; 0 = none). */
  statsIntervalMs?: number;
  /** Still image for the video of a call that has none (default black). */
  slateImage?: string;
  keyframes?: Partial<KeyframePolicy>;
  /** Reorder/jitter buffer per received stream, ms to wait for a missing packet (0 = off). */
  jitterBufferMs: number;
  ctx: SinkContext;
}

/**
 * The ffmpeg output kinds (`rtmp`, `record`): one output of a call written by ffmpeg, kept alive
 * across ffmpeg failures.
 *
 * @remarks An {@link OutputSupervisor} runs one {@link FfmpegAttempt} (forwarders + ffmpeg) at a
 * time and restarts it with backoff; a {@link KeyframeScheduler} asks the peer for a keyframe at
 * every (re)start and whenever keyframes stop coming. close() releases all of it; the channels
 * belong to the call: only listeners are added and removed.
 */
export class FfmpegSink extends TypedEmitter<SinkEvents> implements Sink {
  readonly id: string;
  readonly kind: RepublishOutput["kind"];
  /** The target without secrets. */
  readonly target: string;
  readonly #o: FfmpegSinkOptions;
  readonly #supervisor: OutputSupervisor;
  readonly #keyframes: KeyframeScheduler | undefined;
  readonly #detach: Array<() => void> = [];
  readonly #files: string[] = [];
  #attempt: FfmpegAttempt | undefined;
  /** The call's media as now negotiated: each attempt describes these to its ffmpeg. */
  #media: NegotiatedMedia;
  /** Wall-clock ms at which the output's timeline was 0 (set by the first progress with output). */
  #timelineOrigin: number | undefined;
  /** Set by a media change: the next attempt continues the published timeline (see #onMediaChange). */
  #continueTimeline = false;
  /** The running attempt's outputTsOffsetMs. */
  #attemptOffsetMs = 0;
  #status: PublishStatus = "STARTING";
  #since = Date.now();
  #stats: OutputStats | undefined;
  #statsAt = 0;
  #inputPackets = 0;
  #inputBytes = 0;
  #started = false;
  #closed = false;
  #released: Promise<void> = Promise.resolve();

  constructor(o: FfmpegSinkOptions) {
    super();
    this.#o = o;
    const { ctx } = o;
    this.id = ctx.outputId;
    this.kind = o.output.kind;
    this.target = describeOutput(o.output);
    this.#media = ctx.media;
    const video = ctx.media.video ? ctx.channels.get("video") : undefined;
    if (video) {
      this.#keyframes = new KeyframeScheduler({ requestRtcp: () => void ctx.requestKeyframe(), requestInfo: () => ctx.requestPictureFastUpdate(), policy: o.keyframes });
    }
    this.#supervisor = new OutputSupervisor({
      createAttempt: (_n, hooks) => {
        const output = this.#nextOutput();
        this.#keyframes?.start();
        const outputTsOffsetMs = this.#continueTimeline ? this.#continuedOffsetMs(output) : 0;
        // A restart for any other reason (its target or ffmpeg failed) is a new stream from 0, as before.
        if (!this.#continueTimeline) this.#timelineOrigin = undefined;
        this.#continueTimeline = false;
        this.#attemptOffsetMs = outputTsOffsetMs;
        ctx.logger.log("debug", "media", `output ${this.id}: attempt ${_n} starts its timeline at ${outputTsOffsetMs} ms (last out_time ${this.#stats?.outTimeMs ?? "-"} ms)`);
        this.#attempt = new FfmpegAttempt({
          hooks,
          ffmpegPath: o.ffmpegPath,
          output,
          media: this.#media,
          outputTsOffsetMs,
          channels: ctx.channels,
          generateVideo: { image: o.slateImage },
          generateAudio: true,
          jitterBufferMs: o.jitterBufferMs,
          peerAgent: ctx.peerAgent,
          logger: ctx.logger,
        });
        return this.#attempt;
      },
      retry: o.retry,
      stallTimeoutMs: o.stallTimeoutMs,
      inputPackets: () => this.#inputPackets,
      logger: ctx.logger,
      name: `output ${this.id}`,
    });
    this.#supervisor.on("status", (status, error) => this.#onStatus(status, error));
    this.#supervisor.on("progress", (p) => {
      if (this.#timelineOrigin === undefined && (p.outTimeMs ?? 0) > 0) this.#timelineOrigin = Date.now() - (p.outTimeMs ?? 0);
      this.#stats = { bitrateKbps: p.bitrateKbps ?? 0, fps: p.fps ?? 0, outTimeMs: p.outTimeMs ?? 0, packetsOut: this.#inputPackets, bytesOut: this.#inputBytes };
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

  /** Subscribes to the call's channels and starts the first ffmpeg; failures are reported as status changes (RECONNECTING, FAILED). */
  start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    this.#listen();
    this.#detach.push(this.#o.ctx.onMediaChange((media, change) => this.#onMediaChange(media, change)));
    this.#statsAt = Date.now();
    this.#supervisor.start();
  }

  /** Counts the call's RTP (for the stall watch and the stats) and follows the peer's keyframes. */
  #listen(): void {
    for (const [kind, channel] of this.#o.ctx.channels) {
      const count = (_packet: unknown, raw: Buffer): void => {
        this.#inputPackets++;
        this.#inputBytes += raw.length;
      };
      channel.on("rtp", count);
      this.#detach.push(() => channel.off("rtp", count));
      const keyframes = this.#keyframes;
      if (kind === "video" && keyframes) {
        const onKeyframe = (): void => keyframes.notifyKeyframe();
        channel.on("keyframe", onKeyframe);
        this.#detach.push(() => channel.off("keyframe", onKeyframe));
      }
    }
  }

  /**
   * A re-INVITE changed the codec (payload type, fmtp): ffmpeg reads the RTP by the input SDP it was
   * started with and cannot be told another, so the attempt is restarted on the new media, its
   * timeline continued (#continuedOffsetMs, ffmpeg's `-output_ts_offset`): an RTMP output is
   * published anew (ffmpeg's RTMP connection ends with its process), a recording goes on in its next
   * file name with the timestamps following the file before.
   */
  #onMediaChange(media: NegotiatedMedia, change: string): void {
    this.#media = media;
    this.#continueTimeline = true;
    this.#supervisor.restart(new MediaError("OUTPUT_MEDIA_CHANGED", `the call's media changed (${change}): output restarted on them`));
  }

  /**
   * Where the next attempt's timeline starts when it continues this output's (after a media change).
   *
   * @remarks
   * A recording's next file goes on where the wall clock is since the output began (the restart's
   * real gap stays a gap, A/V keep their place against the call), and never before the end of the
   * file before: the first run may have written ahead of the wall clock (the media queued while it
   * started go out at once).
   *
   * An RTMP output is a new publish by the same client, and the server places it: node-media-server
   * 4.4 shifts a publish resumed within its grace window so that it starts at the last timestamp it
   * had (so an offset of the call's time would be a jump forward of that much); other servers take a
   * new publish from 0 as a reconnecting encoder. Its first packets are put RESUMED_PUBLISH_OFFSET_MS
   * in, so that after such a shift the first audio comes one frame after the last (measured: at 24 ms
   * the first AAC packet came 1 ms after the last one).
   */
  #continuedOffsetMs(output: RepublishOutput): number {
    if (output.kind !== "record") return RESUMED_PUBLISH_OFFSET_MS;
    const origin = this.#timelineOrigin;
    const wall = origin === undefined ? 0 : Date.now() - origin;
    const previousEnd = this.#attemptOffsetMs + (this.#attempt?.outTimeMs ?? 0);
    return Math.max(wall, previousEnd + RESUMED_PUBLISH_OFFSET_MS);
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
    const reason = error ? error.reason : "";
    this.safeEmit("status", status, reason, error?.detail);
    if (status === "FAILED") void this.close();
  }

  /**
   * Ends the output: ffmpeg is told the streams ended (RTCP BYE) so it finishes the FLV or file, then
   * stopped. Idempotent; resolves when ffmpeg has exited and the forwarders' sockets are closed.
   */
  close(): Promise<void> {
    if (this.#closed) return this.#released;
    this.#closed = true;
    this.#keyframes?.stop();
    for (const d of this.#detach) d();
    this.#detach.length = 0;
    this.#released = this.#supervisor.close();
    this.safeEmit("@close");
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
