import type { SipAccountOptions } from "../../src/index";

/** One call the bench asks the engine to place. */
export interface DialSpec {
  /** Used as the engine callId and as the RTMP stream name. */
  name: string;
  callee: string;
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
  start: [{ account: SipAccountOptions; recvBufferBytes?: number }, { ok: boolean; detail: string }];
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
  /** The last warnings and errors the engine logged. */
  logs: [Record<string, never>, string[]];
  close: [Record<string, never>, { ok: true }];
};

export type EngineEvents = Record<string, never>;
