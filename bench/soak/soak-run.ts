import * as fs from "node:fs";
import * as path from "node:path";
import { CpuWindow, type RoleSpec } from "../common/cpu-window";
import { monoMs, sleep } from "../common/mono-clock";
import { processTree, readProcMemory } from "../common/proc-stat";
import { say } from "../common/progress-log";
import { RpcChild } from "../common/rpc";
import { percentile } from "../common/stats";
import type { EngineApi, EngineEvents } from "../engine-host/engine-api";
import { BUILD_DIR, type BenchEnvironment } from "../phases/environment";
import { waitUntilUp } from "../phases/run-common";
import type { PeerApi } from "../peer/peer-api";
import type { SoakPlan } from "./soak-plan";
import type { SoakEnd, SoakSample, SoakWindow } from "./soak-verdict";

type Snapshot = PeerApi["snapshot"][1];

/** What a soak measured, before it is judged. */
export interface SoakMeasurements {
  samples: SoakSample[];
  windows: SoakWindow[];
  end: SoakEnd;
  /** Problems met on the way (a call that did not come up, a teardown error), for the report. */
  failures: string[];
  setupSeconds: number;
}

/**
 * How long every call has to show its first keyframe at the sink. The bench allows 20 s; on a
 * machine shared with other work a call dialled last took longer than 30 s (its ffmpeg found no
 * video parameters in its first second), and a soak is about what happens after the start.
 */
const UP_TIMEOUT_MS = 60_000;

/** Frames still in flight when a window closes get this long to arrive before the window is read. */
const ARRIVAL_GRACE_MS = 3000;

