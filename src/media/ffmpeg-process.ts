import { spawn, type ChildProcess } from "node:child_process";
import { silentLogger, type Logger } from "../util/logger";
import { TypedEmitter } from "../util/typed-emitter";
import { classifyFfmpegStderr, isHarmlessFfmpegLine, isStartError, shortenLine } from "./classify-ffmpeg-failure";
import { FfmpegProgressParser, progressShowsOutput, type FfmpegProgress } from "./ffmpeg-progress";
import { LineSplitter } from "./line-splitter";
import { MediaError } from "./media-error";
import { tiedToThisProcess } from "./parent-death";
import { makeUrlRedactor } from "./url-redactor";

/** Events of {@link FfmpegProcess}. */
export type FfmpegProcessEvents = {
  /** The first progress report showing output (out_time > 0 or frame > 0). */
  started: [];
  progress: [FfmpegProgress];
  /** ffmpeg could not be run, or exited before `started`. */
  failure: [MediaError];
  /** ffmpeg exited after `started` without our close() (exit code 0 too: e.g. input RTCP BYE). */
  died: [MediaError];
  /** Always, last, once the child is gone (also after close()). */
  exit: [number | null, NodeJS.Signals | null];
};

/** Options of {@link FfmpegProcess}. */
export interface FfmpegProcessOptions {
  path: string;
  args: string[];
  logger?: Logger;
  /** Applied to every stderr line and to the logged command line (default hides any rtmp URL). */
  redact?: (s: string) => string;
  /** Time between SIGTERM and SIGKILL in close() (default 3000 ms). */
  killGraceMs?: number;
}

const TAIL_LINES = 30;
/** How long to wait for stdio to drain after the exit before finishing anyway (a grandchild may hold the pipes). */
const DRAIN_MS = 1000;

/**
 * One ffmpeg child, in the manner of mediasoup's `Worker.ts`: explicit argv (never a shell),
 * stderr logged line by line, a start-up failure (`failure`) kept apart from a later death
 * (`died`), and exits caused by our own close() reported as neither.
 *
 * @remarks
 * stdio is `[pipe, pipe, pipe]`: stdin stays open but unused (`-nostdin`; `q` does nothing while
 * ffmpeg blocks on input anyway), stdout carries `-progress pipe:1`, stderr the log. The last
 * {@link TAIL_LINES} redacted stderr lines are kept to classify the exit.
 */
export class FfmpegProcess extends TypedEmitter<FfmpegProcessEvents> {
  readonly #child: ChildProcess;
  readonly #logger: Logger;
  readonly #redact: (s: string) => string;
  readonly #killGraceMs: number;
  readonly #tail: string[] = [];
  readonly #progress = new FfmpegProgressParser();
  readonly #exited: Promise<void>;
  #resolveExited!: () => void;
  #closed = false;
  #expected = false;
  #started = false;
  #finished = false;
  #killTimer: NodeJS.Timeout | undefined;
  #drainTimer: NodeJS.Timeout | undefined;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  #lastProgress: FfmpegProgress | undefined;

