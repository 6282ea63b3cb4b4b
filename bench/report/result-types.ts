import type { ViewersResult } from "../viewers/viewers-result";
/** p50/p95 of a sample (ms unless said otherwise) and its size. */
export interface Percentiles {
  p50: number | undefined;
  p95: number | undefined;
  n: number;
}

/** What was measured in one sub-window of a hold. */
export interface WindowFigures {
  seconds: number;
  /** Percent of one core per role (engineNode, engineFfmpeg, engineTotal, bareFfmpeg, peer, sink, bench), machine and other. */
  cpu: Record<string, number>;
  video: { expected: number; received: number; damaged: number };
  audio: { frames: number; expectedFrames: number; gaps: number; maxGapMs: number; maxStallMs: number };
  latencyMs: Percentiles;
  /** Datagrams dropped at full socket receive buffers during the window, per process group (engineNode, ffmpeg). */
  udpDrops: Record<string, number>;
}

/** Memory of the measured processes, kB, sampled once during the hold. */
export interface MemoryFigures {
  processes: number;
  /** The engine host's own Node process (engine runs only). */
  nodeRssKb?: number;
  ffmpegRssKb: number;
  totalRssKb: number;
  totalPssKb: number;
  totalAnonKb: number;
  perCallRssKb: number;
  perCallPssKb: number;
}

/** What kind of run: the engine, or bare ffmpeg in one of its layouts. */
export type RunKind = EngineKind | BareKind;

/** The engine as is, and two experiments at the capacity limit. */
export type EngineKind = "engine" | "engine-rcvbuf" | "engine-nice";

/** The bare-ffmpeg layouts. */
export type BareKind = "bare" | "bare-multi" | "bare-video-only" | "bare-audio-only" | "bare-aac16k-mono";

/** One run: N calls (or streams) set up, held, measured in windows, torn down. */
export interface RunResult {
  kind: RunKind;
  n: number;
  label: string;
  attempt: number;
  startedAt: string;
  /** Calls/streams whose first keyframe reached the sink. */
  up: number;
  setupSeconds: number;
  failures: string[];
  droppedDuringHold: number;
  windows: WindowFigures[];
  /** Median over the windows, percent of one core. */
  cpu: Record<string, number>;
  /** The role that carries the calls (engineTotal or bareFfmpeg) divided by N, percent of one core. */
  perCallCpuPct: number | undefined;
  memory: MemoryFigures | undefined;
  video: { expected: number; received: number; damaged: number; lossPct: number };
  /** Datagrams dropped at full receive buffers over the windows, per process group. */
  udpDrops: Record<string, number>;
  audio: { frames: number; expectedFrames: number; gaps: number; maxGapMs: number; maxStallMs: number };
  latencyMs: Percentiles;
  /** Engine: 200 OK → first keyframe at the sink. Bare: stream start → first keyframe. */
  firstKeyframeMs: Percentiles;
  /** Engine: INVITE sent → 200 OK processed. */
  answerMs?: Percentiles;
  /** The peer's own health: how late its timer ran, streams it had to skip ahead, failed sends. */
  peer: { maxLagMs: number; skips: number; sendErrors: number };
  /** Machine and other processes' CPU while the calls were being set up (percent of one core). */
  setupCpu?: Record<string, number>;
  /** Processes of the run still alive after its teardown. */
  leftoverProcesses: number;
  pass: boolean;
  failReasons: string[];
}

/** One step of the setup-rate ladder through Kamailio. */
export interface SetupRateStep {
  rate: number;
  repeat: number;
  calls: number;
  established: number;
  failed: number;
  reasons: Record<string, number>;
  /** INVITE → 200 OK processed (the 407 round trip included). */
  setupMs: Percentiles;
  /** Established calls / (last answer − first INVITE). */
  achievedPerSec: number;
  pass: boolean;
}

/** The whole bench. */
export interface BenchResults {
  meta: {
    date: string;
    mode: "smoke" | "full";
    durationSeconds: number;
    commit: string | undefined;
    node: string;
    ffmpeg: string;
    cpuModel: string;
    cpus: number;
    memoryMb: number;
    /** Median CPU of processes outside the bench during the windows, percent of one core. */
    otherLoadPct: number | undefined;
    notes: string[];
  };
  recording: { file: string; videoFrames: number; videoPacketsPerSecond: number; videoKbps: number; audioPacketsPerSecond: number };
  runs: RunResult[];
  setupRate: { steps: SetupRateStep[]; sustainedPerSec: number | undefined; firstFailingRate: number | undefined } | undefined;
  capacity: { lastPassingN: number | undefined; firstFailingN: number | undefined; failReasons: string[]; stoppedBy: string };
  skipped: string[];
  /** The WebRTC viewers step (absent in reports written before it existed, and when skipped). */
  viewers?: ViewersResult;
}