function openFds(pid: number): number {
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

/**
 * Places `plan.calls` calls from a fresh engine host to the bench peer, each publishing to the
 * sink, and holds them for `plan.minutes`: every window it samples the engine's memory, file
 * descriptors and children, and reads from the sink what arrived in the window before
 * (frames, audio and video timeline). `onProgress` gets what is measured so far after each
 * window, so an interrupted soak still reports.
 */
export async function runSoak(env: BenchEnvironment, plan: SoakPlan, onProgress: (m: SoakMeasurements) => void, stopped: () => boolean): Promise<SoakMeasurements> {
  const names = Array.from({ length: plan.calls }, (_, k) => `soak${k}`);
  const engine = new RpcChild<EngineApi, EngineEvents>("soak engine", path.join(BUILD_DIR, "engine-host", "engine-main.js"));
  const m: SoakMeasurements = { samples: [], windows: [], end: { up: 0, endedEarly: 0, republished: {}, outputReconnects: 0, leftoverProcesses: 0 }, failures: [], setupSeconds: 0 };
  // The peer and the sink are roles of their own, so that "other" is only what else runs on the machine.
  const roles: RoleSpec[] = [
    { name: "engine", roots: [engine.pid], tree: true },
    { name: "benchPeers", roots: [env.peer.pid, env.sink.pid], tree: false },
  ];
  try {
    const account = { login: "soak", domain: "127.0.0.1", port: env.peerSipPort, registerRequired: false };
    const started = await engine.call("start", { account });
    if (!started.ok) throw new Error(`engine start: ${started.detail}`);
    await env.peer.call("configure", { media: true, stamp: true });
    await env.peer.call("resetStats", {});
    say(`soak: dialling ${plan.calls} calls at ${plan.startRatePerSec}/s`);
    const t0 = monoMs();
    await engine.call("dial", { calls: names.map((name) => ({ name, callee: name })), ratePerSec: plan.startRatePerSec, rtmpUrl: env.rtmpUrl }, 30000 + (plan.calls * 1000) / plan.startRatePerSec);
    const starts = await waitUntilUp(env, names, UP_TIMEOUT_MS, async () => {
      const p = await engine.call("progress", {});
      return (p.byStatus.FAILED ?? 0) + (p.byStatus.FINISH ?? 0) + (p.byStatus.BUSY ?? 0) > 0;
    });
    m.setupSeconds = (monoMs() - t0) / 1000;
    m.end.up = names.filter((n) => starts[n]?.firstKeyframeAt !== undefined).length;
    say(`soak: ${m.end.up}/${plan.calls} up after ${m.setupSeconds.toFixed(1)} s; holding ${plan.minutes} min (${plan.warmupSeconds} s warm-up)`);
    if (m.end.up < plan.calls) {
      for (const r of await engine.call("records", { names })) if (starts[r.name]?.firstKeyframeAt === undefined) m.failures.push(`${r.name}: ${r.status} ${r.reason ?? ""} ${r.detail ?? ""}, publish ${r.publishStatus ?? "-"}`.trim());
      return m;
    }
    const holdStart = monoMs();
    const holdMs = plan.minutes * 60_000;
    const sample = async (): Promise<void> => {
      const atSeconds = (monoMs() - holdStart) / 1000;
      const tree = processTree(engine.pid);
      const node = readProcMemory(engine.pid, false);
      let ffmpegRssKb = 0;
      for (const p of tree) if (p.pid !== engine.pid) ffmpegRssKb += readProcMemory(p.pid, false)?.rssKb ?? 0;
      const heap = await engine.call("memory", {});
      const progress = await engine.call("progress", {});
      m.samples.push({ atSeconds, warmup: atSeconds < plan.warmupSeconds, nodeRssKb: node?.rssKb ?? 0, heapUsedKb: Math.round(heap.heapUsed / 1024), ffmpegRssKb, fds: openFds(engine.pid), children: tree.length - 1, liveCalls: progress.live });
    };
    type Mark = { a: Snapshot; b: Snapshot; atSeconds: number; seconds: number; warmup: boolean; cpu: SoakWindow["cpu"] };
    const read = async (mark: Mark): Promise<void> => {
      const ranges: Record<string, [number, number]> = {};
      let missing = 0;
      for (const name of names) {
        const from = mark.a.streams[name];
        const to = mark.b.streams[name];
        if (from && to) ranges[name] = [from.videoFrames, to.videoFrames];
        else missing++;
      }
      const report = await env.sink.call("window", { fromMs: mark.a.at, toMs: mark.b.at, ranges }, 60000);
      const s = Object.values(report.streams);
      const sum = (f: (w: (typeof s)[number]) => number): number => s.reduce((acc, w) => acc + f(w), 0);
      m.windows.push({
        atSeconds: mark.atSeconds,
        seconds: mark.seconds,
        warmup: mark.warmup,
        expected: sum((w) => w.expected),
        received: sum((w) => w.received),
        damaged: sum((w) => w.damaged),
        audioFrames: sum((w) => w.audioFrames),
        audioGaps: sum((w) => w.audioGaps),
        audioMaxGapMs: Math.max(0, ...s.map((w) => w.audioMaxGapMs)),
        videoGaps: sum((w) => w.videoGaps),
        videoMaxGapMs: Math.max(0, ...s.map((w) => w.videoMaxGapMs)),
        backwardSteps: sum((w) => w.backwardSteps),
        missingStreams: missing + report.missingStreams.length,
        latencyP95Ms: percentile(report.latencies, 95),
        cpu: mark.cpu,
      });
    };
    let pending: Mark | undefined;
    while (monoMs() - holdStart < holdMs && !stopped()) {
      await sample();
      const atSeconds = (monoMs() - holdStart) / 1000;
      const a = await env.peer.call("snapshot", {});
      const cpu = new CpuWindow(roles);
      cpu.start();
      await sleep(Math.min(plan.windowSeconds * 1000, Math.max(1000, holdMs - (monoMs() - holdStart))));
      const c = cpu.end();
      const b = await env.peer.call("snapshot", {});
      // The window before this one has had a whole window's time for its last frames to arrive.
      if (pending) await read(pending);
      pending = { a, b, atSeconds, seconds: c.seconds, warmup: atSeconds < plan.warmupSeconds, cpu: { engine: c.roles.engine?.cpuPct ?? 0, benchPeers: c.roles.benchPeers?.cpuPct ?? 0, machine: c.machinePct, other: c.otherPct } };
      const last = m.samples[m.samples.length - 1];
      const w = m.windows[m.windows.length - 1];
      say(`soak ${atSeconds.toFixed(0)} s: node RSS ${((last?.nodeRssKb ?? 0) / 1024).toFixed(1)} MB, fds ${last?.fds}, children ${last?.children}, live ${last?.liveCalls}${w ? `; frames ${w.received}/${w.expected}, audio gaps ${w.audioGaps}, video gaps ${w.videoGaps}` : ""}; CPU engine ${pending.cpu.engine.toFixed(0)} %, machine ${pending.cpu.machine.toFixed(0)} %`);
      onProgress(m);
    }
    await sample();
    await sleep(ARRIVAL_GRACE_MS);
    if (pending) await read(pending);
    const progress = await engine.call("progress", {});
    m.end.endedEarly = plan.calls - progress.live;
    for (const name of names) {
      const stats = await engine.call("callStats", { name });
      // `outputs` is keyed by output id; each publication counts its own restarts.
      const outputs = (stats?.outputs ?? {}) as Record<string, { reconnects?: number }>;
      for (const o of Object.values(outputs)) m.end.outputReconnects += o.reconnects ?? 0;
    }
    const after = await env.sink.call("starts", { names });
    for (const [name, s] of Object.entries(after)) if (s.publishes > 1) m.end.republished[name] = s.publishes;
  } catch (error) {
    m.failures.push((error as Error).message.split("\n")[0] ?? "error");
  } finally {
    try {
      await engine.call("hangUp", { timeoutMs: 15000 }, 20000);
      await engine.call("close", {}, 20000);
      m.end.leftoverProcesses = Math.max(0, processTree(engine.pid).length - 1);
      if (m.failures.length > 0) for (const line of (await engine.call("logs", {})).slice(-5)) m.failures.push(`log: ${line}`);
    } catch (error) {
      m.failures.push(`teardown: ${(error as Error).message.split("\n")[0] ?? ""}`);
    }
    await engine.stop();
    await env.peer.call("stopStreams", {});
    await env.sink.call("forget", {});
  }
  return m;
}
