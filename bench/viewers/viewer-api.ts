import type { SeqFigures } from "./seq-counter";

/** One WHEP viewer as the viewer process saw it; times in ms. */
export interface ViewerState {
  id: number;
  /** POST answered 201 and the answer applied. */
  answered: boolean;
  /** From sending the POST to the first video RTP packet. */
  firstVideoMs?: number;
  error?: string;
  video: SeqFigures;
  audio: SeqFigures;
}

/** What the bench asks of the viewer process (werift clients, apart from the engine). */
export type ViewerApi = {
  /** Starts `count` more recvonly viewers POSTing to `url` with the bearer token, `parallel` at a time; resolves when each has its first video packet or `timeoutMs` passed. */
  attach: [{ url: string; token: string; count: number; parallel: number; timeoutMs: number }, ViewerState[]];
  /** Every viewer's counters now. */
  snapshot: [Record<string, never>, ViewerState[]];
  /** DELETEs every viewer's resource and closes its peer connection. */
  detachAll: [{ token: string }, { deleted: number; failed: number }];
};

export type ViewerEvents = Record<string, never>;
