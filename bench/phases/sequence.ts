import { estimateRunMs, type BenchPlan } from "../config/plan";
import { say } from "../common/progress-log";
import type { BareKind, BenchResults, RunResult } from "../report/result-types";
import { runBare } from "./bare-run";
import { runEngine } from "./engine-run";
import type { BenchEnvironment } from "./environment";
import { judgeSaturation, type RunShape } from "./run-common";
import { runSetupRate } from "./setup-rate";

/**
 * The order of the bench: the first ladder steps (with their bare-ffmpeg comparisons), the
 * setup rate and the design experiments (short, always wanted), then the rest of the capacity
 * ladder until a step fails or the time budget would be exceeded. Runs are appended to
 * `results` as they finish, so an interrupted bench still has everything measured so far.
 */
export async function runSequence(plan: BenchPlan, env: BenchEnvironment, results: BenchResults, deadline: number): Promise<void> {
  const cpus = results.meta.cpus;
  const fits = (ms: number): boolean => Date.now() + ms < deadline;
  const shape = (n: number, engine: boolean, attempt = 1): RunShape => ({
    n,
    windows: engine ? plan.windows : plan.bareWindows,
    windowMs: engine ? plan.windowMs : plan.bareWindowMs,
    startRatePerSec: plan.startRatePerSec,
    label: `N=${n}`,
    attempt,
  });
  const bareMs = (n: number): number => estimateRunMs(n, plan.bareWindows, plan.bareWindowMs, plan.startRatePerSec);
  const engineMs = (n: number): number => estimateRunMs(n, plan.windows, plan.windowMs, plan.startRatePerSec);
  const record = (r: RunResult): void => {
    judgeSaturation(r, cpus);
    results.runs.push(r);
    say(`${r.kind} N=${r.n}: ${r.pass ? "pass" : `FAIL (${r.failReasons.join("; ")})`}; CPU/call ${r.perCallCpuPct?.toFixed(2) ?? "-"} %; loss ${r.video.lossPct.toFixed(3)} %; latency p95 ${r.latencyMs.p95?.toFixed(0) ?? "-"} ms`);
  };
  const bareRun = async (n: number, kind: BareKind = "bare"): Promise<void> => {
    if (!fits(bareMs(n))) return void results.skipped.push(`${kind} N=${n}: time budget`);
    record(await runBare(env, shape(n, false), kind));
  };

  let stopped = false;
  /** At the limit: would larger receive buffers, or ffmpeg below the engine's forwarding thread in priority, change the verdict? */
  const limitExperiments = async (n: number): Promise<void> => {
    if (plan.mode !== "full") return;
    if (fits(engineMs(n))) {
      say(`N=${n}: the engine with 4 MB UDP receive buffers`);
      record(await runEngine(env, shape(n, true), { kind: "engine-rcvbuf", recvBufferBytes: 4 * 1024 * 1024 }));
    }
    if (fits(engineMs(n))) {
      say(`N=${n}: the engine with its ffmpeg children at nice 10`);
      record(await runEngine(env, shape(n, true), { kind: "engine-nice", ffmpegNice: 10 }));
    }
  };
  const ladderStep = async (n: number): Promise<void> => {
    if (stopped) return;
    const withBare = plan.bareAt.includes(n);
    const needed = engineMs(n) + (withBare ? plan.bareRepeats * bareMs(n) : 0);
    if (!fits(needed)) {
      results.skipped.push(`ladder N=${n} and above: time budget`);
      results.capacity.stoppedBy = `time budget reached before N=${n}`;
      stopped = true;
      return;
    }
    if (withBare) await bareRun(n);
    let run = await runEngine(env, shape(n, true));
    record(run);
    if (!run.pass && plan.retryFailedStep && fits(engineMs(n) + (withBare && plan.bareRepeats > 1 ? bareMs(n) : 0))) {
      say(`N=${n} failed; running it once more to confirm`);
      run = await runEngine(env, shape(n, true, 2));
      record(run);
    }
    if (withBare && plan.bareRepeats > 1) await bareRun(n);
    if (run.pass) {
      results.capacity.lastPassingN = n;
      return;
    }
    // A coarse ladder: try the middle of the last gap once, if there is one worth trying.
    const last = results.capacity.lastPassingN ?? 0;
    const mid = Math.round((last + n) / 2 / 5) * 5;
    let failing = run;
    if (plan.mode === "full" && mid > last && mid < n && n - last > 10 && fits(engineMs(mid))) {
      say(`N=${n} failed after N=${last} passed: trying N=${mid}`);
      const between = await runEngine(env, shape(mid, true));
      record(between);
      if (between.pass) results.capacity.lastPassingN = mid;
      else failing = between;
    }
    results.capacity.firstFailingN = failing.n;
    results.capacity.failReasons = failing.failReasons;
    results.capacity.stoppedBy = `limit reached at N=${failing.n}`;
    stopped = true;
    await limitExperiments(failing.n);
  };

  const ladder = [...plan.ladder];
  // The first steps, then setup rate and experiments (short, always wanted), then the rest of the ladder.
  const early = ladder.splice(0, plan.mode === "full" ? 2 : ladder.length);
  for (const n of early) await ladderStep(n);
  if (plan.setupRates.length === 0) results.skipped.push("setup rate: --skip=setup");
  else if (fits(plan.setupRates.length * plan.setupRepeats * (plan.setupStepMs + 4000) + 5000)) {
    say("setup rate through Kamailio");
    const sr = await runSetupRate(env, { rates: plan.setupRates, stepMs: plan.setupStepMs, repeats: plan.setupRepeats, deadline });
    results.setupRate = { steps: sr.steps, sustainedPerSec: sr.sustainedPerSec, firstFailingRate: sr.firstFailingRate };
  } else results.skipped.push("setup rate: time budget");
  if (plan.experimentsAt !== undefined) {
    for (const kind of ["bare-multi", "bare-video-only", "bare-audio-only", "bare-aac16k-mono"] as const) await bareRun(plan.experimentsAt, kind);
  }
  for (const n of ladder) await ladderStep(n);
  if (!stopped) results.capacity.stoppedBy = "every ladder step passed";
}
