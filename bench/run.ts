/**
 * `npm run bench` (full, < 20 min) and `npm run bench -- --smoke` (CI, ~30 s): capacity, cost,
 * overhead against bare ffmpeg, latency, time to first keyframe and call setup rate of the
 * engine, on 127.0.0.1 only. Writes bench/results/<date>.json, <date>.md and latest.md (smoke:
 * bench/tmp/smoke/) and prints the markdown report.
 *
 * Options: --smoke; --max-n=N (cut the ladder); --ladder=1,10,…; --windows=K; --window-ms=MS;
 * --bare-at=1,10; --skip=setup,experiments,viewers; --viewers=1,10,50 (the WebRTC viewer steps);
 * --only=viewers (the viewers step alone); --out=DIR.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { locateFfmpeg } from "../src/index";
import { requirePeers } from "../test/harness/require-peers";
import { stopAll } from "../test/harness/registry";
import { repoRoot } from "../test/harness/paths";
import { FULL_PLAN, SMOKE_PLAN, type BenchPlan } from "./config/plan";
import { say } from "./common/progress-log";
import { median } from "./common/stats";
import { BUILD_DIR, startEnvironment } from "./phases/environment";
import { ensureRecording } from "./recording/record-session";
import { loadRecording } from "./recording/recording-format";
import { renderMarkdown } from "./report/markdown";
import type { BenchResults } from "./report/result-types";
import { runSequence } from "./phases/sequence";
import { runViewers } from "./phases/viewers-run";
import { estimateViewersMs } from "./config/plan";
import { stamp, tryExec } from "./common/run-info";

function option(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

async function main(): Promise<number> {
  const smoke = process.argv.includes("--smoke");
  const base = smoke ? SMOKE_PLAN : FULL_PLAN;
  const maxN = Number(option("max-n") ?? Infinity);
  const list = (v: string | undefined): number[] | undefined => (v === undefined ? undefined : v.split(",").filter((x) => x !== "").map(Number));
  const skip = new Set((option("skip") ?? "").split(","));
  const plan: BenchPlan = {
    ...base,
    ladder: (list(option("ladder")) ?? base.ladder).filter((n) => n <= maxN),
    windows: Number(option("windows") ?? base.windows),
    windowMs: Number(option("window-ms") ?? base.windowMs),
    bareAt: list(option("bare-at")) ?? base.bareAt,
    setupRates: skip.has("setup") ? [] : base.setupRates,
    experimentsAt: skip.has("experiments") ? undefined : base.experimentsAt,
    viewers: skip.has("viewers") || base.viewers === undefined ? undefined : { ...base.viewers, steps: list(option("viewers")) ?? base.viewers.steps },
  };
  const only = option("only");
  if (only !== undefined && only !== "viewers") throw new Error(`--only: expected "viewers", got "${only}"`);
  if (only === "viewers" && plan.viewers === undefined) throw new Error("--only=viewers with --skip=viewers leaves nothing to run");
  const started = Date.now();
  const deadline = started + plan.budgetMs;
  const root = repoRoot();
  const tmpDir = path.join(root, "bench", "tmp");
  const outDir = option("out") ?? (smoke ? path.join(tmpDir, "smoke") : path.join(root, "bench", "results"));
  requirePeers(["ffmpeg", "kamailio"]);
  const ffmpegPath = locateFfmpeg().path;
  say(`${plan.mode} bench; results to ${path.relative(root, outDir)}; child scripts in ${path.relative(root, BUILD_DIR)}`);
  const recordingFile = await ensureRecording(tmpDir, ffmpegPath, say);
  const rec = loadRecording(recordingFile);
  const loopSeconds = rec.video.loopTs / rec.video.clockRate;
  const videoBytes = rec.video.frames.reduce((a, f) => a + f.packets.reduce((b, p) => b + p.payload.length, 0), 0);
  const results: BenchResults = {
    meta: {
      date: new Date(started).toISOString(),
      mode: plan.mode,
      durationSeconds: 0,
      commit: ((): string | undefined => {
        const head = tryExec("git", ["rev-parse", "--short", "HEAD"], root);
        const dirty = tryExec("git", ["status", "--porcelain", "--untracked-files=no"], root);
        return head === undefined ? undefined : `${head}${dirty ? " + uncommitted changes" : ""}`;
      })(),
      node: process.version,
      ffmpeg: (tryExec(ffmpegPath, ["-version"]) ?? "ffmpeg ?").split("\n")[0]?.replace(/ Copyright.*/, "") ?? "ffmpeg ?",
      cpuModel: os.cpus()[0]?.model ?? "?",
      cpus: os.cpus().length,
      memoryMb: Math.round(os.totalmem() / 2 ** 20),
      otherLoadPct: undefined,
      notes: [],
    },
    recording: {
      file: path.relative(root, recordingFile),
      videoFrames: rec.video.frames.length,
      videoPacketsPerSecond: rec.video.frames.reduce((a, f) => a + f.packets.length, 0) / loopSeconds,
      videoKbps: (videoBytes * 8) / loopSeconds / 1000,
      audioPacketsPerSecond: rec.audio.frames.length / (rec.audio.loopTs / rec.audio.clockRate),
    },
    runs: [],
    setupRate: undefined,
    capacity: { lastPassingN: undefined, firstFailingN: undefined, failReasons: [], stoppedBy: "" },
    skipped: [],
  };

  const env = await startEnvironment(recordingFile, ffmpegPath, tmpDir);
  // First Ctrl-C / SIGTERM: stop every bench process; the run in progress then fails and the
  // results measured so far are written. A second one leaves at once (the harness registry
  // SIGKILLs what is left on exit).
  let signals = 0;
  const onSignal = (): void => {
    signals++;
    if (signals > 1) process.exit(130);
    say("interrupted: stopping every bench process, then writing what was measured");
    results.meta.notes.push("Interrupted by a signal: the results are partial.");
    void env.stop().finally(() => void stopAll());
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  let error: unknown;
  try {
    // The viewers step first (short, ~2 min): the capacity ladder then fills what is left of the budget.
    if (plan.viewers !== undefined) {
      if (Date.now() + estimateViewersMs(plan.viewers) < deadline) {
        results.viewers = await runViewers(env, plan.viewers);
      } else results.skipped.push("WebRTC viewers: time budget");
    } else results.skipped.push("WebRTC viewers: --skip=viewers");
    if (only === "viewers") results.meta.notes.push("Only the WebRTC viewers step was run (--only=viewers).");
    else await runSequence(plan, env, results, deadline);
  } catch (e) {
    error = e;
    results.meta.notes.push(`The bench stopped early: ${(e as Error).message.split("\n")[0] ?? ""}`);
  } finally {
    await env.stop();
    await stopAll();
  }
  results.meta.durationSeconds = Math.round((Date.now() - started) / 1000);
  const viewerWindows = results.viewers ? [...(results.viewers.baseline ? [results.viewers.baseline.cpu] : []), ...results.viewers.steps.map((s) => s.cpu)] : [];
  const other = median([...results.runs.flatMap((r) => r.windows.map((w) => w.cpu.other ?? 0)), ...viewerWindows.map((c) => c.other)]);
  results.meta.otherLoadPct = other;
  if ((other ?? 0) > 10) results.meta.notes.push(`Busy machine: other processes used a median ${other?.toFixed(0)} % of a core during the measurements; CPU-bound figures (capacity, CPU per call) are pessimistic. Run again on a quiet machine for final numbers.`);
  if (smoke) results.meta.notes.push("Smoke run: N=2 and a few seconds per step. It checks that every path works; its figures are not the bench's.");

  const md = renderMarkdown(results);
  fs.mkdirSync(outDir, { recursive: true });
  // A viewers-only run has its own files: latest.md stays the last full bench.
  const prefix = only === "viewers" ? "viewers-" : "";
  const name = `${prefix}${stamp(new Date(started))}`;
  fs.writeFileSync(path.join(outDir, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, `${name}.md`), `${md}\n`);
  fs.writeFileSync(path.join(outDir, `${prefix}latest.md`), `${md}\n`);
  process.stdout.write(`${md}\n`);
  say(`wrote ${path.relative(root, path.join(outDir, `${name}.json`))}, ${name}.md and ${prefix}latest.md`);
  if (signals > 0) return 130;
  if (error) {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
  if (smoke) {
    // The smoke run fails when a path is broken, not when a goal is missed.
    const broken = results.runs.filter((r) => r.up < r.n || r.video.received === 0 || r.leftoverProcesses > 0);
    if (results.viewers !== undefined && !results.viewers.pass) {
      say(`smoke FAILED: WebRTC viewers: ${results.viewers.failures.join("; ") || results.viewers.steps.map((s) => `N=${s.viewers}: ${s.answered} answered, ${s.gotVideo} got video, ${s.window.withMedia} with media ${s.errors.join("; ")}`).join(" | ")}`);
      return 1;
    }
    const setupOk = (results.setupRate?.steps ?? []).some((s) => s.established > 0);
    if (only === "viewers") return 0;
    if (broken.length > 0 || !setupOk || !results.runs.some((r) => r.kind === "engine") || !results.runs.some((r) => r.kind === "bare")) {
      say(`smoke FAILED: ${broken.map((r) => `${r.kind} N=${r.n}: ${r.failReasons.join("; ")} ${r.failures.join("; ")}`).join(" | ") || (setupOk ? "a run is missing" : "no call answered through Kamailio")}`);
      return 1;
    }
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    void stopAll().finally(() => process.exit(1));
  },
);
