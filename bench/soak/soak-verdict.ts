import { median } from "../common/stats";

/** The engine host's process figures at one moment of the soak. */
export interface SoakSample {
  /** Seconds since every call was up. */
  atSeconds: number;
  warmup: boolean;
  /** VmRSS of the engine's Node process (its ffmpeg children apart), kB. */
  nodeRssKb: number;
  heapUsedKb: number | undefined;
  /** VmRSS of the engine's ffmpeg children together, kB. */
  ffmpegRssKb: number;
  /** Open file descriptors of the engine's Node process. */
  fds: number;
  /** Live descendants of the engine's Node process (ffmpeg children). */
  children: number;
  liveCalls: number;
}

/** What reached the RTMP server in one window, over every call. */
export interface SoakWindow {
  atSeconds: number;
  seconds: number;
  warmup: boolean;
  /** Stamped video frames the peer sent in the window, and how many arrived intact. */
  expected: number;
  received: number;
  damaged: number;
  audioFrames: number;
  audioGaps: number;
  audioMaxGapMs: number;
  videoGaps: number;
  videoMaxGapMs: number;
  backwardSteps: number;
  /** Streams the sink no longer had, or calls the peer no longer sent for. */
  missingStreams: number;
  latencyP95Ms: number | undefined;
  /** Percent of one core: the engine host with its ffmpeg children, the bench's peer and sink, the whole machine, everything else. */
  cpu: { engine: number; benchPeers: number; machine: number; other: number };
}

/** What is known once the calls are hung up. */
export interface SoakEnd {
  up: number;
  /** Calls that ended before the hang-up. */
  endedEarly: number;
  /** Streams published more than once (their output restarted), with the count. */
  republished: Record<string, number>;
  /** Output restarts the engine counted (`outputs[].reconnects` of every call's stats). */
  outputReconnects: number;
  /** Processes of the engine left once it was closed. */
  leftoverProcesses: number;
}

/** Minimum, maximum, first and last of a figure after the warm-up. */
export interface Spread {
  first: number;
  last: number;
  min: number;
  max: number;
}

export interface SoakVerdict {
  pass: boolean;
  reasons: string[];
  /**
   * The highest RSS of the warm-up (or the first sample after it, if higher) against the median of
   * the last quarter of the samples after it (at least three); heap used: medians of the first and last quarter.
   */
  rss: { startKb: number; endKb: number; maxKb: number; growthPct: number; heapUsedStartKb: number; heapUsedEndKb: number };
  fds: Spread;
  children: Spread;
  frames: { expected: number; lost: number; lossPct: number };
  timeline: { audioGaps: number; videoGaps: number; backwardSteps: number; maxAudioGapMs: number; maxVideoGapMs: number; republished: number; outputReconnects: number };
}

/** The limit of the engine process's RSS growth after the warm-up, percent. */
export const RSS_GROWTH_LIMIT_PCT = 5;

function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { first: 0, last: 0, min: 0, max: 0 };
  return { first: values[0] ?? 0, last: values[values.length - 1] ?? 0, min: Math.min(...values), max: Math.max(...values) };
}

/**
 * Judges a soak. It passes when every call came up and stayed, the engine's RSS after the
 * warm-up grew less than {@link RSS_GROWTH_LIMIT_PCT} %, its file descriptors ended no higher
 * than they started, its child processes stayed one per call, no stamped frame was lost or
 * damaged, and every published timeline was continuous: no audio or video hole, no step back,
 * no output restart.
 */
