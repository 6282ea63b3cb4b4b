import { type Clock, type TimerHandle, systemClock } from "../../rtp/clock";
import { silentLogger, type Logger } from "../../util/logger";
import { TypedEmitter } from "../../util/typed-emitter";
import type { FfmpegProgress } from "../../media/ffmpeg-progress";
import { MediaError, type MediaErrorReason } from "../../media/media-error";
import { STABLE_OUTAGE_MAX_BACKOFF_MS, backoffDelayMs, retryWindowMs, type RetryPolicy } from "./retry-policy";
import { DEFAULT_STALL_TIMEOUT_MS, StallWatch, type StallSample } from "../../media/stall-watch";

/**
 * Where a supervised output stands.
 *
 * ```
 *  STARTING ──started──▶ PUBLISHING ──ended/stalled──▶ RECONNECTING ──started──▶ PUBLISHING
 *     │                                                   │  (retries left: wait, restart)
 *     └──ended, no retries left──▶ FAILED ◀──────────────┘
 *  any ──close()──▶ STOPPED
 * ```
 */
export type OutputStatus = "STARTING" | "PUBLISHING" | "RECONNECTING" | "STOPPED" | "FAILED";

/** What an attempt reports to its supervisor. */
export interface AttemptHooks {
  /** The output is live (ffmpeg's first progress with output). */
  started(): void;
  progress(p: FfmpegProgress): void;
  /** The attempt ended by itself (ffmpeg failed or died). Called at most once, never after stop(). */
  ended(error: MediaError): void;
}

/** One run of an output (one ffmpeg), as the supervisor drives it. */
export interface OutputAttempt {
  start(): void;
  /** Ends the attempt and releases everything it holds; `clean` lets it finish its file/stream first. */
  stop(clean: boolean): Promise<void>;
}

/** Options of {@link OutputSupervisor}. */
export interface OutputSupervisorOptions {
  /** Makes attempt number `n` (1 = first start). */
  createAttempt: (n: number, hooks: AttemptHooks) => OutputAttempt;
  retry: RetryPolicy;
  /**
   * Restart when ffmpeg's output time has not advanced for this long while media still comes in
   * (a hung TCP connection, a server that stopped reading): reported as OUTPUT_STALLED and
   * restarted like a failure (one retry). 0 disables. Default 5000 ms.
   */
  stallTimeoutMs?: number;
  /**
   * Media packets received by the call so far (all kinds). An output that ends while no media
   * flows (call on hold: ffmpeg gives up after 10 s without input) waits for media to return
   * without using up a retry.
   */
  inputPackets: () => number;
  /** Input counts as idle when no packet came for this long (default 3000 ms). */
  idleAfterMs?: number;
  /** How often the watchdog looks (default 1000 ms). */
  checkEveryMs?: number;
  clock?: Clock;
  logger?: Logger;
  /** For log lines, e.g. the output id. */
  name?: string;
}

/** Events of {@link OutputSupervisor}. */
export type OutputSupervisorEvents = {
  /** A status change; `error` says why for RECONNECTING and FAILED. */
  status: [OutputStatus, MediaError | undefined];
  progress: [FfmpegProgress];
};

/** Snapshot of an {@link OutputSupervisor}. */
export interface OutputSupervisorJson {
  status: OutputStatus;
  /** Attempts started after the first one. */
  reconnects: number;
  /** Failed restarts in a row (reset by a stable attempt). */
  retries: number;
  attempt: number;
  lastError: string | undefined;
}

/**
 * Keeps one output alive: runs attempts (one ffmpeg each), watches their progress, and restarts
 * them with exponential backoff when they end or stall, up to the retry policy's cap.
 *
 * @remarks Pure timer logic over injected attempts and clock, so that it is tested without ffmpeg.
 * Only one attempt runs at a time; the next starts after the previous one has fully stopped
 * (its ports and process released).
 */
export class OutputSupervisor extends TypedEmitter<OutputSupervisorEvents> {
  readonly #o: OutputSupervisorOptions;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #stallMs: number;
  readonly #idleMs: number;
  #status: OutputStatus = "STARTING";
  #attempt: OutputAttempt | undefined;
  #attemptNo = 0;
  /** The running attempt's token: hooks of an attempt that is no longer it are ignored. */
  #liveAttempt: object | undefined;
  #retries = 0;
  #startedAt: number | undefined;
  #lastProgress: FfmpegProgress | undefined;
  #stallWatch: StallWatch | undefined;
  /** Set while restarting an output that had published steadily: when its target went away. */
  #stableOutageSince: number | undefined;
  #lastInput = 0;
  #inputSeenAt = 0;
  #watchdog: TimerHandle | undefined;
  #wait: TimerHandle | undefined;
  #waitIsInterval = false;
  #lastError: MediaError | undefined;
  #closed = false;
  #stopping: Promise<void> = Promise.resolve();

