import type { RegistrarTarget } from "./sip-register";
import type { StreamCounters, StreamTarget } from "./rtp-replayer";

/** What the bench asks of the peer process (method → [params, result]). */
export type PeerApi = {
  /** Loads the recording, binds the SIP and RTP sockets. */
  start: [{ recordingFile: string }, { sipPort: number; audioPort: number; videoPort: number }];
  /** Registers the peer (for calls routed by Kamailio). */
  register: [RegistrarTarget, { ok: true }];
  /** Whether answered calls get media, and stamped video frames. */
  configure: [{ media: boolean; stamp: boolean }, { ok: true }];
  /** Starts a stream without SIP (the bare-ffmpeg runs). */
  stream: [{ name: string; target: StreamTarget }, { ok: true }];
  /** Stops the named streams, or all. */
  stopStreams: [{ names?: string[] }, { ok: true }];
  /** Per-stream counters now, with the CLOCK_MONOTONIC time they were read. */
  snapshot: [Record<string, never>, { at: number; streams: Record<string, StreamCounters> }];
  stats: [Record<string, never>, PeerStats];
  /** Zeroes the replay's lag and skip figures (at the start of each run). */
  resetStats: [Record<string, never>, { ok: true }];
  close: [Record<string, never>, { ok: true }];
};

/** Events of the peer process. */
export type PeerEvents = {
  answered: { name: string; callId: string; at: number };
  ended: { name: string; callId: string; at: number };
};

/** The peer's own counters. */
export interface PeerStats {
  sip: Record<string, number>;
  replay: Record<string, number>;
  activeCalls: number;
  streams: number;
}
