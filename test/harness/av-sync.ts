import { readAudioTrace, readFirstAudioMs, readVideoTrace, type VideoTrace } from "./av-sync-ffmpeg";
import { beepOnsets, flashOnsets, lumaThreshold, type BeepOnsetOptions } from "./av-sync-onsets";
import { ffprobe } from "./ffprobe";
import { freezeSummary, offsetStats, pairOnsets, timestampGaps, type Freeze, type OffsetStats, type OnsetPair } from "./av-sync-stats";

/** Sample rate the audio is analysed at: 16 samples per 1 ms window, ample for a 1 kHz beep. */
const AUDIO_RATE = 16000;

/** What {@link analyseAvSync} measured in a file of the test meeting's `flash-beep` pattern. */
export interface AvSyncReport {
  /** 0 when the file has no video stream (then the video figures are NaN). */
  videoFrames: number;
  /** Timestamps of the first and last video frame. */
  firstVideoMs: number;
  lastVideoMs: number;
  /** Timestamps of the first audio packet and of the end of the audio. */
  firstAudioMs: number;
  audioEndMs: number;
  /**
   * One flash per whole second of the stream (from the first packet of either medium to the end
   * of the later one): a picture that starts late or stops early misses flashes.
   */
  expectedFlashes: number;
  lumaThreshold: number;
  flashes: number[];
  beeps: number[];
  pairs: OnsetPair[];
  offset: OffsetStats;
  /** freezedetect freezes and timestamp gaps over `minFreezeMs` (raw, possibly overlapping). */
  freezes: Freeze[];
  /** Merged freezes over `minFreezeMs`. */
  freezeCount: number;
  longestFreezeMs: number;
}

/** Options of {@link analyseAvSync}. */
export interface AvSyncOptions {
  /** Freezes longer than this count (default 1000 ms). */
  minFreezeMs?: number;
  /** Pair a flash only with a beep this close (default 500 ms). */
  maxPairMs?: number;
  beep?: BeepOnsetOptions;
}

/**
 * Measures the A/V offset and the freezes of a media file (e.g. the FLV the RTMP server recorded)
 * that carries the `flash-beep` pattern: each flash onset (video) is paired with the nearest
 * beep onset (audio), both on the file's own timestamps.
 */
export async function analyseAvSync(file: string, o: AvSyncOptions = {}): Promise<AvSyncReport> {
  const minFreezeMs = o.minFreezeMs ?? 1000;
  // Probe first: a stream published without its video (or audio) must give figures, not an ffmpeg error.
  const kinds = new Set((await ffprobe(file)).streams.map((s) => s.codec_type));
  if (!kinds.has("video") && !kinds.has("audio")) throw new Error(`${file}: neither video nor audio`);
  const noVideo: VideoTrace = { frames: [], freezes: [] };
  // allSettled: when one run fails, the others must still be waited for, not left running.
  const results = await Promise.allSettled([
    kinds.has("video") ? readVideoTrace(file, minFreezeMs / 1000) : noVideo,
    kinds.has("audio") ? readAudioTrace(file, AUDIO_RATE) : new Float32Array(0),
    kinds.has("audio") ? readFirstAudioMs(file) : Number.NaN,
  ] as const);
  for (const r of results) if (r.status === "rejected") throw r.reason;
  const [video, samples, firstAudioMs] = results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [VideoTrace, Float32Array, number];
  const frames = video.frames;
  const threshold = lumaThreshold(frames);
  const flashes = Number.isNaN(threshold) ? [] : flashOnsets(frames, threshold);
  const beeps = beepOnsets(samples, AUDIO_RATE, o.beep);
  const pairs = pairOnsets(flashes, beeps, o.maxPairMs ?? 500);
  const firstVideoMs = frames[0]?.ptsMs ?? Number.NaN;
  const lastVideoMs = frames[frames.length - 1]?.ptsMs ?? Number.NaN;
  const audioEndMs = (samples.length * 1000) / AUDIO_RATE; // sample 0 is timestamp 0 (first_pts=0)
  const known = (...values: number[]): number[] => values.filter((v) => !Number.isNaN(v));
  const streamMs = Math.max(...known(lastVideoMs, samples.length > 0 ? audioEndMs : Number.NaN)) - Math.min(...known(firstVideoMs, firstAudioMs));
  const freezes = [...video.freezes, ...timestampGaps(frames.map((f) => f.ptsMs), minFreezeMs)];
  const summary = freezeSummary(freezes, minFreezeMs);
  return {
    videoFrames: frames.length,
    firstVideoMs,
    lastVideoMs,
    firstAudioMs,
    audioEndMs,
    expectedFlashes: Math.max(0, Math.floor(streamMs / 1000)),
    lumaThreshold: threshold,
    flashes,
    beeps,
    pairs,
    offset: offsetStats(pairs),
    freezes,
    freezeCount: summary.count,
    longestFreezeMs: summary.longestMs,
  };
}

const ms = (v: number): string => (Number.isNaN(v) ? "n/a" : `${Math.round(v)}`);

/**
 * One line to quote: `av-sync: <label>: offset median … ms, max |offset| … ms (range …), matched
 * n/expected flashes, freezes >1 s: n (longest … ms), <extra>; offset [ms] at each flash: 1.0s:+3 …`
 * (offset = audio − video: positive when the sound is late).
 */
export function formatAvSync(label: string, r: AvSyncReport, extra: Record<string, string | number | undefined> = {}): string {
  const o = r.offset;
  const more = Object.entries(extra)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `, ${k} ${v}`)
    .join("");
  const offsets = r.pairs.map((p) => [(p.flashMs / 1000).toFixed(1), Math.round(p.offsetMs) || 0] as const).map(([t, v]) => `${t}s:${v > 0 ? "+" : ""}${v}`).join(" ");
  return (
    `av-sync: ${label}: offset median ${ms(o.medianMs)} ms, max |offset| ${ms(o.maxAbsMs)} ms (range ${ms(o.minMs)}..${ms(o.maxMs)}), ` +
    `matched ${r.pairs.length}/${r.expectedFlashes} flashes (${r.flashes.length} flashes, ${r.beeps.length} beeps), ` +
    `freezes >1 s: ${r.freezeCount} (longest ${ms(r.longestFreezeMs)} ms), video ${ms(r.firstVideoMs)}..${ms(r.lastVideoMs)} ms, ` +
    `audio ${ms(r.firstAudioMs)}..${ms(r.audioEndMs)} ms${more}; ` +
    `offset [ms] at each flash: ${offsets}`
  );
}
