import { spawn as nodeSpawn, type ChildProcess } from "node:child_process";
import { silentLogger, type Logger } from "../util/logger";
import { buildAudioFileArgs, type AudioFileFormat } from "./audio-file-format";
import { frameParserFor, type AudioFrameParser } from "./audio-file-frames";
import { describeAudioFileFailure } from "./audio-file-failure";
import { isStartError, shortenLine } from "./classify-ffmpeg-failure";
import { LineSplitter } from "./line-splitter";
import { MediaError } from "./media-error";
import { tiedToThisProcess } from "./parent-death";

/** Starts a child the way `child_process.spawn` does (tests pass a fake). */
export type SpawnChild = (command: string, args: readonly string[]) => ChildProcess;

/** Options of {@link AudioFileDecoder}. */
export interface AudioFileDecoderOptions {
  ffmpegPath: string;
  file: string;
  format: AudioFileFormat;
  /** Repeat the file for ever (ffmpeg `-stream_loop -1`). */
  loop: boolean;
  /** Frames kept ready; above it ffmpeg's stdout is paused (default 50, 1 s at 20 ms). */
  maxFrames?: number;
  /** ffmpeg could not read the file, or died: called once, never after close(). */
  onFailure: (error: MediaError) => void;
  logger?: Logger;
  spawn?: SpawnChild;
  /** Time between SIGTERM and SIGKILL in close() (default 2000 ms). */
  killGraceMs?: number;
}

/** Counters of an {@link AudioFileDecoder}. */
export interface AudioFileDecoderJson {
  framesDecoded: number;
  framesTaken: number;
  buffered: number;
  paused: boolean;
  ended: boolean;
}

const STDERR_TAIL = 10;

/** A decoder paused on a full queue blocks in a write and would outlive a killed engine: tie it to us. */
const defaultSpawn: SpawnChild = (command, args) => {
  const c = tiedToThisProcess(command, args);
  return nodeSpawn(c.command, c.args, { stdio: ["ignore", "pipe", "pipe"], windowsHide: true });
};

/**
 * One ffmpeg that decodes an audio file into the call's codec, as a queue of RTP payloads that the
 * sender takes one per packet interval.
 *
 * @remarks
 * ffmpeg decodes far faster than real time, so the sender's clock, not ffmpeg, sets the pace: the
 * queue holds at most `maxFrames`, above which stdout is paused (the pipe fills and ffmpeg blocks
 * in write), and it is resumed when half is left. The end of the file is the child's `close`
 * (all stdout read) with code 0; another exit is a failure, described from stderr.
 */
export class AudioFileDecoder {
  private readonly child: ChildProcess;
  private readonly parser: AudioFrameParser;
  private readonly queue: Buffer[] = [];
  private readonly maxFrames: number;
  private readonly logger: Logger;
  private readonly tail: string[] = [];
  private readonly exited: Promise<void>;
  private resolveExited!: () => void;
  private paused = false;
  private ended = false;
  private closed = false;
  private failed = false;
  private killTimer: NodeJS.Timeout | undefined;
  private readonly counters = { framesDecoded: 0, framesTaken: 0 };

  constructor(private readonly o: AudioFileDecoderOptions) {
    this.maxFrames = Math.max(2, o.maxFrames ?? 50);
    this.logger = o.logger ?? silentLogger;
    this.parser = frameParserFor(o.format);
    this.exited = new Promise((resolve) => (this.resolveExited = resolve));
    const args = buildAudioFileArgs(o.file, o.format, o.loop);
    this.logger.log("debug", "ffmpeg", `spawn ${[o.ffmpegPath, ...args].join(" ")}`);
    this.child = (o.spawn ?? defaultSpawn)(o.ffmpegPath, args);
    const stderr = new LineSplitter((line) => this.onStderrLine(line));
    this.child.stderr?.setEncoding("utf8");
    this.child.stderr?.on("data", (s: string) => stderr.push(s));
    this.child.stderr?.on("end", () => stderr.flush());
    this.child.stdout?.on("data", (chunk: Buffer) => this.onData(chunk));
    // EPIPE/destroy errors after close(): the exit is what counts.
    this.child.stdout?.on("error", () => undefined);
    this.child.stderr?.on("error", () => undefined);
    this.child.once("error", (error: NodeJS.ErrnoException) => this.onSpawnError(error));
    this.child.once("close", (code: number | null, signal: NodeJS.Signals | null) => this.onClose(code, signal));
  }