  constructor(o: OutputSupervisorOptions) {
    super();
    this.#o = o;
    this.#clock = o.clock ?? systemClock;
    this.#logger = o.logger ?? silentLogger;
    this.#stallMs = o.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
    this.#idleMs = o.idleAfterMs ?? 3000;
  }

  get status(): OutputStatus {
    return this.#status;
  }

  /** Starts the first attempt. */
  start(): void {
    if (this.#closed || this.#attemptNo > 0) return;
    this.#launch();
  }

  /**
   * Stops for good: cancels any wait, stops the running attempt (cleanly: the file or stream is
   * finished) and reports STOPPED unless it had FAILED. Idempotent; resolves when released.
   */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#cancelWait();
      this.#stopWatchdog();
      const attempt = this.#attempt;
      this.#attempt = undefined;
      const stopped = attempt ? attempt.stop(true) : Promise.resolve();
      this.#stopping = Promise.all([this.#stopping, stopped]).then(() => undefined);
      if (this.#status !== "FAILED") this.#setStatus("STOPPED", undefined);
    }
    return this.#stopping;
  }

  /**
   * Restarts the running attempt at once, not as a failure: no retry is used up and no backoff
   * waited; reported as RECONNECTING with `reason`, then PUBLISHING when the next attempt is live.
   * The old attempt is stopped cleanly (its file or FLV finished) before the next one starts. Without
   * a running attempt (waiting to retry) the next launch happens as planned. For a change of the
   * call's media (see FfmpegSink).
   */
  restart(reason: MediaError): void {
    const attempt = this.#attempt;
    if (this.#closed || !attempt) return;
    this.#stopWatchdog();
    this.#attempt = undefined;
    this.#lastError = reason;
    this.#liveAttempt = undefined;
    const stopped = attempt.stop(true);
    this.#stopping = Promise.all([this.#stopping, stopped]).then(() => undefined);
    this.#logger.log("info", "media", `${this.#o.name ?? "output"}: attempt ${this.#attemptNo} restarted: ${reason.message}`);
    this.#setStatus("RECONNECTING", reason);
    void stopped.then(() => this.#relaunch());
  }

  toJSON(): OutputSupervisorJson {
    return {
      status: this.#status,
      reconnects: Math.max(0, this.#attemptNo - 1),
      retries: this.#retries,
      attempt: this.#attemptNo,
      lastError: this.#lastError?.message,
    };
  }

  #launch(): void {
    const n = ++this.#attemptNo;
    const now = this.#clock.now();
    this.#startedAt = undefined;
    this.#lastProgress = undefined;
    this.#lastInput = this.#o.inputPackets();
    this.#inputSeenAt = now;
    const token = {};
    this.#liveAttempt = token;
    const isLive = (): boolean => this.#liveAttempt === token;
    const attempt = this.#o.createAttempt(n, {
      started: () => {
        if (!isLive() || this.#closed) return;
        this.#startedAt = this.#clock.now();
        this.#setStatus("PUBLISHING", undefined);
      },
      progress: (p) => {
        if (!isLive() || this.#closed) return;
        this.#lastProgress = p;
        // Sampled as it arrives too, so the stall clock starts at the last real advance, not at the next look.
        this.#stallWatch?.sample(this.#stallSample(this.#clock.now()));
        this.safeEmit("progress", p);
      },
      ended: (error) => {
        if (!isLive() || this.#closed) return;
        this.#liveAttempt = undefined;
        this.#onEnded(attempt, error);
      },
    });
    this.#attempt = attempt;
    this.#startWatchdog((stillMs) => {
      if (!isLive()) return;
      this.#liveAttempt = undefined;
      const seconds = Math.round(stillMs / 100) / 10;
      const out = this.#lastProgress?.outTimeMs;
      const at = out === null || out === undefined ? "before any output" : `at out_time ${(out / 1000).toFixed(1)} s`;
      this.#logger.log("warn", "media", `${this.#o.name ?? "output"}: stalled ${at}: no output for ${seconds} s while RTP kept arriving; restarting it`);
      this.#onEnded(attempt, new MediaError("OUTPUT_STALLED", `output stalled ${at}: nothing written for ${seconds} s while media kept coming`));
    });
    attempt.start();
  }

  #onEnded(attempt: OutputAttempt, error: MediaError): void {
    this.#stopWatchdog();
    this.#lastError = error;
    const now = this.#clock.now();
    const publishedMs = this.#startedAt === undefined ? 0 : now - this.#startedAt;
    if (publishedMs >= this.#o.retry.stableAfterMs) {
      this.#retries = 0;
      this.#stableOutageSince = now;
    } else if (publishedMs > 0 && this.#stableOutageSince !== undefined) {
      // Back only briefly after the outage: from here a flapping target gets the doubling waits and count.
      this.#stableOutageSince = undefined;
      this.#retries = 0;
    }
    this.#attempt = undefined;
    const stopped = attempt.stop(false);
    this.#stopping = Promise.all([this.#stopping, stopped]).then(() => undefined);
    this.#logger.log("warn", "media", `${this.#o.name ?? "output"}: attempt ${this.#attemptNo} ended: ${error.message}`);

    this.#sampleInput(now);
    if (now - this.#inputSeenAt >= this.#idleMs) {
      // No media at all (hold, a silent peer): not the output's fault. Restart when media returns.
      this.#setStatus("RECONNECTING", error);
      this.#waitIsInterval = true;
      this.#wait = this.#clock.setInterval(() => {
        if (!this.#sampleInput(this.#clock.now())) return;
        this.#cancelWait();
        void stopped.then(() => this.#relaunch());
      }, this.#o.checkEveryMs ?? 1000);
      return;
    }
    this.#retries++;
    const outage = this.#stableOutageSince;
    // A steady output rides out its target's outage at short waits for as long as the doubling schedule would.
    const givenUp = outage === undefined || this.#o.retry.maxRetries === 0 ? this.#retries > this.#o.retry.maxRetries : now - outage > retryWindowMs(this.#o.retry);
    if (givenUp) {
      this.#setStatus("FAILED", error);
      void this.close();
      return;
    }
    this.#setStatus("RECONNECTING", error);
    const doubling = backoffDelayMs(this.#o.retry, this.#retries);
    const delay = outage === undefined ? doubling : Math.min(doubling, STABLE_OUTAGE_MAX_BACKOFF_MS);
    this.#logger.log("info", "media", `${this.#o.name ?? "output"}: restart ${this.#retries}/${this.#o.retry.maxRetries} in ${delay} ms`);
    this.#waitIsInterval = false;
    this.#wait = this.#clock.setTimeout(() => {
      this.#wait = undefined;
      void stopped.then(() => this.#relaunch());
    }, delay);
  }

  #relaunch(): void {
    if (this.#closed || this.#attempt) return;
    this.#launch();
  }

  /** Reads the input counter; true when packets came since the last look. */
  #sampleInput(now: number): boolean {
    const input = this.#o.inputPackets();
    if (input === this.#lastInput) return false;
    this.#lastInput = input;
    this.#inputSeenAt = now;
    return true;
  }

  #startWatchdog(onStall: (stillMs: number) => void): void {
    this.#stopWatchdog();
    if (this.#stallMs <= 0) return;
    const watch = new StallWatch({ stallMs: this.#stallMs, idleMs: this.#idleMs }, this.#clock.now());
    this.#stallWatch = watch;
    this.#watchdog = this.#clock.setInterval(() => {
      const now = this.#clock.now();
      this.#sampleInput(now);
      if (watch.sample(this.#stallSample(now))) onStall(watch.stillForMs(now));
    }, this.#o.checkEveryMs ?? 1000);
  }

  #stallSample(now: number): StallSample {
    const p = this.#lastProgress;
    return { now, outTimeMs: p?.outTimeMs ?? null, totalSize: p?.totalSize ?? null, inputPackets: this.#o.inputPackets() };
  }

  #stopWatchdog(): void {
    if (this.#watchdog !== undefined) this.#clock.clearInterval(this.#watchdog);
    this.#watchdog = undefined;
    this.#stallWatch = undefined;
  }

  #cancelWait(): void {
    if (this.#wait === undefined) return;
    if (this.#waitIsInterval) this.#clock.clearInterval(this.#wait);
    else this.#clock.clearTimeout(this.#wait);
    this.#wait = undefined;
  }

  #setStatus(status: OutputStatus, error: MediaError | undefined): void {
    if (this.#status === status && status !== "RECONNECTING") return;
    this.#status = status;
    this.safeEmit("status", status, error);
  }
}
