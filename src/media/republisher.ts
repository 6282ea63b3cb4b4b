import { InvalidStateError } from "../errors";
import { silentLogger, type Logger } from "../util/logger";
import { TypedEmitter } from "../util/typed-emitter";
import { ffmpegSupportsSdpLocalAddr } from "./ffmpeg-capabilities";
import { FfmpegProcess } from "./ffmpeg-process";
import type { FfmpegProgress } from "./ffmpeg-progress";
import { findFreeUdpPortPairs, type PortRange } from "./free-udp-ports";
import { MediaError } from "./media-error";
import { writePrivateTempFile, type PrivateTempFile } from "./private-temp-file";
import { describeOutput, type RepublishOutput } from "./output-target";
import { buildRepublishArgs, type GeneratedVideo } from "./republish-args";
import { readBoundUdpPorts, waitForUdpPortsBound } from "./udp-port-table";
import { makeUrlRedactor } from "./url-redactor";

/** ffmpeg's RTP input ports on 127.0.0.1 (RTCP at port + 1), one per medium. */
export interface RepublisherPorts {
  audio?: number;
  video?: number;
}

/**
 * Life of a Republisher.
 *
 * ```
 *  new ──start()──▶ starting ──ports bound──▶ ready ──first output──▶ started
 *   │                  │                        │                        │
 *   └──────────────────┴──── close() / ffmpeg exit ───────────────────────┴──▶ closing ──▶ closed
 * ```
 */
export type RepublisherState = "new" | "starting" | "ready" | "started" | "closing" | "closed";

/** Events of {@link Republisher}. */
export type RepublisherEvents = {
  /** ffmpeg has bound its ports: start forwarding RTP to them now (held packets first). */
  ready: [RepublisherPorts];
  /** ffmpeg reports its first output (out_time > 0): the stream is live. */
  started: [];
  progress: [FfmpegProgress];
  /** ffmpeg could not start or exited before writing output. `closed` follows. */
  failure: [MediaError];
  /** ffmpeg exited after it had started, not by our close(). `closed` follows. */
  died: [MediaError];
  /** Everything released: ffmpeg gone, SDP file removed. Emitted once. */
  closed: [];
};

/** Options of {@link Republisher}. */
export interface RepublisherOptions {
  ffmpegPath: string;
  /** Where to write (RTMP(S) or a recording). Give this or `outputUrl`. */
  output?: RepublishOutput;
  /** RTMP(S) target with its stream key (shorthand for `output: { kind: "rtmp", url }`); never logged unredacted. */
  outputUrl?: string;
  /** Audio arrives as RTP. */
  hasAudio: boolean;
  /** Video arrives as RTP. */
  hasVideo: boolean;
  /** Make a video track (black or a still image) when `hasVideo` is false. */
  generateVideo?: GeneratedVideo;
  /** Make a silent audio track when `hasAudio` is false. */
  generateAudio?: boolean;
  /** Incoming video encoding name (default H264, copied; others are re-encoded). */
  videoCodec?: string;
  audioBitrate?: string;
  /** See RepublishArgsOptions.audioGainDb. */
  audioGainDb?: number;
  /** Returns the SDP ffmpeg must read, for RTP arriving on 127.0.0.1 at these ports. */
  describeInput: (ports: RepublisherPorts) => string;
  logger?: Logger;
  /** Where to take ffmpeg's input ports from (default 40000–49999). */
  portRange?: PortRange;
  /** How long ffmpeg may take to bind its ports (default 5000 ms). */
  bindTimeoutMs?: number;
  /** How long close() lets ffmpeg end by itself (after the caller's RTCP BYE) before SIGTERM (default 500 ms). */
  closeGraceMs?: number;
  /** Time between SIGTERM and SIGKILL (default 3000 ms). */
  killGraceMs?: number;
  /**
   * Make ffmpeg bind its input ports on 127.0.0.1 only, where its build supports that
   * (`-localaddr`); default true. Otherwise they are bound on every interface.
   */
  loopbackInput?: boolean;
  /** Where the UDP port table cannot be read (not Linux): fixed wait instead of watching the ports (default 1000 ms). */
  blindBindDelayMs?: number;
  /** See RepublishArgsOptions.analyzeDurationUs. */
  analyzeDurationUs?: number;
  /** See RepublishArgsOptions.outputTsOffsetMs. */
  outputTsOffsetMs?: number;
}

/** Snapshot for logs and status. Secrets are redacted. */
export interface RepublisherJSON {
  state: RepublisherState;
  output: string;
  ports: RepublisherPorts | undefined;
  pid: number | undefined;
  sdpPath: string | undefined;
  /** ms from spawn until ffmpeg's ports were bound. */
  spawnToBoundMs: number | undefined;
  /** ms from spawn until the first output. */
  spawnToStartedMs: number | undefined;
  lastProgress: FfmpegProgress | undefined;
  /** How ffmpeg ended, once it has (code 0: ended by itself, e.g. on RTCP BYE). */
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
}