  /** The next payload, or undefined when none is ready (ffmpeg is behind, or the file has ended). */
  take(): Buffer | undefined {
    const frame = this.queue.shift();
    if (frame !== undefined) this.counters.framesTaken++;
    if (this.paused && this.queue.length <= this.maxFrames / 2 && !this.closed) {
      this.paused = false;
      this.child.stdout?.resume();
    }
    return frame;
  }

  /** True once ffmpeg ended cleanly and every payload has been taken: the file has played to its end. */
  get drained(): boolean {
    return this.ended && this.queue.length === 0;
  }

  /** The child's pid (undefined if it could not be started). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  private onData(chunk: Buffer): void {
    if (this.closed || this.failed) return;
    let frames: Buffer[];
    try {
      frames = this.parser.push(chunk);
    } catch (error) {
      return this.fail(new MediaError("FAILED_BY_FFMPEG_ERROR", `cannot play audio file "${this.o.file}": ${(error as Error).message}`));
    }
    this.counters.framesDecoded += frames.length;
    this.queue.push(...frames);
    if (!this.paused && this.queue.length >= this.maxFrames) {
      this.paused = true;
      this.child.stdout?.pause();
    }
  }

  private onStderrLine(line: string): void {
    this.tail.push(line);
    if (this.tail.length > STDERR_TAIL) this.tail.shift();
    this.logger.log("debug", "ffmpeg", line);
  }

  private onSpawnError(error: NodeJS.ErrnoException): void {
    if (this.child.pid !== undefined) return; // a kill or pipe error of a running child: its close follows
    const reason = isStartError(error) ? "FAILED_BY_FFMPEG_START" : "FAILED_BY_FFMPEG_ERROR";
    this.fail(new MediaError(reason, shortenLine(`cannot run ffmpeg: ${error.message}`)));
    this.finish();
  }

  private onClose(code: number | null, signal: NodeJS.Signals | null): void {
    this.finish();
    if (this.closed || this.failed) return;
    if (code === 0) {
      const last = this.parser.end();
      this.counters.framesDecoded += last.length;
      this.queue.push(...last);
      this.ended = true;
      return;
    }
    const why = describeAudioFileFailure(this.tail) ?? (signal ? `ffmpeg was killed by ${signal}` : `ffmpeg exited with code ${String(code)}`);
    this.fail(new MediaError("FAILED_BY_FFMPEG_ERROR", shortenLine(`cannot play audio file "${this.o.file}": ${why}`, 300), { exitCode: code, signal }));
  }

  private fail(error: MediaError): void {
    if (this.failed || this.closed) return;
    this.failed = true;
    this.queue.length = 0;
    this.logger.log("debug", "ffmpeg", error.message); // the caller gets the error itself (the play promise)
    this.stopChild();
    this.o.onFailure(error);
  }

  private finish(): void {
    if (this.killTimer) clearTimeout(this.killTimer);
    this.killTimer = undefined;
    this.resolveExited();
  }

  /** Stops ffmpeg (SIGTERM, SIGKILL after the grace time) and drops the queue. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.stopChild();
  }

  private stopChild(): void {
    if (this.killTimer || this.child.pid === undefined || this.child.exitCode !== null || this.child.signalCode !== null) return;
    // Our end of the pipe goes first: an ffmpeg blocked writing to a paused stdout then fails with EPIPE.
    this.child.stdout?.destroy();
    this.child.kill("SIGTERM");
    this.killTimer = setTimeout(() => {
      this.killTimer = undefined;
      this.child.kill("SIGKILL");
    }, this.o.killGraceMs ?? 2000);
  }

  /** Resolves once the child has exited (at once when it could not be started). */
  whenExited(): Promise<void> {
    return this.exited;
  }

  toJSON(): AudioFileDecoderJson {
    return { ...this.counters, buffered: this.queue.length, paused: this.paused, ended: this.ended };
  }
}
