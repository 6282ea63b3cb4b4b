/**
 * The bench's RTMP server, a child process on 127.0.0.1: accepts ffmpeg publishers, measures
 * every FLV tag on arrival (stream-meter.ts) and stores nothing on disk.
 */
import * as net from "node:net";
import { serveRpc } from "../common/rpc";
import { loadRecording } from "../recording/recording-format";
import { RtmpConnection } from "./rtmp-connection";
import type { SinkApi, SinkEvents, StreamWindow, WindowReport } from "./sink-api";
import { StreamMeter } from "./stream-meter";

let server: net.Server | undefined;
const sockets = new Set<net.Socket>();
const meters = new Map<string, StreamMeter>();
/** How many times each stream name was published (more than once: its output restarted). */
const publishes = new Map<string, number>();
let pictureBytes: number[] = [];
let totalBytes = 0;

/**
 * A video timestamp step longer than this is a hole in the published timeline: the recording
 * the peer replays has a frame every 40 ms (25 fps), so even a few lost frames stay far below it.
 */
const VIDEO_GAP_MS = 500;

/** Steps between consecutive timestamps of tags that arrived in [fromMs, toMs]: holes longer than `gapMs`, and steps back. */
function timelineOf(ts: readonly number[], arrivals: readonly number[], fromMs: number, toMs: number, gapMs: number): { gaps: number; maxGap: number; backward: number } {
  let gaps = 0;
  let maxGap = 0;
  let backward = 0;
  let prev: number | undefined;
  for (let i = 0; i < ts.length; i++) {
    const at = arrivals[i] as number;
    if (at < fromMs || at > toMs) continue;
    const t = ts[i] as number;
    if (prev !== undefined) {
      const step = t - prev;
      if (step < 0) backward++;
      maxGap = Math.max(maxGap, step);
      if (step > gapMs) gaps++;
    }
    prev = t;
  }
  return { gaps, maxGap, backward };
}

function windowOf(m: StreamMeter, fromMs: number, toMs: number, range: [number, number], latencies: number[]): StreamWindow {
  const r = m.record;
  const seen = new Set<number>();
  for (let i = 0; i < r.counters.length; i++) {
    const c = r.counters[i] as number;
    if (c < range[0] || c >= range[1] || seen.has(c)) continue;
    seen.add(c);
    latencies.push((r.arrivals[i] as number) - (r.sent[i] as number));
  }
  let audioFrames = 0;
  let audioGaps = 0;
  let maxGap = 0;
  let maxStall = 0;
  let prevTs: number | undefined;
  let prevAt: number | undefined;
  for (let i = 0; i < r.audioTs.length; i++) {
    const at = r.audioArrivals[i] as number;
    if (at < fromMs || at > toMs) continue;
    const ts = r.audioTs[i] as number;
    audioFrames++;
    if (prevTs !== undefined) {
      const gap = ts - prevTs;
      maxGap = Math.max(maxGap, gap);
      if (gap > 1.5 * r.aacFrameMs) audioGaps++;
    }
    if (prevAt !== undefined) maxStall = Math.max(maxStall, at - prevAt);
    prevTs = ts;
    prevAt = at;
  }
  const video = timelineOf(r.videoTs, r.videoArrivals, fromMs, toMs, VIDEO_GAP_MS);
  const audio = timelineOf(r.audioTs, r.audioArrivals, fromMs, toMs, 1.5 * r.aacFrameMs);
  const damaged = new Set(r.damaged.filter((c) => c >= range[0] && c < range[1])).size;
  return { expected: range[1] - range[0], received: seen.size, damaged, audioFrames, audioExpected: r.audioTs.length > 0 ? (toMs - fromMs) / r.aacFrameMs : 0, audioGaps, audioMaxGapMs: maxGap, audioMaxStallMs: maxStall, videoGaps: video.gaps, videoMaxGapMs: video.maxGap, backwardSteps: video.backward + audio.backward };
}

// SIGTERM (the bench stopping this process group): leave through exit() so that a
// `--cpu-prof` profile is written.
process.once("SIGTERM", () => {
  for (const s of sockets) s.destroy();
  process.exit(0);
});

const emit = serveRpc<SinkApi, SinkEvents>(
  {
    start: async ({ recordingFile }) => {
      pictureBytes = loadRecording(recordingFile).video.frames.map((f) => f.pictureBytes);
      const srv = net.createServer((socket) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
        new RtmpConnection(socket, {
          onPublish: (name, at) => {
            meters.set(name, new StreamMeter(name, at, pictureBytes));
            publishes.set(name, (publishes.get(name) ?? 0) + 1);
            emit("publish", { name, at });
          },
          onMedia: (name, m, at) => {
            const meter = meters.get(name);
            if (!meter) return;
            totalBytes += m.payload.length;
            if (m.type === 9) {
              const before = meter.record.firstKeyframeAt;
              meter.video(m.payload, at, m.timestamp);
              if (before === undefined && meter.record.firstKeyframeAt !== undefined) emit("firstKeyframe", { name, at: meter.record.firstKeyframeAt });
            } else meter.audio(m.payload, m.timestamp, at);
          },
          onClose: (name, at) => {
            const meter = name === undefined ? undefined : meters.get(name);
            if (meter) meter.record.closedAt = at;
          },
        });
      });
      server = srv;
      srv.maxConnections = 4096;
      await new Promise<void>((resolve, reject) => {
        srv.once("error", reject);
        srv.listen({ port: 0, host: "127.0.0.1", backlog: 1024 }, () => resolve());
      });
      return { port: (srv.address() as net.AddressInfo).port };
    },
    window: ({ fromMs, toMs, ranges }) => {
      const report: WindowReport = { streams: {}, latencies: [], missingStreams: [] };
      for (const [name, range] of Object.entries(ranges)) {
        const meter = meters.get(name);
        if (!meter) {
          report.missingStreams.push(name);
          continue;
        }
        report.streams[name] = windowOf(meter, fromMs, toMs, range, report.latencies);
      }
      return report;
    },
    starts: ({ names }) =>
      Object.fromEntries(
        names.flatMap((n) => {
          const r = meters.get(n)?.record;
          return r ? [[n, { publishAt: r.publishAt, firstKeyframeAt: r.firstKeyframeAt, closedAt: r.closedAt, publishes: publishes.get(n) ?? 0 }]] : [];
        }),
      ),
    forget: () => {
      meters.clear();
      publishes.clear();
      return { ok: true };
    },
    stats: () => ({ connections: sockets.size, streams: meters.size, bytes: totalBytes }),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      return { ok: true };
    },
  },
  () => {
    for (const s of sockets) s.destroy();
    server?.close();
    process.exit(0);
  },
);