/**
 * One republish of a call: picks ffmpeg's ports, writes the caller's SDP for them to a private
 * temp file, runs ffmpeg, waits until ffmpeg has bound the ports, then emits `ready`.
 *
 * @remarks
 * Ending: the caller first forwards an RTCP BYE on every stream so that ffmpeg ends cleanly and
 * finishes the FLV; close() gives it `closeGraceMs` for that, then sends SIGTERM (and SIGKILL
 * after `killGraceMs`). Any ffmpeg exit ends the Republisher: `failure`/`died` (unless closing),
 * then `closed`.
 */
export class Republisher extends TypedEmitter<RepublisherEvents> {
  readonly #o: RepublisherOptions;
  readonly #output: RepublishOutput;
  readonly #logger: Logger;
  readonly #abort = new AbortController();
  readonly #closedPromise: Promise<void>;
  #resolveClosed!: () => void;
  #state: RepublisherState = "new";
  #ports: RepublisherPorts | undefined;
  #file: PrivateTempFile | undefined;
  #proc: FfmpegProcess | undefined;
  #startError: MediaError | undefined;
  #graceTimer: NodeJS.Timeout | undefined;
  #blindTimer: NodeJS.Timeout | undefined;
  #spawnAt: number | undefined;
  #boundAt: number | undefined;
  #startedAt: number | undefined;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  constructor(o: RepublisherOptions) {
    super();
    this.#o = o;
    this.#output = o.output ?? { kind: "rtmp", url: o.outputUrl ?? "" };
    this.#logger = o.logger ?? silentLogger;
    this.#closedPromise = new Promise((resolve) => (this.#resolveClosed = resolve));
  }

  get state(): RepublisherState {
    return this.#state;
  }

  get ports(): RepublisherPorts | undefined {
    return this.#ports;
  }

  /**
   * Starts ffmpeg and resolves with its ports once they are bound.
   *
   * @throws MediaError (the one `failure` carries) when ffmpeg fails first; InvalidStateError
   *   when called twice or closed meanwhile; whatever `describeInput` throws.
   */
  async start(): Promise<RepublisherPorts> {
    if (this.#state !== "new") throw new InvalidStateError(`Republisher.start() in state ${this.#state}`);
    this.#state = "starting";
    const o = this.#o;
    try {
      const pairs = await findFreeUdpPortPairs(Number(o.hasVideo) + Number(o.hasAudio), o.portRange);
      this.#assertStarting();
      const ports: RepublisherPorts = {};
      if (o.hasVideo) ports.video = pairs.shift();
      if (o.hasAudio) ports.audio = pairs.shift();
      this.#ports = ports;

      const loopback = o.loopbackInput !== false && (await ffmpegSupportsSdpLocalAddr(o.ffmpegPath));
      this.#assertStarting();
      if (o.loopbackInput !== false && !loopback) {
        this.#logger.log("warn", "media", "this ffmpeg has no -localaddr: its RTP input ports listen on every interface");
      }
      this.#file = writePrivateTempFile("input.sdp", o.describeInput({ ...ports }));
      const args = buildRepublishArgs({
        inputLocalAddress: loopback ? "127.0.0.1" : undefined,
        sdpPath: this.#file.path,
        output: this.#output,
        hasAudio: o.hasAudio,
        hasVideo: o.hasVideo,
        videoCodec: o.videoCodec,
        audioBitrate: o.audioBitrate,
        audioGainDb: o.audioGainDb,
        generateVideo: o.generateVideo,
        generateAudio: o.generateAudio,
        analyzeDurationUs: o.analyzeDurationUs,
        outputTsOffsetMs: o.outputTsOffsetMs,
      });
      this.#spawn(args);

      const wanted = [ports.video, ports.audio].filter((p): p is number => p !== undefined).flatMap((p) => [p, p + 1]);
      const bound = await this.#waitBound(wanted);
      if (this.#startError) throw this.#startError;
      this.#assertStarting();
      if (!bound) {
        const err = new MediaError("FAILED_BY_FFMPEG_START", `ffmpeg did not bind its RTP ports within ${o.bindTimeoutMs ?? 5000} ms`);
        this.#fail(err);
        throw err;
      }
      this.#boundAt = Date.now();
      this.#logger.log("info", "media", `ffmpeg pid ${String(this.#proc?.pid)} bound ${wanted.join(",")} after ${this.#boundAt - (this.#spawnAt ?? 0)} ms`);
      if (this.#state === "starting") this.#state = "ready";
      this.safeEmit("ready", { ...ports });
      return { ...ports };
    } catch (error) {
      if (this.#state === "starting") this.close();
      throw error;
    }
  }

  /**
   * Stops ffmpeg (grace for a BYE-triggered clean end, then SIGTERM/SIGKILL) and removes the SDP file. Idempotent.
   * `graceMs` overrides `closeGraceMs`: 0 when no BYE was sent (a stalled output), since nothing would end ffmpeg meanwhile.
   */
  close(graceMs?: number): void {
    if (this.#state === "closing" || this.#state === "closed") return;
    this.#state = "closing";
    this.#abort.abort();
    if (this.#blindTimer) clearTimeout(this.#blindTimer);
    const proc = this.#proc;
    if (!proc || proc.exited) return this.#finish();
    const grace = graceMs ?? this.#o.closeGraceMs ?? 500;
    proc.expectExit();
    if (grace <= 0) proc.close();
    else this.#graceTimer = setTimeout(() => proc.close(), grace);
  }

  /** Resolves once `closed` was emitted. */
  whenClosed(): Promise<void> {
    return this.#closedPromise;
  }

  toJSON(): RepublisherJSON {
    const since = (t: number | undefined): number | undefined =>
      t !== undefined && this.#spawnAt !== undefined ? t - this.#spawnAt : undefined;
    return {
      state: this.#state,
      output: describeOutput(this.#output),
      ports: this.#ports ? { ...this.#ports } : undefined,
      pid: this.#proc?.pid,
      sdpPath: this.#file?.path,
      spawnToBoundMs: since(this.#boundAt),
      spawnToStartedMs: since(this.#startedAt),
      lastProgress: this.#proc?.lastProgress,
      exit: this.#exit ? { ...this.#exit } : undefined,
    };
  }

  #spawn(args: string[]): void {
    const o = this.#o;
    this.#spawnAt = Date.now();
    const proc = new FfmpegProcess({
      path: o.ffmpegPath,
      args,
      logger: this.#logger,
      redact: makeUrlRedactor(this.#output.kind === "rtmp" ? this.#output.url : undefined),
      killGraceMs: o.killGraceMs,
    });
    this.#proc = proc;
    proc.on("started", () => {
      this.#startedAt = Date.now();
      this.#logger.log("info", "media", `ffmpeg started output ${this.#startedAt - (this.#spawnAt ?? 0)} ms after spawn`);
      if (this.#state === "ready" || this.#state === "starting") this.#state = "started";
      this.safeEmit("started");
    });
    proc.on("progress", (p) => this.safeEmit("progress", p));
    proc.on("failure", (err) => this.#fail(err));
    proc.on("died", (err) => {
      if (this.#state === "closing" || this.#state === "closed") return;
      this.safeEmit("died", err);
      this.close();
    });
    proc.on("exit", (code, signal) => {
      this.#exit = { code, signal };
      if (this.#state !== "closing" && this.#state !== "closed") this.close();
      if (this.#state === "closing") this.#finish();
    });
  }

  #fail(err: MediaError): void {
    if (this.#state === "closing" || this.#state === "closed") return;
    this.#startError = err;
    this.#abort.abort();
    this.safeEmit("failure", err);
    this.close();
  }

  async #waitBound(ports: number[]): Promise<boolean> {
    if ((await readBoundUdpPorts()) !== undefined) {
      return waitForUdpPortsBound(ports, this.#o.bindTimeoutMs ?? 5000, 20, { signal: this.#abort.signal });
    }
    // No port table (not Linux): a fixed wait, long enough for ffmpeg to read the SDP and bind.
    this.#logger.log("debug", "media", "no /proc/net/udp: waiting a fixed delay for ffmpeg to bind");
    return new Promise<boolean>((resolve) => {
      const done = (): void => {
        this.#blindTimer = undefined;
        this.#abort.signal.removeEventListener("abort", cancel);
        resolve(!this.#abort.signal.aborted);
      };
      const cancel = (): void => {
        if (this.#blindTimer) clearTimeout(this.#blindTimer);
        done();
      };
      this.#abort.signal.addEventListener("abort", cancel);
      this.#blindTimer = setTimeout(done, this.#o.blindBindDelayMs ?? 1000);
    });
  }

  #assertStarting(): void {
    if (this.#state !== "starting" && this.#state !== "started") {
      throw new InvalidStateError("Republisher was closed while starting");
    }
  }

  #finish(): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    if (this.#graceTimer) clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
    this.#file?.remove();
    this.#logger.log("debug", "media", "republisher closed");
    this.safeEmit("closed");
    this.#resolveClosed();
  }
}
