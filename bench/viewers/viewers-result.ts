import type { Percentiles } from "../report/result-types";
import type { ViewersWindowFigures } from "./viewer-figures";

/** CPU over a window, percent of one core. */
export interface ViewersCpu {
  engineNode: number;
  engineFfmpeg: number;
  viewers: number;
  machine: number;
  other: number;
}

/** One step of the viewers bench: N viewers of the one call. */
export interface ViewerStepResult {
  viewers: number;
  /** POSTs answered 201. */
  answered: number;
  /** Viewers that had a first video packet within the attach timeout. */
  gotVideo: number;
  /** POST sent → first video RTP packet, ms. */
  firstVideoMs: Percentiles & { max: number | undefined };
  seconds: number;
  cpu: ViewersCpu;
  /** (step − baseline) / N, percent of one core. */
  perViewerCpuPct: { engineNode: number | undefined; engineFfmpeg: number | undefined };
  /** Packets the call received from the SIP peer in the window (what each viewer should get), and the video the engine found missing from the peer (RTP receiver statistics). */
  callPackets: { video: number; audio: number; videoLost: number };
  window: ViewersWindowFigures;
  errors: string[];
}

/** The viewers bench: one A/V call, its WHEP viewers at N = 1, 10, 50. */
export interface ViewersResult {
  startedAt: string;
  windowMs: number;
  baseline: { seconds: number; cpu: ViewersCpu; callPackets: { video: number; audio: number; videoLost: number } } | undefined;
  steps: ViewerStepResult[];
  failures: string[];
  /** Every step: every viewer answered, got video, and video and audio advanced in the window. */
  pass: boolean;
}
