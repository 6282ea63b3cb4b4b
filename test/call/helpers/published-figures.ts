import { analyseAvSync, formatAvSync, type AvSyncReport } from "../../harness/av-sync";
import type { Freeze, OnsetPair } from "../../harness/av-sync-stats";
import { readPacketTimeline, type PacketTimeline } from "../../harness/packet-times";

/** One output's ffmpeg and restarts, from call.stats(). */
export interface OutputState {
  pid: number | undefined;
  reconnects: number;
  /** The attempt's A/V anchor mode, its video forwarder's timeline counters and its stand-in picture's switches. */
  video: string;
}

/** Per output id: the pid of its ffmpeg and its reconnects. */
export function outputStates(stats: Record<string, unknown>): Record<string, OutputState> {
  type Attempt = { republisher?: { pid?: number }; sync?: string; standIn?: unknown; forwarders?: Record<string, { timeline?: unknown }> };
  const outputs = (stats.outputs ?? {}) as Record<string, { reconnects?: number; attempt?: Attempt }>;
  return Object.fromEntries(
    Object.entries(outputs).map(([id, o]) => [
      id,
      {
        pid: o.attempt?.republisher?.pid,
        reconnects: o.reconnects ?? -1,
        video: JSON.stringify({ sync: o.attempt?.sync, timeline: o.attempt?.forwarders?.video?.timeline, standIn: o.attempt?.standIn }),
      },
    ]),
  );
}

/** The flashes between `fromMs` and `toMs` (file time): how many, and their largest |A/V offset|. */
export function segment(pairs: readonly OnsetPair[], fromMs: number, toMs: number): { count: number; maxAbsMs: number } {
  const inside = pairs.filter((p) => p.flashMs >= fromMs && p.flashMs < toMs);
  return { count: inside.length, maxAbsMs: inside.length > 0 ? Math.max(...inside.map((p) => Math.abs(p.offsetMs))) : Number.NaN };
}

/** The longest freeze (merged) that does not overlap [fromMs, toMs): the part a pause of the source does not explain. */
export function longestFreezeOutside(freezes: readonly Freeze[], fromMs: number, toMs: number): number {
  const merged: Array<{ start: number; end: number }> = [];
  for (const f of [...freezes].sort((a, b) => a.startMs - b.startMs)) {
    const last = merged[merged.length - 1];
    if (last && f.startMs <= last.end) last.end = Math.max(last.end, f.startMs + f.durationMs);
    else merged.push({ start: f.startMs, end: f.startMs + f.durationMs });
  }
  const outside = merged.filter((m) => m.end <= fromMs || m.start >= toMs).map((m) => m.end - m.start);
  return Math.max(0, ...outside);
}

/** What the tests of §1 measure in one published file. */
export interface PublishedFigures {
  report: AvSyncReport;
  audio: PacketTimeline;
  video: PacketTimeline;
  /** Audio ms in the file (first to last packet). */
  audioMs: number;
}

/** Reads the flash-beep analysis and both packet timelines of `file`. */
export async function readPublishedFigures(file: string): Promise<PublishedFigures> {
  const [report, audio, video] = await Promise.all([analyseAvSync(file), readPacketTimeline(file, "a"), readPacketTimeline(file, "v")]);
  return { report, audio, video, audioMs: audio.lastMs - audio.firstMs };
}

/** One line for the closing table and the assertion messages. */
export function describeFigures(label: string, f: PublishedFigures, extra: Record<string, string | number | undefined>): string {
  return formatAvSync(label, f.report, {
    "audio packets/≤1ms steps/largest gap": `${f.audio.packets}/${f.audio.nonMonotonic}/${Math.round(f.audio.largestGapMs)}@${Math.round(f.audio.largestGapAtMs)}`,
    "video packets/≤1ms steps/largest gap": `${f.video.packets}/${f.video.nonMonotonic}/${Math.round(f.video.largestGapMs)}@${Math.round(f.video.largestGapAtMs)}`,
    ...extra,
  });
}
