import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { audioFileFormat } from "../media/audio-file-format";
import { frameParserFor } from "../media/audio-file-frames";
import { SipcastError } from "../errors";

const run = promisify(execFile);

/** What the test meeting's IVR says. Generated with espeak-ng when first needed; never recorded. */
export const IVR_PROMPT_TEXT = {
  welcome: "Welcome to the sipcast test meeting. Please enter your meeting ID, followed by pound.",
  badMeetingId: "That meeting ID is not valid. Please enter your meeting ID, followed by pound.",
  passcode: "Please enter the meeting passcode, followed by pound.",
  badPasscode: "That passcode is not valid. Please enter the meeting passcode, followed by pound.",
  joining: "You are now in the meeting.",
} as const;

export type IvrPromptName = keyof typeof IVR_PROMPT_TEXT;

/** One prompt in one codec: its RTP payloads, one per 20 ms. */
export type IvrClip = readonly Buffer[];

/** espeak-ng is missing or failed. */
export class EspeakError extends SipcastError {
  constructor(message: string) {
    super(message, "ESPEAK_FAILED");
  }
}

/** The espeak-ng binary: $ESPEAK_NG_PATH, else `espeak-ng` on PATH. */
export function espeakPath(): string {
  return process.env.ESPEAK_NG_PATH || "espeak-ng";
}

/** Checks that espeak-ng runs. @throws EspeakError with what to install. */
export async function checkEspeak(binary = espeakPath()): Promise<void> {
  try {
    await run(binary, ["--version"], { timeout: 10_000 });
  } catch (error) {
    throw new EspeakError(`the test meeting's IVR speaks its prompts with espeak-ng, which did not run (${(error as Error).message.split("\n")[0]}): install the Debian package espeak-ng (apt-get install espeak-ng) or set ESPEAK_NG_PATH`);
  }
}

/**
 * Makes the IVR's prompts for one codec: espeak-ng speaks each text to a WAV (at 165 words a minute,
 * en-us), then ffmpeg trims the leading and trailing silence (so that a prompt ends on its last sound:
 * the time the IVR tests measure from) and encodes it as the call's RTP payloads.
 */
export class IvrPrompts {
  private readonly dir: string;
  private readonly wavs = new Map<IvrPromptName, Promise<string>>();
  private readonly clips = new Map<string, Promise<IvrClip>>();
  /** espeak-ng and ffmpeg runs not finished yet: close() waits for them. */
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly ffmpegPath: string,
    private readonly espeak = espeakPath(),
  ) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "sipcast-ivr-"));
  }

  /** The prompt in `codec` (PCMU, PCMA, G722, opus). @throws EspeakError, or Error when ffmpeg fails. */
  clip(name: IvrPromptName, codec: string): Promise<IvrClip> {
    const key = `${name}/${codec.toUpperCase()}`;
    let clip = this.clips.get(key);
    if (!clip) {
      clip = this.track(this.wav(name).then((wav) => this.encode(wav, codec, true)));
      this.clips.set(key, clip);
    }
    return clip;
  }

  /** The meeting's own sound after joining: one second of a 440 Hz tone, to be looped. */
  meetingTone(codec: string): Promise<IvrClip> {
    const key = `tone/${codec.toUpperCase()}`;
    let clip = this.clips.get(key);
    if (!clip) {
      clip = this.track(this.encode("sine=frequency=440:sample_rate=48000:duration=1", codec, false));
      this.clips.set(key, clip);
    }
    return clip;
  }

  private wav(name: IvrPromptName): Promise<string> {
    let wav = this.wavs.get(name);
    if (!wav) {
      const file = path.join(this.dir, `${name}.wav`);
      wav = run(this.espeak, ["-v", "en-us", "-s", "165", "-w", file, IVR_PROMPT_TEXT[name]], { timeout: 30_000 }).then(
        () => file,
        (error: Error) => {
          throw new EspeakError(`espeak-ng could not speak the "${name}" prompt: ${error.message.split("\n")[0]} (install the Debian package espeak-ng)`);
        },
      );
      this.wavs.set(name, wav);
    }
    return wav;
  }

  private async encode(input: string, codec: string, isFile: boolean): Promise<IvrClip> {
    const format = audioFileFormat(codec);
    if (!format) throw new Error(`the test meeting's IVR cannot speak ${codec}`);
    const trim = "silenceremove=start_periods=1:start_threshold=-50dB,areverse,silenceremove=start_periods=1:start_threshold=-50dB,areverse";
    const source = isFile ? ["-i", input, "-af", trim] : ["-f", "lavfi", "-i", input];
    const { stdout } = await run(this.ffmpegPath, ["-hide_banner", "-loglevel", "error", "-nostdin", ...source, ...format.outputArgs, "pipe:1"], {
      encoding: "buffer",
      maxBuffer: 16 * 1024 * 1024,
      timeout: 30_000,
    });
    const parser = frameParserFor(format);
    return [...parser.push(stdout), ...parser.end()];
  }

  private track<T>(p: Promise<T>): Promise<T> {
    const settled = p.then(
      () => undefined,
      () => undefined,
    );
    this.running.add(settled);
    void settled.then(() => this.running.delete(settled));
    return p;
  }

  /** Waits for the espeak-ng and ffmpeg runs still going (seconds at most), then removes the generated files. */
  async close(): Promise<void> {
    await Promise.all([...this.running]);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
