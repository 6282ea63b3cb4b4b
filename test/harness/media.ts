import * as fs from "node:fs";
import * as path from "node:path";
import { runRoot } from "./paths";
import { programPath } from "./require-peers";
import { runCommand } from "./run-command";

/** The media files baresip plays, generated once per clone into `<repo>/.run/media`. */
export interface PeerMedia {
  dir: string;
  /** 600 s of a 440 Hz sine, 8 kHz mono 16-bit: longer than any test (at its end baresip hangs up). */
  tone: string;
  /** 300 s of testsrc2, 640x360 25 fps H.264, no audio track (one crashes baresip's avformat). */
  video: string;
}

let pending: Promise<PeerMedia> | undefined;

/** Runs `produce(tmp)` and renames tmp → file, so a half-written file is never taken as done. */
async function ensureFile(file: string, produce: (tmp: string) => Promise<void>): Promise<void> {
  if (fs.existsSync(file) && fs.statSync(file).size > 0) return;
  const tmp = `${file}.${process.pid}.tmp${path.extname(file)}`;
  try {
    await produce(tmp);
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

async function generate(): Promise<PeerMedia> {
  const dir = path.join(runRoot(), "media");
  fs.mkdirSync(dir, { recursive: true });
  const media: PeerMedia = { dir, tone: path.join(dir, "tone440.wav"), video: path.join(dir, "vonly.mp4") };
  await ensureFile(media.tone, async (tmp) => {
    const r = await runCommand(programPath("sox"), ["-n", "-r", "8000", "-c", "1", "-b", "16", tmp, "synth", "600", "sine", "440"]);
    if (r.code !== 0) throw new Error(`sox failed (${r.code}): ${r.stderr}`);
  });
  await ensureFile(media.video, async (tmp) => {
    const r = await runCommand(
      programPath("ffmpeg"),
      ["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-t", "300", "-an", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "35", "-g", "50", "-pix_fmt", "yuv420p", tmp],
      { timeoutMs: 180000 },
    );
    if (r.code !== 0) throw new Error(`ffmpeg failed to make the test video (${r.code}): ${r.stderr}`);
  });
  return media;
}

/** The cached media (generated on first use, ≈6 s; shared by concurrent callers). */
export function ensureMedia(): Promise<PeerMedia> {
  pending ??= generate().catch((err: unknown) => {
    pending = undefined;
    throw err;
  });
  return pending;
}
