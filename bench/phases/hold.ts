import { CpuWindow, type RoleSpec } from "../common/cpu-window";
import { sleep } from "../common/mono-clock";
import { processTree, readProcMemory } from "../common/proc-stat";
import { udpDropsOf } from "../common/udp-drops";
import { median, p50p95 } from "../common/stats";
import type { MemoryFigures, WindowFigures } from "../report/result-types";
import type { PeerApi } from "../peer/peer-api";
import type { BenchEnvironment } from "./environment";

type Snapshot = PeerApi["snapshot"][1];

/** What a hold measured. */
export interface HoldResult {
  windows: WindowFigures[];
  memory: MemoryFigures | undefined;
  latencies: number[];
  /** Streams that vanished from the peer during the hold (the call was hung up). */
  dropped: string[];
  peer: { maxLagMs: number; skips: number; sendErrors: number };
}

/** What {@link measureHold} measures, and how. */
export interface HoldOptions {
  /** The calls' (streams') names, as the peer and the sink know them. */
  names: readonly string[];
  roles: readonly RoleSpec[];
  windows: number;
  windowMs: number;
  memory: MemoryTarget;
  /** Adds figures computed from the roles' CPU (e.g. engineFfmpeg = engineTotal − engineNode). */
  derive: (cpu: Record<string, number>) => Record<string, number>;
  /** Process groups whose UDP socket drops are counted (read at each window's start). */
  dropGroups: () => Record<string, number[]>;
}

/** Which processes to sample for memory: the engine host (and its ffmpeg children), or bare ffmpegs. */
export type MemoryTarget = { engineHostPid: number } | { ffmpegPids: readonly number[] };

/**
 * Frames still in flight when the last window closes are counted if they arrive within this
 * time; later ones count as lost (the earlier windows are read only after the whole hold).
 */
const ARRIVAL_GRACE_MS = 3000;

function sampleMemory(target: MemoryTarget, n: number): MemoryFigures | undefined {
  const pids = "engineHostPid" in target ? processTree(target.engineHostPid).map((p) => p.pid) : [...target.ffmpegPids];
  let rss = 0;
  let pss = 0;
  let anon = 0;
  let nodeRss: number | undefined;
  let ffmpegRss = 0;
  let processes = 0;
  for (const pid of pids) {
    const m = readProcMemory(pid);
    if (!m) continue;
    processes++;
    rss += m.rssKb;
    pss += m.pssKb ?? m.rssKb;
    anon += m.anonKb;
    if ("engineHostPid" in target && pid === target.engineHostPid) nodeRss = m.rssKb;
    else ffmpegRss += m.rssKb;
  }
  if (processes === 0) return undefined;
  return { processes, nodeRssKb: nodeRss, ffmpegRssKb: ffmpegRss, totalRssKb: rss, totalPssKb: pss, totalAnonKb: anon, perCallRssKb: Math.round(rss / n), perCallPssKb: Math.round(pss / n) };
}

/**
 * Holds the running calls for `windows` × `windowMs`, measuring each window: CPU of every role
 * (kernel accounting), which stamped frames the peer sent and which reached the sink, audio
 * continuity at the sink, and latency. Memory is sampled once, after the first window.
 */
export async function measureHold(env: BenchEnvironment, o: HoldOptions): Promise<HoldResult> {
  const marks: Array<{ a: Snapshot; b: Snapshot; cpu: Record<string, number>; seconds: number; drops: Record<string, number> }> = [];
  let memory: MemoryFigures | undefined;
  for (let w = 0; w < o.windows; w++) {
    const groups = o.dropGroups();
    const dropsAt = (): Record<string, number> => {
      const all = udpDropsOf(Object.values(groups).flat());
      return Object.fromEntries(Object.entries(groups).map(([k, pids]) => [k, pids.reduce((acc, pid) => acc + (all.get(pid) ?? 0), 0)]));
    };
    const dropsBefore = dropsAt();
    const a = await env.peer.call("snapshot", {});
    const cpu = new CpuWindow(o.roles);
    cpu.start();
    await sleep(o.windowMs);
    const result = cpu.end();
    const b = await env.peer.call("snapshot", {});
    const dropsAfter = dropsAt();
    const drops = Object.fromEntries(Object.keys(groups).map((k) => [k, (dropsAfter[k] ?? 0) - (dropsBefore[k] ?? 0)]));
    const roles = Object.fromEntries(Object.entries(result.roles).map(([k, v]) => [k, v.cpuPct]));
    marks.push({ a, b, cpu: { ...o.derive(roles), machine: result.machinePct, other: result.otherPct }, seconds: result.seconds, drops });
    if (w === 0) memory = sampleMemory(o.memory, o.names.length);
  }
  await sleep(ARRIVAL_GRACE_MS);
  const windows: WindowFigures[] = [];
  const latencies: number[] = [];
  const dropped = new Set<string>();
  for (const m of marks) {
    const ranges: Record<string, [number, number]> = {};
    for (const name of o.names) {
      const from = m.a.streams[name];
      const to = m.b.streams[name];
      if (!from || !to) {
        dropped.add(name);
        continue;
      }
      ranges[name] = [from.videoFrames, to.videoFrames];
    }
    const report = await env.sink.call("window", { fromMs: m.a.at, toMs: m.b.at, ranges }, 60000);
    for (const name of report.missingStreams) dropped.add(name);
    const streams = Object.values(report.streams);
    const sum = (f: (s: (typeof streams)[number]) => number): number => streams.reduce((acc, s) => acc + f(s), 0);
    windows.push({
      seconds: m.seconds,
      cpu: m.cpu,
      video: { expected: sum((s) => s.expected), received: sum((s) => s.received), damaged: sum((s) => s.damaged) },
      audio: { frames: sum((s) => s.audioFrames), expectedFrames: Math.round(sum((s) => s.audioExpected)), gaps: sum((s) => s.audioGaps), maxGapMs: Math.max(0, ...streams.map((s) => s.audioMaxGapMs)), maxStallMs: Math.max(0, ...streams.map((s) => s.audioMaxStallMs)) },
      latencyMs: p50p95(report.latencies),
      udpDrops: m.drops,
    });
    for (const l of report.latencies) latencies.push(l);
  }
  const stats = await env.peer.call("stats", {});
  return { windows, memory, latencies, dropped: [...dropped], peer: { maxLagMs: Number(stats.replay.maxLagMs ?? 0), skips: Number(stats.replay.skips ?? 0), sendErrors: Number(stats.replay.sendErrors ?? 0) } };
}

/** Median per key over the windows. */
export function medianCpu(windows: readonly WindowFigures[]): Record<string, number> {
  const keys = new Set(windows.flatMap((w) => Object.keys(w.cpu)));
  return Object.fromEntries([...keys].map((k) => [k, median(windows.map((w) => w.cpu[k] ?? 0)) ?? 0]));
}
