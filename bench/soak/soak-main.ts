/**
 * `npm run soak` (20 A/V calls for 30 minutes) and `npm run soak:smoke` (CI, 2 minutes, 4 calls):
 * holds concurrent calls from the engine to the bench's load peer, publishing to the bench's
 * RTMP sink, and checks that nothing grows or breaks over time. Writes
 * bench/results/soak-<date>.json, soak-<date>.md and soak-latest.md (smoke: bench/tmp/soak-smoke/),
 * prints the markdown, and exits 1 when a goal is missed.
 *
 * Options: --smoke; --calls=N; --minutes=M; --warmup-seconds=S; --window-seconds=S; --out=DIR.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { locateFfmpeg } from "../../src/index";
import { requirePeers } from "../../test/harness/require-peers";
import { stopAll } from "../../test/harness/registry";
import { repoRoot } from "../../test/harness/paths";
import { say } from "../common/progress-log";
import { startEnvironment } from "../phases/environment";
import { ensureRecording } from "../recording/record-session";
import { renderSoakMarkdown, type SoakResults } from "./soak-markdown";
import { soakPlanOf } from "./soak-plan";
import { runSoak, type SoakMeasurements } from "./soak-run";
import { judgeSoak } from "./soak-verdict";
import { stamp, tryExec } from "../common/run-info";

async function main(): Promise<number> {
  const plan = soakPlanOf(process.argv.slice(2));
  const started = new Date();
  const root = repoRoot();
  const tmpDir = path.join(root, "bench", "tmp");
  const outDir = process.argv.find((a) => a.startsWith("--out="))?.slice(6) ?? (plan.mode === "smoke" ? path.join(tmpDir, "soak-smoke") : path.join(root, "bench", "results"));
  requirePeers(["ffmpeg"]);
  const ffmpegPath = locateFfmpeg().path;
  say(`${plan.mode} soak: ${plan.calls} calls, ${plan.minutes} min; results to ${path.relative(root, outDir)}`);
  const recordingFile = await ensureRecording(tmpDir, ffmpegPath, say);
  const head = tryExec("git", ["rev-parse", "--short", "HEAD"], root);
  const dirty = tryExec("git", ["status", "--porcelain", "--untracked-files=no"], root);
  const notes: string[] = [];
  const write = (m: SoakMeasurements, final: boolean): SoakResults => {
    const results: SoakResults = {
      meta: {
        date: started.toISOString(),
        mode: plan.mode,
        commit: head === undefined ? undefined : `${head}${dirty ? " + uncommitted changes" : ""}`,
        node: process.version,
        ffmpeg: (tryExec(ffmpegPath, ["-version"]) ?? "ffmpeg ?").split("\n")[0]?.replace(/ Copyright.*/, "") ?? "ffmpeg ?",
        cpuModel: os.cpus()[0]?.model ?? "?",
        cpus: os.cpus().length,
        durationSeconds: Math.round((Date.now() - started.getTime()) / 1000),
        notes: final ? notes : [...notes, "In progress: partial figures."],
      },
      plan,
      measurements: m,
      verdict: judgeSoak(plan.calls, m.samples, m.windows, m.end),
    };
    const md = renderSoakMarkdown(results);
    fs.mkdirSync(outDir, { recursive: true });
    const name = `soak-${stamp(started)}`;
    fs.writeFileSync(path.join(outDir, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
    fs.writeFileSync(path.join(outDir, `${name}.md`), `${md}\n`);
    fs.writeFileSync(path.join(outDir, "soak-latest.md"), `${md}\n`);
    if (final) {
      process.stdout.write(`${md}\n`);
      say(`wrote ${path.relative(root, path.join(outDir, name))}.json, .md and soak-latest.md`);
    }
    return results;
  };

  const env = await startEnvironment(recordingFile, ffmpegPath, tmpDir);
  // First Ctrl-C / SIGTERM: end the hold early and report what was measured; a second one leaves at once.
  let signals = 0;
  const onSignal = (): void => {
    signals++;
    if (signals > 1) process.exit(130);
    say("interrupted: ending the soak, then writing what was measured");
    notes.push("Interrupted by a signal: the soak was cut short.");
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  let measured: SoakMeasurements;
  try {
    measured = await runSoak(env, plan, (m) => void write(m, false), () => signals > 0);
  } finally {
    await env.stop();
    await stopAll();
  }
  const results = write(measured, true);
  if (signals > 0) return 130;
  if (!results.verdict.pass) {
    say(`soak FAILED: ${results.verdict.reasons.join("; ")}`);
    return 1;
  }
  say("soak passed");
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    void stopAll().finally(() => process.exit(1));
  },
);
