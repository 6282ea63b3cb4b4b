import * as path from "node:path";
import { CpuWindow, type RoleSpec } from "../common/cpu-window";
import { monoMs } from "../common/mono-clock";
import { say } from "../common/progress-log";
import { processTree } from "../common/proc-stat";
import { RpcChild } from "../common/rpc";
import { percentile } from "../common/stats";
import type { EngineApi, EngineEvents } from "../engine-host/engine-api";
import type { EngineKind, RunResult } from "../report/result-types";
import { reniceTree } from "../common/renice";
import { BUILD_DIR, type BenchEnvironment } from "./environment";
import { measureHold, type HoldResult } from "./hold";
import { finishRun, machineLoad, waitUntilUp, type RunShape } from "./run-common";

let runSeq = 0;

const pct = (values: number[]): { p50: number | undefined; p95: number | undefined; n: number } => ({ p50: percentile(values, 50), p95: percentile(values, 95), n: values.length });

/**
 * One capacity step: a fresh engine host places N calls straight to the peer (no registrar,
 * registerRequired false), each publishing to the sink; once every stream's first keyframe has
 * arrived the calls are held and measured, then hung up and the engine closed.
 */
export async function runEngine(env: BenchEnvironment, shape: RunShape, variant: { kind: EngineKind; recvBufferBytes?: number; ffmpegNice?: number } = { kind: "engine" }): Promise<RunResult> {
  const seq = ++runSeq;
  const names = Array.from({ length: shape.n }, (_, k) => `r${seq}e${k}`);
  const engine = new RpcChild<EngineApi, EngineEvents>("bench engine", path.join(BUILD_DIR, "engine-host", "engine-main.js"));
  const startedAt = new Date().toISOString();
  const failures: string[] = [];
  let hold: HoldResult | undefined;
  let up = 0;
  let setupSeconds = 0;
  let answerMs: number[] = [];
  let firstKeyframeMs: number[] = [];
  let leftover = 0;
  let setupCpu: Record<string, number> | undefined;
  try {
    const account = { login: "bench", domain: "127.0.0.1", port: env.peerSipPort, registerRequired: false };
    const started = await engine.call("start", variant.recvBufferBytes === undefined ? { account } : { account, recvBufferBytes: variant.recvBufferBytes });
    if (!started.ok) throw new Error(`engine start: ${started.detail}`);
    await env.peer.call("configure", { media: true, stamp: true });
    await env.peer.call("resetStats", {});
    const roles: RoleSpec[] = [
      { name: "engineTotal", roots: [engine.pid], tree: true },
      { name: "engineNode", roots: [engine.pid], tree: false },
      { name: "peer", roots: [env.peer.pid], tree: false },
      { name: "sink", roots: [env.sink.pid], tree: false },
      { name: "bench", roots: [process.pid], tree: false },
    ];
    const setupWindow = new CpuWindow(roles);
    setupWindow.start();
    say(`${variant.kind} N=${shape.n}: dialling at ${shape.startRatePerSec}/s`);
    const t0 = monoMs();
    await engine.call("dial", { calls: names.map((name) => ({ name, callee: name })), ratePerSec: shape.startRatePerSec, rtmpUrl: env.rtmpUrl }, 30000 + (shape.n * 1000) / shape.startRatePerSec);
    const starts = await waitUntilUp(env, names, 20000, async () => {
      const p = await engine.call("progress", {});
      return (p.byStatus.FAILED ?? 0) + (p.byStatus.FINISH ?? 0) + (p.byStatus.BUSY ?? 0) > 0;
    });
    setupSeconds = (monoMs() - t0) / 1000;
    setupCpu = machineLoad(setupWindow.end());
    up = names.filter((n) => starts[n]?.firstKeyframeAt !== undefined).length;
    const records = await engine.call("records", { names });
    for (const r of records) {
      if (r.establishedAt !== undefined) answerMs.push(r.establishedAt - r.dialAt);
      const kf = starts[r.name]?.firstKeyframeAt;
      if (kf !== undefined && r.establishedAt !== undefined) firstKeyframeMs.push(kf - r.establishedAt);
      if (starts[r.name]?.firstKeyframeAt === undefined || r.status !== "ESTABLISHED") {
        const sink = starts[r.name] ? "publishing, no keyframe yet" : "no publish";
        failures.push(`${r.name}: ${r.status}${r.reason ? ` ${r.reason}` : ""}${r.detail ? ` (${r.detail})` : ""}, publish ${r.publishStatus ?? "-"}${r.publishDetail ? ` (${r.publishDetail})` : ""}, sink: ${sink}`);
      }
    }
    say(`${variant.kind} N=${shape.n}: ${up}/${shape.n} up after ${setupSeconds.toFixed(1)} s`);
    if (up === shape.n) {
      if (variant.ffmpegNice !== undefined) reniceTree(engine.pid, variant.ffmpegNice, true);
      hold = await measureHold(env, {
        names,
        windows: shape.windows,
        windowMs: shape.windowMs,
        memory: { engineHostPid: engine.pid },
        roles,
        derive: (c) => ({ ...c, engineFfmpeg: (c.engineTotal ?? 0) - (c.engineNode ?? 0) }),
        dropGroups: () => ({ engineNode: [engine.pid], ffmpeg: processTree(engine.pid).map((p) => p.pid).filter((pid) => pid !== engine.pid) }),
      });
      const after = await engine.call("progress", {});
      if (after.live < shape.n) failures.push(`${shape.n - after.live} calls ended during the hold`);
    }
  } catch (error) {
    failures.push((error as Error).message.split("\n")[0] ?? "error");
  } finally {
    try {
      await engine.call("hangUp", { timeoutMs: 15000 }, 20000);
      await engine.call("close", {}, 20000);
      // Everything the engine started should be gone once close() resolved.
      leftover = Math.max(0, processTree(engine.pid).length - 1);
      if (failures.length > 0) for (const line of (await engine.call("logs", {})).slice(-5)) failures.push(`log: ${line}`);
    } catch (error) {
      failures.push(`teardown: ${(error as Error).message.split("\n")[0] ?? ""}`);
    }
    await engine.stop();
    await env.peer.call("stopStreams", {});
    await env.sink.call("forget", {});
  }
  answerMs = answerMs.filter(Number.isFinite);
  firstKeyframeMs = firstKeyframeMs.filter(Number.isFinite);
  return finishRun(
    { kind: variant.kind, n: shape.n, label: shape.label, attempt: shape.attempt, startedAt, up, setupSeconds, failures: failures.slice(0, 12), firstKeyframeMs: pct(firstKeyframeMs), answerMs: pct(answerMs), leftoverProcesses: leftover, setupCpu },
    hold,
    "engineTotal",
  );
}
