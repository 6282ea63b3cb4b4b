import { randomBytes } from "node:crypto";
import * as path from "node:path";
import { CpuWindow, type RoleSpec } from "../common/cpu-window";
import { monoMs, sleep } from "../common/mono-clock";
import { say } from "../common/progress-log";
import { RpcChild } from "../common/rpc";
import { percentile } from "../common/stats";
import type { EngineApi, EngineEvents } from "../engine-host/engine-api";
import { perViewerCpu, viewerWindowFigures } from "../viewers/viewer-figures";
import type { ViewerApi, ViewerEvents, ViewerState } from "../viewers/viewer-api";
import type { ViewersCpu, ViewersResult, ViewerStepResult } from "../viewers/viewers-result";
import { BUILD_DIR, type BenchEnvironment } from "./environment";
import { waitUntilUp } from "./run-common";

/** How the viewers step is shaped. */
export interface ViewersShape {
  /** Viewer counts, each a step of its own (the previous step's viewers leave first). */
  steps: number[];
  windowMs: number;
  /** POSTs in flight at once while viewers join. */
  parallel: number;
  /** A viewer without a first video packet this long after its POST counts as without media. */
  attachTimeoutMs: number;
  /**
   * Wait between the last viewer's first packet and the window: a joining viewer first gets the
   * call's cached packets since the last keyframe in one burst; the window measures the steady flow.
   */
  settleMs: number;
}

const STREAM = "bench-view";
const CALL = "viewers1";

/** RTP packets the engine received on the call's video and audio channels so far, and the video it found missing (its receiver statistics). */
function callPackets(stats: Record<string, unknown> | undefined): { video: number; audio: number; videoLost: number } {
  const media = (stats?.media ?? {}) as Record<string, { packetsReceived?: unknown; packetsLost?: unknown } | undefined>;
  const n = (k: string): number => Number(media[k]?.packetsReceived ?? 0);
  return { video: n("video"), audio: n("audio"), videoLost: Number(media.video?.packetsLost ?? 0) };
}

/**
 * One A/V call from the peer, publishing to the sink and watchable as `bench-view` over the
 * engine host's WHEP endpoint (127.0.0.1, bearer token). A window with no viewer is the
 * baseline; then for each N the viewer process (werift, apart from the engine) attaches N
 * recvonly viewers and the call is measured for one window: the engine's CPU (node and its
 * ffmpeg apart), each viewer's loss by sequence numbers and against the call's packets, time
 * from POST to first video packet.
 */