export function judgeSoak(calls: number, samples: readonly SoakSample[], windows: readonly SoakWindow[], end: SoakEnd): SoakVerdict {
  const reasons: string[] = [];
  const after = samples.filter((s) => !s.warmup);
  if (after.length < 3) reasons.push(`only ${after.length} samples after the warm-up (3 needed)`);
  const rssValues = after.map((s) => s.nodeRssKb);
  // The engine's RSS swings by 10 MB or more as V8 collects and hands pages back to the system
  // (70–83 MB over 10 minutes of 8 calls, heap used flat at 12–17 MB): a single sample is no
  // baseline. The level the warm-up reached is its highest sample (at least the first after it);
  // the end is the median of the last quarter of the samples (at least three).
  const warm = samples.filter((s) => s.warmup).map((s) => s.nodeRssKb);
  const startKb = Math.max(...warm, rssValues[0] ?? 0);
  const span = Math.max(3, Math.floor(rssValues.length / 4));
  const endKb = median(rssValues.slice(-span)) ?? 0;
  const growthPct = startKb > 0 ? (100 * (endKb - startKb)) / startKb : 0;
  const heapStart = median(after.slice(0, span).map((s) => s.heapUsedKb ?? 0)) ?? 0;
  const heapEnd = median(after.slice(-span).map((s) => s.heapUsedKb ?? 0)) ?? 0;
  const rss = { startKb, endKb, maxKb: Math.max(0, ...rssValues), growthPct, heapUsedStartKb: heapStart, heapUsedEndKb: heapEnd };
  if (growthPct >= RSS_GROWTH_LIMIT_PCT) reasons.push(`engine RSS grew ${growthPct.toFixed(1)} % after the warm-up (limit ${RSS_GROWTH_LIMIT_PCT} %)`);
  const fds = spread(after.map((s) => s.fds));
  if (after.length > 0 && fds.last > fds.first) reasons.push(`file descriptors grew ${fds.first} → ${fds.last}`);
  const children = spread(after.map((s) => s.children));
  if (after.length > 0 && (children.min !== calls || children.max !== calls)) reasons.push(`child processes ${children.min}–${children.max}, not ${calls} (one ffmpeg per call)`);
  const expected = windows.reduce((a, w) => a + w.expected, 0);
  const lost = windows.reduce((a, w) => a + (w.expected - w.received) + w.damaged, 0);
  const lossPct = expected > 0 ? (100 * lost) / expected : 0;
  if (expected === 0) reasons.push("no frames measured");
  if (lost > 0) reasons.push(`${lost} of ${expected} frames lost or damaged (${lossPct.toFixed(3)} %)`);
  const timeline = {
    audioGaps: windows.reduce((a, w) => a + w.audioGaps, 0),
    videoGaps: windows.reduce((a, w) => a + w.videoGaps, 0),
    backwardSteps: windows.reduce((a, w) => a + w.backwardSteps, 0),
    maxAudioGapMs: Math.max(0, ...windows.map((w) => w.audioMaxGapMs)),
    maxVideoGapMs: Math.max(0, ...windows.map((w) => w.videoMaxGapMs)),
    republished: Object.keys(end.republished).length,
    outputReconnects: end.outputReconnects,
  };
  if (timeline.audioGaps > 0) reasons.push(`${timeline.audioGaps} audio gaps (max ${timeline.maxAudioGapMs} ms)`);
  if (timeline.videoGaps > 0) reasons.push(`${timeline.videoGaps} video timeline gaps (max ${timeline.maxVideoGapMs} ms)`);
  if (timeline.backwardSteps > 0) reasons.push(`${timeline.backwardSteps} timestamps stepped back`);
  if (timeline.republished > 0) reasons.push(`${timeline.republished} streams published again: ${Object.entries(end.republished).map(([n, c]) => `${n} ×${c}`).join(", ")}`);
  if (timeline.outputReconnects > 0) reasons.push(`${timeline.outputReconnects} output restarts`);
  const missing = windows.reduce((a, w) => a + w.missingStreams, 0);
  if (missing > 0) reasons.push(`${missing} stream-windows missing at the peer or the sink`);
  if (end.up < calls) reasons.push(`only ${end.up} of ${calls} calls came up`);
  if (end.endedEarly > 0) reasons.push(`${end.endedEarly} calls ended during the soak`);
  if (end.leftoverProcesses > 0) reasons.push(`${end.leftoverProcesses} engine processes left after close`);
  return { pass: reasons.length === 0, reasons, rss, fds, children, frames: { expected, lost, lossPct }, timeline };
}
