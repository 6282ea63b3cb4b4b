/** Per-stream figures of one measurement window. */
export interface StreamWindow {
  /** Frames the peer sent in the window (counter range) and how many of them arrived. */
  expected: number;
  received: number;
  damaged: number;
  /** AAC frames that arrived in the window, and timestamp gaps longer than 1.5 frames. */
  audioFrames: number;
  /** AAC frames the window's length holds at the stream's sample rate (0 for a stream without audio). */
  audioExpected: number;
  audioGaps: number;
  /** Largest gap between consecutive AAC timestamps, ms. */
  audioMaxGapMs: number;
  /** Longest time without any audio tag arriving, ms. */
  audioMaxStallMs: number;
  /** Video timestamp steps longer than 500 ms (a hole in the published timeline), and the largest step, ms. */
  videoGaps: number;
  videoMaxGapMs: number;
  /** Audio or video timestamps that went back (a timeline restart). */
  backwardSteps: number;
}

/** A window over all requested streams. */
export interface WindowReport {
  streams: Record<string, StreamWindow>;
  /** arrival − sent of every frame received in the window, all streams, ms. */
  latencies: number[];
  missingStreams: string[];
}

/** What the bench asks of the sink process. */
export type SinkApi = {
  start: [{ recordingFile: string }, { port: number }];
  /** Figures for frames with counters in [from, to) per stream and audio arriving between the times. */
  window: [{ fromMs: number; toMs: number; ranges: Record<string, [number, number]> }, WindowReport];
  /** When each stream was published and when its first keyframe arrived (CLOCK_MONOTONIC ms). */
  starts: [{ names: string[] }, Record<string, { publishAt: number; firstKeyframeAt?: number; closedAt?: number; publishes: number }>];
  /** Drops every record (between runs). */
  forget: [Record<string, never>, { ok: true }];
  stats: [Record<string, never>, { connections: number; streams: number; bytes: number }];
  close: [Record<string, never>, { ok: true }];
};

export type SinkEvents = {
  publish: { name: string; at: number };
  firstKeyframe: { name: string; at: number };
};
