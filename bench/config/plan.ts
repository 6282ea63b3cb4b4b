import type { ViewersShape } from "../phases/viewers-run";
/** The shape of one bench run: smoke (CI, ~30 s) or full (< 20 min). */
export interface BenchPlan {
  mode: "smoke" | "full";
  /** No new step starts when it could not finish within this time from the start. */
  budgetMs: number;
  /** Concurrent-call steps of the capacity ladder; it stops at the first failing step. */
  ladder: number[];
  /** Each engine step: `windows` measurement windows of `windowMs` (the hold is their sum). */
  windows: number;
  windowMs: number;
  /** N values with bare-ffmpeg runs for the overhead ratio, run before (and with 2 repeats also after) the engine step. */
  bareAt: number[];
  bareRepeats: number;
  bareWindows: number;
  bareWindowMs: number;
  /** Calls (and bare streams) started per second. */
  startRatePerSec: number;
  setupRates: number[];
  setupStepMs: number;
  setupRepeats: number;
  /** N of the design experiments (one ffmpeg for 10 calls, video-only, audio-only); undefined: none. */
  experimentsAt: number | undefined;
  /** A failing ladder step is run once more before the ladder stops. */
  retryFailedStep: boolean;
  /** The WebRTC viewers step (one call, N WHEP viewers per step); undefined: none. */
  viewers: ViewersShape | undefined;
}

/** CI smoke: every path once at N = 2, a few seconds each. */
export const SMOKE_PLAN: BenchPlan = {
  mode: "smoke",
  budgetMs: 60_000,
  ladder: [2],
  windows: 2,
  windowMs: 2500,
  bareAt: [2],
  bareRepeats: 1,
  bareWindows: 2,
  bareWindowMs: 2000,
  startRatePerSec: 10,
  setupRates: [5],
  setupStepMs: 2000,
  setupRepeats: 1,
  experimentsAt: undefined,
  retryFailedStep: false,
  viewers: { steps: [1], windowMs: 3000, parallel: 1, attachTimeoutMs: 10_000, settleMs: 1000 },
};

/** The full bench: 60 s holds (3 × 20 s windows), bare comparisons at 1, 10 and 50. */
export const FULL_PLAN: BenchPlan = {
  mode: "full",
  budgetMs: 19 * 60_000,
  ladder: [1, 10, 25, 50, 75, 100, 120, 150, 200],
  windows: 3,
  windowMs: 20_000,
  bareAt: [1, 10, 50],
  bareRepeats: 2,
  bareWindows: 2,
  bareWindowMs: 10_000,
  startRatePerSec: 10,
  setupRates: [10, 20, 40, 80, 160, 320],
  setupStepMs: 5000,
  setupRepeats: 2,
  experimentsAt: 10,
  retryFailedStep: true,
  viewers: { steps: [1, 10, 50], windowMs: 20_000, parallel: 5, attachTimeoutMs: 10_000, settleMs: 3000 },
};

/** Rough length of one run, to keep the bench inside its budget. */
export function estimateRunMs(n: number, windows: number, windowMs: number, ratePerSec: number): number {
  return (n * 1000) / ratePerSec + 6000 + windows * windowMs + 3000 + 6000;
}

/** Rough length of the viewers step: the baseline and one window per step, the viewers joining, set-up and teardown. */
export function estimateViewersMs(v: ViewersShape): number {
  return 25_000 + (v.steps.length + 1) * v.windowMs + v.steps.reduce((a, n) => a + v.settleMs + 3000 + n * 300, 0);
}
