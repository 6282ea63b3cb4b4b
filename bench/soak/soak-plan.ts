/** The shape of one soak: how many calls, how long, and how it is sampled. */
export interface SoakPlan {
  mode: "smoke" | "full";
  /** Concurrent A/V calls, all held for the whole soak. */
  calls: number;
  /** How long the calls are held once all are up, warm-up included, minutes. */
  minutes: number;
  /** The first part of the hold, not judged for memory, file descriptor or process growth (JIT, heap sizing, ffmpeg buffers). */
  warmupSeconds: number;
  /** One measurement window (frames, timeline, CPU) and one process sample per window. */
  windowSeconds: number;
  startRatePerSec: number;
}

/**
 * Calls dialled per second. Half the engine's default `callStartsPerSecond` limit (10): dialled at
 * exactly 10/s, timer jitter put 11 starts in one second and the engine refused the 11th.
 */
const START_RATE_PER_SEC = 5;

/** `npm run soak`: 20 calls for 30 minutes, 3 minutes of warm-up, one-minute windows. */
export const SOAK_FULL: SoakPlan = { mode: "full", calls: 20, minutes: 30, warmupSeconds: 180, windowSeconds: 60, startRatePerSec: START_RATE_PER_SEC };

/**
 * `npm run soak:smoke` (CI): 2 minutes, 40 s of warm-up, 10 s windows. Fewer calls than the
 * full soak so that it passes on a shared 2-core CI machine: the full 20 needs most of one core.
 */
export const SOAK_SMOKE: SoakPlan = { mode: "smoke", calls: 4, minutes: 2, warmupSeconds: 40, windowSeconds: 10, startRatePerSec: START_RATE_PER_SEC };

/** The plan for these command-line arguments: --smoke, --calls=N, --minutes=M, --warmup-seconds=S, --window-seconds=S. */
export function soakPlanOf(argv: readonly string[]): SoakPlan {
  const option = (name: string): number | undefined => {
    const raw = argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, got "${raw}"`);
    return value;
  };
  const base = argv.includes("--smoke") ? SOAK_SMOKE : SOAK_FULL;
  const plan: SoakPlan = {
    ...base,
    calls: Math.round(option("calls") ?? base.calls),
    minutes: option("minutes") ?? base.minutes,
    warmupSeconds: option("warmup-seconds") ?? base.warmupSeconds,
    windowSeconds: option("window-seconds") ?? base.windowSeconds,
  };
  // At least three samples after the warm-up: growth is judged on medians of three.
  if (plan.minutes * 60 < plan.warmupSeconds + 3 * plan.windowSeconds) throw new Error(`--minutes=${plan.minutes} leaves fewer than three ${plan.windowSeconds} s windows after the ${plan.warmupSeconds} s warm-up`);
  return plan;
}
