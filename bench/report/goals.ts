import { median } from "../common/stats";
import { mb, num, pp } from "./format";
import type { BenchResults, RunResult } from "./result-types";

/** One line of the goals table. */
export interface GoalLine {
  goal: string;
  target: string;
  measured: string;
  verdict: string;
}

const engineRuns = (r: BenchResults): RunResult[] => r.runs.filter((x) => x.kind === "engine");

/** The engine run at N (the passing attempt if any). */
export function engineAt(r: BenchResults, n: number): RunResult | undefined {
  const runs = engineRuns(r).filter((x) => x.n === n);
  return runs.find((x) => x.pass) ?? runs[runs.length - 1];
}

/** Median bare per-call-layout CPU (percent of a core) at N over its repeats. */
export function bareCpuAt(r: BenchResults, n: number, kind: RunResult["kind"] = "bare"): number | undefined {
  return median(r.runs.filter((x) => x.kind === kind && x.n === n && x.up === n && x.windows.length > 0).map((x) => x.cpu.bareFfmpeg ?? 0));
}

/** Engine total CPU / bare CPU at N. */
export function overheadAt(r: BenchResults, n: number): number | undefined {
  const e = engineAt(r, n);
  const b = bareCpuAt(r, n);
  if (!e || e.windows.length === 0 || b === undefined || b <= 0) return undefined;
  return (e.cpu.engineTotal ?? 0) / b;
}

/** The goals of issue 6 against what was measured. */
export function goalLines(r: BenchResults): GoalLine[] {
  const lines: GoalLine[] = [];
  const cap = r.capacity;
  const capN = cap.lastPassingN ?? 0;
  lines.push({
    goal: "Capacity: concurrent A/V calls held, loss ≤ 0.1 %, no audio gaps",
    target: "≥ 120",
    measured: `${cap.lastPassingN ?? "none"} passed${cap.firstFailingN !== undefined ? `; N=${cap.firstFailingN} failed (${cap.failReasons.join("; ")})` : ""}${cap.stoppedBy ? ` — ${cap.stoppedBy}` : ""}`,
    verdict: capN >= 120 ? "met" : `missed: ${capN} of 120 (${num((100 * capN) / 120, 0)} %)`,
  });
  const costNs = [1, 10, 50].filter((n) => engineAt(r, n)?.windows.length);
  lines.push({
    goal: "Cost per call (engine + its ffmpeg), CPU % of a core / RSS MB (PSS MB)",
    target: "report at N = 1, 10, 50",
    measured: costNs.map((n) => {
      const e = engineAt(r, n) as RunResult;
      return `N=${n}: ${num(e.perCallCpuPct, 2)} % / ${mb(e.memory?.perCallRssKb)} (${mb(e.memory?.perCallPssKb)})${e.pass ? "" : " (a failing run)"}`;
    }).join("; ") || "–",
    verdict: "–",
  });
  const ratios = [1, 10, 50].map((n) => [n, overheadAt(r, n), engineAt(r, n)?.pass === true] as const).filter(([, v]) => v !== undefined) as Array<readonly [number, number, boolean]>;
  // A failing engine run is starved (its Node process got less CPU than it needed): its ratio is not a cost.
  const judged = ratios.filter(([, , pass]) => pass);
  const worst = Math.max(...judged.map(([, v]) => v));
  lines.push({
    goal: "Overhead: engine CPU ÷ bare ffmpeg CPU, same N, same run",
    target: "≤ 1.2×",
    measured: ratios.map(([n, v, pass]) => `N=${n}: ${num(v, 2)}×${pass ? "" : " (engine run failed: not judged)"}`).join("; ") || "–",
    verdict: judged.length === 0 ? "not measured" : worst <= 1.2 ? "met" : `missed: ${num(worst, 2)}× (${num((worst / 1.2 - 1) * 100, 0)} % over)`,
  });
  const passing = engineRuns(r).filter((x) => x.pass && x.latencyMs.n > 0);
  const worstLat = Math.max(...passing.map((x) => x.latencyMs.p95 ?? 0));
  lines.push({
    goal: "Added latency, RTP sent → FLV tag at the RTMP server, p50 / p95 ms",
    target: "p95 ≤ 150 ms",
    measured: passing.map((x) => `N=${x.n}: ${pp(x.latencyMs)}`).join("; ") || "–",
    verdict: passing.length === 0 ? "not measured" : worstLat <= 150 ? "met" : `missed: p95 ${num(worstLat, 0)} ms (${num(worstLat - 150, 0)} ms over)`,
  });
  const upRuns = engineRuns(r).filter((x) => x.firstKeyframeMs.n > 0);
  const worstKf = Math.max(...upRuns.filter((x) => x.pass).map((x) => x.firstKeyframeMs.p95 ?? 0));
  lines.push({
    goal: "200 OK → first keyframe at the RTMP server, p50 / p95 ms",
    target: "≤ 1000 ms",
    measured: upRuns.map((x) => `N=${x.n}: ${pp(x.firstKeyframeMs)}`).join("; ") || "–",
    verdict: upRuns.length === 0 ? "not measured" : worstKf <= 1000 ? "met" : `missed: p95 ${num(worstKf, 0)} ms`,
  });
  const sr = r.setupRate;
  lines.push({
    goal: "Call setup rate through Kamailio (INVITE → 407 → INVITE → 200, BYE)",
    target: "≥ 20 calls/s",
    measured: sr ? `${sr.sustainedPerSec ?? 0}/s sustained${sr.firstFailingRate !== undefined ? `; ${sr.firstFailingRate}/s failed` : " (highest rate tried)"}` : "not run",
    verdict: !sr ? "not measured" : (sr.sustainedPerSec ?? 0) >= 20 ? "met" : `missed: ${sr.sustainedPerSec ?? 0}/s`,
  });
  return lines;
}