  constructor(o: FfmpegProcessOptions) {
    super();
    this.#logger = o.logger ?? silentLogger;
    this.#redact = o.redact ?? makeUrlRedactor();
    this.#killGraceMs = o.killGraceMs ?? 3000;
    this.#exited = new Promise((resolve) => (this.#resolveExited = resolve));
    this.#logger.log("debug", "ffmpeg", `spawn ${this.#redact([o.path, ...o.args].join(" "))}`);

    // Ended by the kernel when this process dies, even by SIGKILL (see parent-death.ts).
    const command = tiedToThisProcess(o.path, o.args);
    this.#child = spawn(command.command, command.args, { stdio: ["pipe", "pipe", "pipe"], windowsHide: true });
    const child = this.#child;
    child.stdin?.on("error", () => undefined); // EPIPE when ffmpeg exits: nothing to do.

    const stdout = new LineSplitter((line) => this.#onProgressLine(line));
    const stderr = new LineSplitter((line) => this.#onStderrLine(line));
    child.stdout?.setEncoding("utf8");
    child.stderr?.setEncoding("utf8");
    child.stdout?.on("data", (s: string) => stdout.push(s));
    child.stderr?.on("data", (s: string) => stderr.push(s));
    child.stdout?.on("end", () => stdout.flush());
    child.stderr?.on("end", () => stderr.flush());

    child.once("error", (error: NodeJS.ErrnoException) => this.#onSpawnError(error));
    child.once("exit", (code, signal) => {
      if (this.#finished) return; // spawn failure, already reported
      this.#exit = { code, signal };
      this.#clearKillTimer();
      // Classify only once stderr is fully read ('close'), but do not wait for ever.
      this.#drainTimer = setTimeout(() => this.#finish(), DRAIN_MS);
    });
    child.once("close", () => this.#finish());
  }

  /** The child's pid, undefined when spawning failed. */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** True once `started` was emitted. */
  get started(): boolean {
    return this.#started;
  }

  /** True once the child has exited (or never ran). */
  get exited(): boolean {
    return this.#finished;
  }

  /** The last progress report, if any. */
  get lastProgress(): FfmpegProgress | undefined {
    return this.#lastProgress;
  }

  /** The last redacted stderr lines (at most 30). */
  get stderrTail(): readonly string[] {
    return [...this.#tail];
  }

  /**
   * Says that ffmpeg is about to end by itself (its input got an RTCP BYE): that exit is then
   * reported like one caused by close() (no `failure`/`died`, logged at debug level).
   */
  expectExit(): void {
    this.#expected = true;
  }

  /** Stops ffmpeg: SIGTERM now, SIGKILL after `killGraceMs`. Idempotent; the exit emits neither `failure` nor `died`. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#finished || this.#exit || this.#child.pid === undefined) return;
    this.#child.kill("SIGTERM");
    this.#killTimer = setTimeout(() => {
      this.#killTimer = undefined;
      this.#logger.log("warn", "ffmpeg", `pid ${String(this.#child.pid)} ignored SIGTERM for ${this.#killGraceMs} ms: SIGKILL`);
      this.#child.kill("SIGKILL");
    }, this.#killGraceMs);
  }

  /** Resolves when the child has exited (at once if it already did or never started). */
  whenExited(): Promise<void> {
    return this.#exited;
  }

  #onProgressLine(line: string): void {
    const report = this.#progress.processLine(line);
    if (!report) return;
    this.#lastProgress = report;
    if (!this.#started && progressShowsOutput(report)) {
      this.#started = true;
      this.#logger.log("info", "ffmpeg", `pid ${String(this.#child.pid)} is writing output`);
      this.safeEmit("started");
    }
    this.safeEmit("progress", report);
  }

  #onStderrLine(raw: string): void {
    const line = this.#redact(raw);
    this.#tail.push(line);
    if (this.#tail.length > TAIL_LINES) this.#tail.shift();
    this.#logger.log(isHarmlessFfmpegLine(line) ? "debug" : "warn", "ffmpeg", line);
  }

  #onSpawnError(error: NodeJS.ErrnoException): void {
    if (this.#child.pid !== undefined) {
      // kill() or a pipe failed on a running child: the exit will still be reported.
      this.#logger.log("warn", "ffmpeg", `child error: ${this.#redact(error.message)}`);
      return;
    }
    const reason = isStartError(error) ? "FAILED_BY_FFMPEG_START" : "FAILED_BY_FFMPEG_ERROR";
    const err = new MediaError(reason, shortenLine(this.#redact(`cannot run ffmpeg: ${error.message}`)));
    this.#logger.log("error", "ffmpeg", err.message);
    this.#finish(err);
  }

  #finish(spawnError?: MediaError): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#clearKillTimer();
    if (this.#drainTimer) clearTimeout(this.#drainTimer);
    this.#drainTimer = undefined;
    // Release our ends of the pipes even if a grandchild still holds the others.
    this.#child.stdin?.destroy();
    this.#child.stdout?.destroy();
    this.#child.stderr?.destroy();

    const code = this.#exit?.code ?? null;
    const signal = this.#exit?.signal ?? null;
    if (spawnError) {
      if (!this.#closed) this.safeEmit("failure", spawnError);
    } else if (!this.#closed && !this.#expected) {
      const error = this.#exitError(code, signal);
      this.#logger.log(this.#started ? "warn" : "error", "ffmpeg", `pid ${String(this.#child.pid)} ${error.message}`);
      this.safeEmit(this.#started ? "died" : "failure", error);
    } else {
      this.#logger.log("debug", "ffmpeg", `pid ${String(this.#child.pid)} exited after close (code ${String(code)}, signal ${String(signal)})`);
    }
    this.#resolveExited();
    this.safeEmit("exit", code, signal);
  }

  #exitError(code: number | null, signal: NodeJS.Signals | null): MediaError {
    const how = signal ? `was killed by ${signal}` : `exited with code ${String(code)}`;
    if (code === 0 && this.#started) {
      return new MediaError("FAILED_BY_FFMPEG_ERROR", `ffmpeg ${how}: its input ended (e.g. RTCP BYE)`, { exitCode: code, signal });
    }
    const { reason, line } = classifyFfmpegStderr(this.#tail);
    return new MediaError(reason, line ?? `ffmpeg ${how}`, { exitCode: code, signal });
  }

  #clearKillTimer(): void {
    if (this.#killTimer) clearTimeout(this.#killTimer);
    this.#killTimer = undefined;
  }
}
