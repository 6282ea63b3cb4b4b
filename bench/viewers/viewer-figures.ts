import { lostBetween } from "./seq-counter";
import type { ViewerState } from "./viewer-api";

/** One viewer over one measured window. */
export interface ViewerWindow {
  id: number;
  video: { expected: number; received: number; lost: number; gaps: number };
  audio: { expected: number; received: number; lost: number; gaps: number };
  /** Video packets this viewer received against the video packets the call received from the peer in the window, percent. */
  videoOfCallPct: number | undefined;
}

/** The viewers of one step over its window. */
export interface ViewersWindowFigures {
  perViewer: ViewerWindow[];
  /** Viewers whose video and audio both advanced in the window. */
  withMedia: number;
  /** Sum over the viewers. */
  video: { expected: number; received: number; lost: number; lossPct: number };
  audio: { expected: number; received: number; lost: number; lossPct: number };
  /** The worst viewer's video loss by sequence numbers, percent. */
  worstVideoLossPct: number;
  /** The lowest share of the call's video packets a viewer received, percent. */
  minVideoOfCallPct: number | undefined;
  /** Video from each viewer's first packet to the window's end (the join's burst of cached packets included). */
  videoSinceJoin: { expected: number; received: number; lost: number; lossPct: number; viewersWithLoss: number };
}

const pctOf = (part: number, whole: number): number => (whole > 0 ? (100 * part) / whole : 0);

/**
 * Loss per viewer between two snapshots of the viewer process (by RTP sequence numbers, as
 * a receiver judges it) and against the call's own packets in the same window
 * (`callVideoPackets`: what the engine received from the SIP peer). A viewer missing from
 * `before` (joined later) counts from zero; one missing from `after` has no media.
 */
export function viewerWindowFigures(before: readonly ViewerState[], after: readonly ViewerState[], callVideoPackets: number): ViewersWindowFigures {
  const zero = { received: 0, expected: 0, gaps: 0, duplicates: 0 };
  const perViewer = after.map((a): ViewerWindow => {
    const b = before.find((x) => x.id === a.id);
    const v = lostBetween(b?.video ?? zero, a.video);
    const au = lostBetween(b?.audio ?? zero, a.audio);
    return {
      id: a.id,
      video: { ...v, gaps: a.video.gaps - (b?.video.gaps ?? 0) },
      audio: { ...au, gaps: a.audio.gaps - (b?.audio.gaps ?? 0) },
      videoOfCallPct: callVideoPackets > 0 ? pctOf(v.received, callVideoPackets) : undefined,
    };
  });
  const sum = (k: "video" | "audio"): { expected: number; received: number; lost: number; lossPct: number } => {
    const expected = perViewer.reduce((acc, w) => acc + w[k].expected, 0);
    const received = perViewer.reduce((acc, w) => acc + w[k].received, 0);
    const lost = perViewer.reduce((acc, w) => acc + w[k].lost, 0);
    return { expected, received, lost, lossPct: pctOf(lost, expected) };
  };
  const joinLost = after.map((a) => Math.max(0, a.video.expected - a.video.received));
  const joinExpected = after.reduce((acc, a) => acc + a.video.expected, 0);
  const joinLostSum = joinLost.reduce((acc, x) => acc + x, 0);
  const shares = perViewer.map((w) => w.videoOfCallPct).filter((x): x is number => x !== undefined);
  return {
    perViewer,
    withMedia: perViewer.filter((w) => w.video.received > 0 && w.audio.received > 0).length,
    video: sum("video"),
    audio: sum("audio"),
    worstVideoLossPct: Math.max(0, ...perViewer.map((w) => pctOf(w.video.lost, w.video.expected))),
    minVideoOfCallPct: shares.length > 0 ? Math.min(...shares) : undefined,
    videoSinceJoin: { expected: joinExpected, received: after.reduce((acc, a) => acc + a.video.received, 0), lost: joinLostSum, lossPct: pctOf(joinLostSum, joinExpected), viewersWithLoss: joinLost.filter((x) => x > 0).length },
  };
}

/** CPU per viewer, percent of one core: (step − no-viewer baseline) / viewers. */
export function perViewerCpu(stepPct: number | undefined, baselinePct: number | undefined, viewers: number): number | undefined {
  if (stepPct === undefined || baselinePct === undefined || viewers <= 0) return undefined;
  return (stepPct - baselinePct) / viewers;
}
