import type { SipAccountOptions } from "../../src/index";

/** One call the bench asks the engine to place. */
export interface DialSpec {
  /** Used as the engine callId and as the RTMP stream name. */
  name: string;
  callee: string;
  /** The call's stream name for WebRTC viewers (served by `serveWhep`). */
  toStream?: string;
}

/** What happened to one call, times on CLOCK_MONOTONIC (ms). */
export interface CallRecord {
  name: string;
  dialAt: number;
  establishedAt?: number;
  publishingAt?: number;
  endedAt?: number;
  status: string;
  reason?: string;
  detail?: string;
  publishStatus?: string;
  publishDetail?: string;
}

/** What the bench asks of the engine host process. */
export type EngineApi = {
  /** `recvBufferBytes`: an experiment, every UDP socket of the engine asks for this much receive buffer. */
  start: [{ account: SipAccountOptions; recvBufferBytes?: number; maxViewers?: number }, { ok: boolean; detail: string }];
  /** Serves the engine's streams over WHEP on 127.0.0.1 (a free port), POST and DELETE needing `Bearer token`. */
  serveWhep: [{ token: string }, { origin: string }];
  /** WebRTC viewers connected now, over every stream. */
  viewerCount: [Record<string, never>, number];
  /** Places the calls, `ratePerSec` apart; resolves once all are placed (not answered). */
  dial: [{ calls: DialSpec[]; ratePerSec: number; rtmpUrl?: string; hangUpOnAnswer?: boolean }, { placed: number; failedToPlace: number }];
  /** Calls per status now. */
  progress: [Record<string, never>, { byStatus: Record<string, number>; publishing: number; live: number }];
  records: [{ names?: string[] }, CallRecord[]];
  /** Hangs up the named calls (or all) and waits until they are closed or `timeoutMs` passed. */
  hangUp: [{ names?: string[]; timeoutMs: number }, { closed: number; left: number }];
  /** Forgets the records of ended calls. */
  forget: [Record<string, never>, { ok: true }];
  /** The engine's own statistics of one live call (RTP channels, publication). */
  callStats: [{ name: string }, Record<string, unknown> | undefined];
  /** `process.memoryUsage()` of the engine host (heap against RSS, for the soak). */
  memory: [Record<string, never>, { rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number }];
  /** The last warnings and errors the engine logged. */
  logs: [Record<string, never>, string[]];
  close: [Record<string, never>, { ok: true }];
};

export type EngineEvents = Record<string, never>;
