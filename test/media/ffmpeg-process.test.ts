import assert from "node:assert/strict";
import { FfmpegProcess, makeUrlRedactor, tiedToThisProcess, type FfmpegProgress, type MediaError } from "../../src/media";
import { CaptureLogger } from "./helpers/capture-logger";
import { processGone } from "./helpers/process-gone";
import { TempDir } from "./helpers/temp-dir";

const KEY = "StreamKey-9f8e7d";
const URL = `rtmp://127.0.0.1:1935/live/${KEY}`;

/** Records FfmpegProcess events in order. */
function record(p: FfmpegProcess): { events: string[]; errors: MediaError[]; progress: FfmpegProgress[]; exit: Promise<[number | null, string | null]> } {
  const events: string[] = [];
  const errors: MediaError[] = [];
  const progress: FfmpegProgress[] = [];
  p.on("started", () => events.push("started"));
  p.on("progress", (r) => (events.push("progress"), progress.push(r)));
  p.on("failure", (e) => (events.push("failure"), errors.push(e)));
  p.on("died", (e) => (events.push("died"), errors.push(e)));
  const exit = new Promise<[number | null, string | null]>((resolve) =>
    p.on("exit", (code, signal) => (events.push("exit"), resolve([code, signal]))),
  );
  return { events, errors, progress, exit };
}

/** A progress block as `-progress pipe:1` writes it. */
function block(frame: number, outUs: number, end = false): string {
  return `frame=${frame}\\nfps=25.00\\nbitrate= 800.0kbits/s\\ntotal_size=${frame * 1000}\\nout_time_us=${outUs}\\nout_time_ms=${outUs}\\nspeed=1.01x\\nprogress=${end ? "end" : "continue"}\\n`;
}

