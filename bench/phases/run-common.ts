import type { CpuWindowResult } from "../common/cpu-window";
import { sleep } from "../common/mono-clock";
import { percentile } from "../common/stats";
import type { RunResult } from "../report/result-types";
import type { BenchEnvironment } from "./environment";
import type { HoldResult } from "./hold";
import { medianCpu } from "./hold";

/** How one run is shaped. */
export interface RunShape {
  n: number;
  windows: number;
  windowMs: number;
  /** Calls (or streams) started per second. */
  startRatePerSec: number;
  label: string;
  attempt: number;
}

/** The frame-loss limit of a passing capacity step, percent. */
export const LOSS_LIMIT_PCT = 0.1;
/** Latency p95 beyond this means the pipeline is falling behind (a backlog is growing), not just slow. */
export const BACKLOG_LATENCY_MS = 1000;
/** The whole machine busier than this (percent of its capacity) counts as saturated. */
export const SATURATION_PCT = 95;

/** The machine's and other processes' CPU over a window (percent of one core). */
export function machineLoad(w: CpuWindowResult): Record<string, number> {
  return { machine: w.machinePct, other: w.otherPct };
}

/** Polls the sink until every name has had its first keyframe, or `timeoutMs` passed, or `givenUp()` says so. */
export async function waitUntilUp(env: BenchEnvironment, names: readonly string[], timeoutMs: number, givenUp: () => Promise<boolean>): Promise<Record<string, { publishAt: number; firstKeyframeAt?: number }>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const starts = await env.sink.call("starts", { names: [...names] });
    const up = names.filter((n) => starts[n]?.firstKeyframeAt !== undefined).length;
    if (up === names.length || Date.now() > end || (await givenUp())) return starts;
    await sleep(300);
  }
}

/** Fills in the parts of a RunResult that come from the hold, and judges the run. */
export function finishRun(base: Omit<RunResult, "windows" | "cpu" | "perCallCpuPct" | "memory" | "video" | "udpDrops" | "audio" | "latencyMs" | "peer" | "pass" | "failReasons" | "droppedDuringHold">, hold: HoldResult | undefined, carrierRole: string): RunResult {
  const windows = hold?.windows ?? [];
  const cpu = medianCpu(windows);
  const video = windows.reduce((a, w) => ({ expected: a.expected + w.video.expected, received: a.received + w.video.received, damaged: a.damaged + w.video.damaged }), { expected: 0, received: 0, damaged: 0 });
  const lost = video.expected - video.received + video.damaged;
  const lossPct = video.expected > 0 ? (100 * lost) / video.expected : 0;
  const audio = {
    frames: windows.reduce((a, w) => a + w.audio.frames, 0),
    expectedFrames: windows.reduce((a, w) => a + w.audio.expectedFrames, 0),
    gaps: windows.reduce((a, w) => a + w.audio.gaps, 0),
    maxGapMs: Math.max(0, ...windows.map((w) => w.audio.maxGapMs)),
    maxStallMs: Math.max(0, ...windows.map((w) => w.audio.maxStallMs)),
  };
  const latencies = hold?.latencies ?? [];
  const udpDrops: Record<string, number> = {};
  for (const w of windows) for (const [k, v] of Object.entries(w.udpDrops)) udpDrops[k] = (udpDrops[k] ?? 0) + v;
  const result: RunResult = {
    ...base,
    droppedDuringHold: hold?.dropped.length ?? 0,
    windows,
    cpu,
    perCallCpuPct: cpu[carrierRole] !== undefined && base.n > 0 ? (cpu[carrierRole] as number) / base.n : undefined,
    memory: hold?.memory,
    video: { ...video, lossPct },
    udpDrops,
    audio,
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), n: latencies.length },
    peer: hold?.peer ?? { maxLagMs: 0, skips: 0, sendErrors: 0 },
    pass: false,
    failReasons: [],
  };
  const reasons = result.failReasons;
  if (base.up < base.n) reasons.push(`only ${base.up} of ${base.n} came up`);
  if (result.droppedDuringHold > 0) reasons.push(`${result.droppedDuringHold} ended during the hold`);
  if (hold && video.expected === 0 && base.kind !== "bare-audio-only") reasons.push("no frames measured");
  if (lossPct > LOSS_LIMIT_PCT) reasons.push(`frame loss ${lossPct.toFixed(2)} % > ${LOSS_LIMIT_PCT} %`);
  if (audio.gaps > 0) reasons.push(`${audio.gaps} audio gaps (max ${audio.maxGapMs} ms)`);
  const p95 = result.latencyMs.p95;
  if (p95 !== undefined && p95 > BACKLOG_LATENCY_MS) reasons.push(`falling behind (latency p95 ${p95.toFixed(0)} ms)`);
  result.pass = reasons.length === 0;
  return result;
}

/** Adds the saturation verdict (needs the machine's CPU count). */
export function judgeSaturation(result: RunResult, cpus: number): void {
  // Bare runs are comparison points, not capacity steps: only the engine's steps are judged.
  if (!result.kind.startsWith("engine")) return;
  // The busiest window decides: a saturated stretch is where frames start to go missing.
  const worst = result.windows.reduce((a, w) => ((w.cpu.machine ?? 0) > (a?.cpu.machine ?? -1) ? w : a), result.windows[0]);
  const busy = ((worst?.cpu.machine ?? 0) / (100 * cpus)) * 100;
  if (busy > SATURATION_PCT) {
    const other = worst?.cpu.other ?? 0;
    result.failReasons.push(`CPU saturated (machine ${busy.toFixed(0)} % busy${other > 20 ? `, ${other.toFixed(0)} % of a core by other processes` : ""})`);
    result.pass = false;
  }
}
