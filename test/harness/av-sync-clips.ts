import { testPatternAudioSource, testPatternVideoSource } from "../../src/demo/test-pattern-args";
import { programPath } from "./require-peers";
import { runCommand } from "./run-command";

/** A `flash-beep` clip made directly by ffmpeg, with defects put in on purpose. */
export interface FlashBeepClipOptions {
  seconds: number;
  /** Delay the audio by this much (adelay): the analysis must find offset +audioDelayMs. */
  audioDelayMs?: number;
  /** Repeat frame `from − 1` in place of frames from..to (freezeframes): a frozen picture. */
  freezeFrames?: { from: number; to: number };
  /** Leave frames from..to out, keeping the others' timestamps: a hole in the video. */
  dropFrames?: { from: number; to: number };
  /** Write the audio only, as a publish that lost its video would. */
  withoutVideo?: boolean;
  /** Leave 20 ms audio frames from..to out, keeping the others' timestamps: a hole in the audio. */
  dropAudioFrames?: { from: number; to: number };
}

/**
 * Writes an FLV like the one the engine publishes (H.264 from the test meeting's encoder settings,
 * AAC 44.1 kHz stereo from 8 kHz source audio) straight from the test meeting's lavfi sources.
 */
export async function makeFlashBeepClip(file: string, o: FlashBeepClipOptions): Promise<void> {
  const video: string[] = [];
  if (o.freezeFrames) video.push(`split[a][b];[a][b]freezeframes=first=${o.freezeFrames.from}:last=${o.freezeFrames.to}:replace=${o.freezeFrames.from - 1}`);
  if (o.dropFrames) video.push(`select='not(between(n,${o.dropFrames.from},${o.dropFrames.to}))'`);
  const args = [
    "-nostdin", "-v", "error", "-y",
    "-f", "lavfi", "-i", testPatternVideoSource("flash-beep", "640x360", 25),
    // 160 samples: the 20 ms frames of PCMU, as the test meeting sends.
    "-f", "lavfi", "-i", testPatternAudioSource("flash-beep", 8000, 160),
    "-t", String(o.seconds),
    ...(o.withoutVideo ? [] : video.length > 0 ? ["-filter_complex", `[0:v]${video.join(",")}[v]`, "-map", "[v]"] : ["-map", "0:v"]),
    "-map", "1:a",
    ...audioFilter(o),
    "-fps_mode", "passthrough",
    "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-b:v", "800k", "-maxrate", "800k", "-bufsize", "800k", "-g", "50", "-pix_fmt", "yuv420p",
    "-c:a", "aac", "-ar", "44100", "-ac", "2",
    "-f", "flv", file,
  ];
  const r = await runCommand(programPath("ffmpeg"), args, { timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`ffmpeg could not make ${file} (${r.code}): ${r.stderr.slice(-2000)}`);
}

function audioFilter(o: FlashBeepClipOptions): string[] {
  const filters: string[] = [];
  if (o.dropAudioFrames) filters.push(`aselect='not(between(n,${o.dropAudioFrames.from},${o.dropAudioFrames.to}))'`);
  if (o.audioDelayMs) filters.push(`adelay=delays=${o.audioDelayMs}:all=1`);
  return filters.length > 0 ? ["-af", filters.join(",")] : [];
}