describe("media/FfmpegProcess (fake ffmpeg scripts)", () => {
  let dir: TempDir;
  beforeEach(() => (dir = new TempDir()));
  afterEach(() => dir.dispose());

  it("started on the first report with output, then died on an exit it did not cause", async () => {
    const path = dir.script("ff", [
      `printf '${block(0, 0)}'`,
      `printf '${block(0, 40000)}'`,
      `printf '${block(3, 120000)}'`,
      `echo "av_interleaved_write_frame(): Broken pipe" >&2`,
      `printf 'Error writing trailer of ${URL}: Broken pipe' >&2`, // no final newline, like ffmpeg
      "exit 1",
    ].join("\n"));
    const logger = new CaptureLogger();
    const p = new FfmpegProcess({ path, args: ["-f", "flv", URL], logger, redact: makeUrlRedactor(URL) });
    const r = record(p);
    assert.deepEqual(await r.exit, [1, null]);
    assert.deepEqual(r.events, ["progress", "started", "progress", "progress", "died", "exit"]);
    assert.deepEqual(r.progress.map((x) => [x.frame, x.outTimeMs]), [[0, 0], [0, 40], [3, 120]]);
    const err = r.errors[0]!;
    assert.equal(err.reason, "FAILED_BY_RTMP_WRITER_ERROR");
    assert.equal(err.detail, "Error writing trailer of rtmp://127.0.0.1:1935/live/***: Broken pipe");
    assert.equal(err.exitCode, 1);
    assert.ok(!logger.text().includes(KEY), logger.text());
    assert.ok(logger.text().includes("rtmp://127.0.0.1:1935/live/***"));
    assert.equal(p.stderrTail.length, 2);
    assert.equal(p.exited, true);
    await p.whenExited();
  });

  it("an exit before output is a failure, classified from stderr, key redacted", async () => {
    const path = dir.script("ff", [
      `echo "[tcp @ 0x55] Connection to tcp://127.0.0.1:1?tcp_nodelay=0 failed: Connection refused" >&2`,
      `echo "${URL}: Connection refused" >&2`,
      "exit 1",
    ].join("\n"));
    const p = new FfmpegProcess({ path, args: [], redact: makeUrlRedactor(URL) });
    const r = record(p);
    await r.exit;
    assert.deepEqual(r.events, ["failure", "exit"]);
    assert.equal(r.errors[0]!.reason, "FAILED_BY_RTMP_WRITER_ERROR");
    assert.equal(r.errors[0]!.detail, "rtmp://127.0.0.1:1935/live/***: Connection refused");
  });

  it("a clean exit after output is still reported as died, with exit code 0", async () => {
    const path = dir.script("ff", `printf '${block(10, 400000, true)}'\nexit 0`);
    const p = new FfmpegProcess({ path, args: [] });
    const r = record(p);
    await r.exit;
    assert.deepEqual(r.events, ["started", "progress", "died", "exit"]);
    assert.equal(r.errors[0]!.reason, "FAILED_BY_FFMPEG_ERROR");
    assert.equal(r.errors[0]!.exitCode, 0);
    assert.match(r.errors[0]!.detail, /input ended/);
  });

  it("a missing binary is FAILED_BY_FFMPEG_START, no pid, whenExited resolves", async () => {
    const p = new FfmpegProcess({ path: dir.file("no-such-ffmpeg"), args: [] });
    const r = record(p);
    await p.whenExited();
    assert.equal(p.pid, undefined);
    assert.deepEqual(r.events, ["failure", "exit"]);
    assert.equal(r.errors[0]!.reason, "FAILED_BY_FFMPEG_START");
    assert.match(r.errors[0]!.detail, /ENOENT/);
    p.close(); // no-op
  });

  it("a non-executable binary is FAILED_BY_FFMPEG_START", async () => {
    const p = new FfmpegProcess({ path: dir.script("ff", "exit 0", 0o644), args: [] });
    const r = record(p);
    await p.whenExited();
    assert.equal(r.errors[0]!.reason, "FAILED_BY_FFMPEG_START");
    assert.match(r.errors[0]!.detail, /EACCES/);
  });

  it("close() sends SIGTERM; the exit is neither failure nor died and the pid is gone", async () => {
    const logger = new CaptureLogger();
    const path = dir.script("ff", `echo armed >&2\nexec sleep 30`);
    const p = new FfmpegProcess({ path, args: [], logger });
    const r = record(p);
    await logger.waitFor(/armed/);
    const pid = p.pid!;
    assert.equal(processGone(pid), false);
    p.close();
    p.close(); // idempotent
    await p.whenExited();
    assert.deepEqual(await r.exit, [null, "SIGTERM"]);
    assert.deepEqual(r.events, ["exit"]);
    assert.equal(processGone(pid), true);
  });

  it("close() escalates to SIGKILL when SIGTERM is ignored", async () => {
    const logger = new CaptureLogger();
    const path = dir.script("ff", `trap '' TERM\necho armed >&2\nwhile :; do sleep 0.05; done`);
    const p = new FfmpegProcess({ path, args: [], logger, killGraceMs: 200 });
    const r = record(p);
    await logger.waitFor(/armed/);
    const pid = p.pid!;
    p.close();
    assert.deepEqual(await r.exit, [null, "SIGKILL"]);
    assert.deepEqual(r.events, ["exit"]);
    assert.equal(processGone(pid), true);
    assert.match(logger.text(), /ignored SIGTERM for 200 ms: SIGKILL/);
  });

  it("logs the harmless filesize warning at debug, others at warn", async () => {
    const logger = new CaptureLogger();
    const path = dir.script("ff", `echo "[flv @ 0x1] Failed to update header with correct filesize." >&2\necho "real problem" >&2\nexit 1`);
    const p = new FfmpegProcess({ path, args: [], logger });
    const r = record(p);
    await r.exit;
    assert.ok(logger.lines.includes("debug [ffmpeg] [flv @ 0x1] Failed to update header with correct filesize."));
    assert.ok(logger.lines.includes("warn [ffmpeg] real problem"));
    assert.equal(r.errors[0]!.detail, "real problem");
  });
});

describe("tiedToThisProcess", () => {
  it("starts an executable by absolute path under setpriv --pdeathsig SIGKILL on Linux, else unchanged", function () {
    const c = tiedToThisProcess(process.execPath, ["-v"]);
    if (process.platform !== "linux" || !c.tied) this.skip();
    assert.deepEqual(c.args.slice(0, 4), ["--pdeathsig", "SIGKILL", "--", process.execPath]);
    assert.deepEqual(c.args.slice(4), ["-v"]);
    // A bare name or a missing binary is spawned as is, so it still fails with ENOENT (FFMPEG_NOT_FOUND).
    assert.deepEqual(tiedToThisProcess("ffmpeg", ["-v"]), { command: "ffmpeg", args: ["-v"], tied: false });
    assert.deepEqual(tiedToThisProcess("/nonexistent/ffmpeg", []), { command: "/nonexistent/ffmpeg", args: [], tied: false });
  });
});