export async function runViewers(env: BenchEnvironment, shape: ViewersShape): Promise<ViewersResult> {
  const result: ViewersResult = { startedAt: new Date().toISOString(), windowMs: shape.windowMs, baseline: undefined, steps: [], failures: [], pass: false };
  const engine = new RpcChild<EngineApi, EngineEvents>("bench engine (viewers)", path.join(BUILD_DIR, "engine-host", "engine-main.js"));
  const viewers = new RpcChild<ViewerApi, ViewerEvents>("bench viewers", path.join(BUILD_DIR, "viewers", "viewer-main.js"));
  const token = randomBytes(18).toString("base64url");
  try {
    const account = { login: "bench", domain: "127.0.0.1", port: env.peerSipPort, registerRequired: false };
    const started = await engine.call("start", { account, maxViewers: Math.max(...shape.steps, 1) + 10 });
    if (!started.ok) throw new Error(`engine start: ${started.detail}`);
    const { origin } = await engine.call("serveWhep", { token });
    const url = `${origin}/sipcast/whep/${STREAM}`;
    await env.peer.call("configure", { media: true, stamp: true });
    await env.peer.call("resetStats", {});
    await engine.call("dial", { calls: [{ name: CALL, callee: CALL, toStream: STREAM }], ratePerSec: 10, rtmpUrl: env.rtmpUrl });
    const starts = await waitUntilUp(env, [CALL], 20000, async () => (await engine.call("progress", {})).live === 0);
    if (starts[CALL]?.firstKeyframeAt === undefined) throw new Error("the call did not come up (no keyframe at the sink in 20 s)");
    const roles: RoleSpec[] = [
      { name: "engineTotal", roots: [engine.pid], tree: true },
      { name: "engineNode", roots: [engine.pid], tree: false },
      { name: "viewers", roots: [viewers.pid], tree: true },
    ];
    const measure = async (): Promise<{ seconds: number; cpu: ViewersCpu; callPackets: { video: number; audio: number; videoLost: number }; before: ViewerState[]; after: ViewerState[] }> => {
      const before = await viewers.call("snapshot", {});
      const p0 = callPackets(await engine.call("callStats", { name: CALL }));
      const w = new CpuWindow(roles);
      w.start();
      await sleep(shape.windowMs);
      const r = w.end();
      const p1 = callPackets(await engine.call("callStats", { name: CALL }));
      const after = await viewers.call("snapshot", {});
      const c = (k: string): number => r.roles[k]?.cpuPct ?? 0;
      return {
        seconds: r.seconds,
        cpu: { engineNode: c("engineNode"), engineFfmpeg: c("engineTotal") - c("engineNode"), viewers: c("viewers"), machine: r.machinePct, other: r.otherPct },
        callPackets: { video: p1.video - p0.video, audio: p1.audio - p0.audio, videoLost: p1.videoLost - p0.videoLost },
        before,
        after,
      };
    };
    say(`viewers: baseline (one call, no viewer), ${shape.windowMs / 1000} s`);
    const base = await measure();
    result.baseline = { seconds: base.seconds, cpu: base.cpu, callPackets: base.callPackets };
    for (const n of shape.steps) {
      await viewers.call("detachAll", { token }, 60000);
      const drainEnd = monoMs() + 10000;
      while ((await engine.call("viewerCount", {})) > 0 && monoMs() < drainEnd) await sleep(200);
      say(`viewers: attaching ${n}`);
      const attached = await viewers.call("attach", { url, token, count: n, parallel: shape.parallel, timeoutMs: shape.attachTimeoutMs }, 60000 + n * shape.attachTimeoutMs);
      const first = attached.map((v) => v.firstVideoMs).filter((x): x is number => x !== undefined);
      const errors = [...new Set(attached.map((v) => v.error).filter((e): e is string => e !== undefined))];
      await sleep(shape.settleMs);
      const m = await measure();
      const window = viewerWindowFigures(m.before, m.after, m.callPackets.video);
      const step: ViewerStepResult = {
        viewers: n,
        answered: attached.filter((v) => v.answered).length,
        gotVideo: first.length,
        firstVideoMs: { p50: percentile(first, 50), p95: percentile(first, 95), n: first.length, max: first.length > 0 ? Math.max(...first) : undefined },
        seconds: m.seconds,
        cpu: m.cpu,
        perViewerCpuPct: { engineNode: perViewerCpu(m.cpu.engineNode, base.cpu.engineNode, n), engineFfmpeg: perViewerCpu(m.cpu.engineFfmpeg, base.cpu.engineFfmpeg, n) },
        callPackets: m.callPackets,
        window,
        errors: errors.slice(0, 5),
      };
      result.steps.push(step);
      say(`viewers N=${n}: ${step.answered} answered, ${window.withMedia} with media; engine node ${m.cpu.engineNode.toFixed(1)} % (${step.perViewerCpuPct.engineNode?.toFixed(2) ?? "-"} %/viewer); video loss ${window.video.lossPct.toFixed(3)} %`);
    }
  } catch (error) {
    result.failures.push((error as Error).message.split("\n")[0] ?? "error");
  } finally {
    try {
      await viewers.call("detachAll", { token }, 60000);
      await engine.call("hangUp", { timeoutMs: 15000 }, 20000);
      await engine.call("close", {}, 20000);
    } catch (error) {
      result.failures.push(`teardown: ${(error as Error).message.split("\n")[0] ?? ""}`);
    }
    await Promise.all([viewers.stop(), engine.stop()]);
    await env.peer.call("stopStreams", {});
    await env.sink.call("forget", {});
  }
  result.pass = result.failures.length === 0 && result.steps.length === shape.steps.length && result.steps.every((s) => s.answered === s.viewers && s.gotVideo === s.viewers && s.window.withMedia === s.viewers);
  return result;
}
