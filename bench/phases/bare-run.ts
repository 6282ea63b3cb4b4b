import * as path from "node:path";
import { BareFfmpegGroup, type BareLayout } from "../bare/bare-ffmpeg";
import { CpuWindow, type RoleSpec } from "../common/cpu-window";
import { monoMs, sleep } from "../common/mono-clock";
import { say } from "../common/progress-log";
import { percentile } from "../common/stats";
import type { BareKind, RunResult } from "../report/result-types";
import type { BenchEnvironment } from "./environment";
import { measureHold, type HoldResult } from "./hold";
import { finishRun, machineLoad, waitUntilUp, type RunShape } from "./run-common";

let runSeq = 0;

/** The bare layouts: the engine's one ffmpeg per call, and the experiments. */
export const BARE_LAYOUTS: Record<BareKind, BareLayout> = {
  bare: { perProcess: 1, hasAudio: true, hasVideo: true },
  "bare-multi": { perProcess: 10, hasAudio: true, hasVideo: true },
  "bare-video-only": { perProcess: 1, hasAudio: false, hasVideo: true },
  "bare-audio-only": { perProcess: 1, hasAudio: true, hasVideo: false },
  "bare-aac16k-mono": { perProcess: 1, hasAudio: true, hasVideo: true, aac: { sampleRate: 16000, channels: 1, bitrate: "48k" } },
};

/**
 * N streams through plain ffmpeg (the engine's own argv, input from an SDP file, no SIP, no
 * engine): the peer streams to each ffmpeg's ports as soon as they are bound, as the engine's
 * forwarder would; held and measured like an engine run.
 */
export async function runBare(env: BenchEnvironment, shape: RunShape, kind: BareKind): Promise<RunResult> {
  const seq = ++runSeq;
  const names = Array.from({ length: shape.n }, (_, k) => `r${seq}b${k}`);
  const startedAt = new Date().toISOString();
  const failures: string[] = [];
  const streamStart = new Map<string, number>();
  let hold: HoldResult | undefined;
  let group: BareFfmpegGroup | undefined;
  let up = 0;
  let setupSeconds = 0;
  const firstKeyframeMs: number[] = [];
  const layout = BARE_LAYOUTS[kind];
  let setupCpu: Record<string, number> | undefined;
  const roles = (ffmpegPids: number[]): RoleSpec[] => [
    { name: "bareFfmpeg", roots: ffmpegPids, tree: false },
    { name: "peer", roots: [env.peer.pid], tree: false },
    { name: "sink", roots: [env.sink.pid], tree: false },
    { name: "bench", roots: [process.pid], tree: false },
  ];
  try {
    await env.peer.call("configure", { media: true, stamp: true });
    await env.peer.call("resetStats", {});
    say(`${kind} N=${shape.n}: starting ffmpeg (${layout.perProcess} stream(s) per process)`);
    const setupWindow = new CpuWindow(roles([]));
    setupWindow.start();
    const t0 = monoMs();
    let k = 0;
    group = await BareFfmpegGroup.start({
      ffmpegPath: env.ffmpegPath,
      names,
      layout,
      rtmpUrl: env.rtmpUrl,
      dir: path.join(env.tmpDir, "bare"),
      onBound: async (input) => {
        // Same pacing as the engine's calls.
        const wait = t0 + (k++ * 1000) / shape.startRatePerSec - monoMs();
        if (wait > 0) await sleep(wait);
        streamStart.set(input.name, monoMs());
        await env.peer.call("stream", {
          name: input.name,
          target: {
            address: "127.0.0.1",
            ...(input.audioPort !== undefined ? { audio: { port: input.audioPort, rtcpPort: input.audioPort + 1, payloadType: 0 } } : {}),
            ...(input.videoPort !== undefined ? { video: { port: input.videoPort, rtcpPort: input.videoPort + 1, payloadType: 96 } } : {}),
          },
        });
      },
    });
    const g = group;
    // Audio-only outputs have no keyframe: wait for the publish instead.
    const starts = await waitUntilUp(env, layout.hasVideo ? names : [], 20000, () => Promise.resolve(g.exited > 0));
    if (!layout.hasVideo) await sleep(3000);
    setupSeconds = (monoMs() - t0) / 1000;
    setupCpu = machineLoad(setupWindow.end());
    const published = await env.sink.call("starts", { names });
    up = names.filter((n) => (layout.hasVideo ? starts[n]?.firstKeyframeAt !== undefined : published[n] !== undefined)).length;
    for (const n of names) {
      const kf = starts[n]?.firstKeyframeAt;
      const s = streamStart.get(n);
      if (kf !== undefined && s !== undefined) firstKeyframeMs.push(kf - s);
    }
    if (g.exited > 0) failures.push(`${g.exited} ffmpeg exited: ${g.logTail().slice(-300)}`);
    say(`${kind} N=${shape.n}: ${up}/${shape.n} up after ${setupSeconds.toFixed(1)} s`);
    if (up === shape.n) {
      hold = await measureHold(env, {
        names,
        windows: shape.windows,
        windowMs: shape.windowMs,
        memory: { ffmpegPids: g.pids },
        roles: roles(g.pids),
        derive: (c) => c,
        dropGroups: () => ({ ffmpeg: g.pids }),
      });
      if (g.exited > 0) failures.push(`${g.exited} ffmpeg exited during the hold`);
    }
  } catch (error) {
    failures.push((error as Error).message.split("\n")[0] ?? "error");
  } finally {
    await env.peer.call("stopStreams", { names });
    await group?.stop();
    await env.sink.call("forget", {});
  }
  return finishRun(
    { kind, n: shape.n, label: shape.label, attempt: shape.attempt, startedAt, up, setupSeconds, failures: failures.slice(0, 12), firstKeyframeMs: { p50: percentile(firstKeyframeMs, 50), p95: percentile(firstKeyframeMs, 95), n: firstKeyframeMs.length }, leftoverProcesses: 0, setupCpu },
    hold,
    "bareFfmpeg",
  );
}
