import { spawn, type ChildProcess } from "node:child_process";
import { tiedToThisProcess } from "../media/parent-death";
import { silentLogger, type Logger } from "../util/logger";
import { decodeAlaw, decodeUlaw } from "./g711";
import { OggOpusWriter, opusPacketSamples } from "./ogg-opus-writer";

/** Where decoded audio goes: 16-bit mono samples at `sampleRate`. */
export type PcmSink = (samples: Int16Array, sampleRate: number) => void;

/** Turns the payloads of the call's received audio into PCM for voice activity detection. */
export interface ReceivedAudioDecoder {
  /** "g711" (in-process) or "ffmpeg" (a child decoding to s16le). */
  readonly method: "g711" | "ffmpeg";
  push(payload: Buffer): void;
  /** Stops (kills ffmpeg). Idempotent. */
  close(): void;
  /** Resolves when ffmpeg has exited (at once for G.711). */
  whenClosed(): Promise<void>;
}

/** What an ffmpeg decoder needs. */
export interface ReceivedAudioDecoderOptions {
  ffmpegPath?: string;
  logger?: Logger;
  /** ffmpeg could not start or ended by itself (not after close()): the reason, from its stderr. */
  onFailure?: (reason: string) => void;
}

/** The rate ffmpeg decodes to: 8 kHz holds all the energy of speech a voice detector needs. */
const FFMPEG_RATE = 8000;

/**
 * A decoder for the negotiated codec, or undefined when there is none (another codec, or G.722/opus without ffmpeg).
 *
 * @remarks G.711 is decoded by hand (a table per byte, see g711.ts). G.722 (sub-band ADPCM) and opus
 * are not: writing and checking those decoders would be a project of its own, and the engine already
 * depends on ffmpeg, which decodes both. So one ffmpeg per call runs while a plan listens (not for the
 * whole call), reading the payloads on stdin and writing 8 kHz s16le on stdout, with no probing and
 * a flush after every packet: it adds about one packet of delay (a 21 ms median per 20 ms packet, for
 * G.722 and opus alike, when measured on a 2-core test machine).
 */
export function receivedAudioDecoder(codec: string, sink: PcmSink, o: ReceivedAudioDecoderOptions): ReceivedAudioDecoder | undefined {
  switch (codec.toUpperCase()) {
    case "PCMU":
      return new G711Decoder((p) => sink(decodeUlaw(p), 8000));
    case "PCMA":
      return new G711Decoder((p) => sink(decodeAlaw(p), 8000));
    case "G722":
      return o.ffmpegPath ? new FfmpegAudioDecoder("G722", sink, o.ffmpegPath, o.logger ?? silentLogger, o.onFailure) : undefined;
    case "OPUS":
      return o.ffmpegPath ? new FfmpegAudioDecoder("OPUS", sink, o.ffmpegPath, o.logger ?? silentLogger, o.onFailure) : undefined;
    default:
      return undefined;
  }
}

class G711Decoder implements ReceivedAudioDecoder {
  readonly method = "g711";
  private closed = false;
  constructor(private readonly decode: (payload: Buffer) => void) {}
  push(payload: Buffer): void {
    if (!this.closed) this.decode(payload);
  }
  close(): void {
    this.closed = true;
  }
  whenClosed(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * ffmpeg's argv for decoding `codec` from stdin (never a shell, nothing from the peer in it).
 * `-fflags nobuffer` is left out on purpose: with it Debian's ffmpeg 5.1 wrote nothing for a G.722
 * stream fed in real time.
 */
export function receivedAudioDecoderArgs(codec: "G722" | "OPUS"): string[] {
  const input = ["-f", codec === "G722" ? "g722" : "ogg"];
  return [
    "-hide_banner", "-loglevel", "error",
    "-probesize", "32", "-analyzeduration", "0",
    ...input, "-i", "pipe:0",
    "-ac", "1", "-ar", String(FFMPEG_RATE), "-f", "s16le", "-flush_packets", "1", "pipe:1",
  ];
}

class FfmpegAudioDecoder implements ReceivedAudioDecoder {
  readonly method = "ffmpeg";
  private readonly child: ChildProcess;
  private readonly ogg: OggOpusWriter | undefined;
  private readonly exited: Promise<void>;
  private rest: Buffer = Buffer.alloc(0);
  private closed = false;

  constructor(
    codec: "G722" | "OPUS",
    private readonly sink: PcmSink,
    ffmpegPath: string,
    private readonly logger: Logger,
    onFailure: ((reason: string) => void) | undefined,
  ) {
    const args = receivedAudioDecoderArgs(codec);
    const tied = tiedToThisProcess(ffmpegPath, args);
    logger.log("debug", "ivr", `spawn ${[ffmpegPath, ...args].join(" ")}`);
    this.child = spawn(tied.command, tied.args, { stdio: ["pipe", "pipe", "pipe"], windowsHide: true });
    let lastError = "";
    this.exited = new Promise((resolve) =>
      this.child.once("close", (code, signal) => {
        if (!this.closed) onFailure?.(lastError || `ffmpeg exited (${signal ?? `code ${String(code)}`})`);
        resolve();
      }),
    );
    this.child.once("error", (error) => {
      lastError = error.message;
      logger.log("warn", "ivr", `audio decoder: ${error.message}`);
    });
    // A peer that sends garbage makes ffmpeg exit: writes after that must not throw (EPIPE).
    this.child.stdin?.on("error", () => undefined);
    this.child.stderr?.on("data", (d: Buffer) => {
      lastError = d.toString("utf8").trim().split("\n")[0].slice(0, 200);
      logger.log("warn", "ivr", `audio decoder: ${lastError}`);
    });
    this.child.stdout?.on("data", (d: Buffer) => this.onData(d));
    if (codec === "OPUS") {
      this.ogg = new OggOpusWriter();
      for (const page of this.ogg.headers()) this.child.stdin?.write(page);
    }
  }

  push(payload: Buffer): void {
    if (this.closed || payload.length === 0) return;
    const stdin = this.child.stdin;
    if (!stdin || stdin.destroyed) return;
    // A decoder that falls far behind (a stalled child) is not fed without end.
    if (stdin.writableLength > 64 * 1024) return;
    stdin.write(this.ogg ? this.ogg.packet(payload, opusPacketSamples(payload)) : payload);
  }

  private onData(d: Buffer): void {
    if (this.closed) return;
    const data = this.rest.length > 0 ? Buffer.concat([this.rest, d]) : d;
    const whole = data.length & ~1;
    this.rest = Buffer.from(data.subarray(whole));
    if (whole === 0) return;
    const samples = new Int16Array(whole / 2);
    for (let i = 0; i < samples.length; i++) samples[i] = data.readInt16LE(i * 2);
    this.sink(samples, FFMPEG_RATE);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.child.stdin?.destroy();
    // Nothing to save: the decoder holds no file. SIGKILL at once, so no child outlives the call.
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
    this.logger.log("debug", "ivr", "audio decoder stopped");
  }

  whenClosed(): Promise<void> {
    return this.child.pid === undefined ? Promise.resolve() : this.exited;
  }
}
