/** Shortest gap between two keyframe requests of one call to its peer. */
export const KEYFRAME_REQUEST_MIN_GAP_MS = 100;

/**
 * Rate-limits the keyframe requests (RTCP PLI + FIR) that a call's outputs make, so that many outputs,
 * or many viewers reporting loss at once, ask the peer once: a keyframe answers all of them. The gap
 * stays below the 250 ms an output waits between its own retries, so one output is never slowed by it.
 */
export class KeyframeRequestLimiter {
  readonly #minGapMs: number;
  readonly #now: () => number;
  #last = Number.NEGATIVE_INFINITY;
  #sent = 0;
  #dropped = 0;

  constructor(minGapMs = KEYFRAME_REQUEST_MIN_GAP_MS, now: () => number = () => performance.now()) {
    this.#minGapMs = minGapMs;
    this.#now = now;
  }

  /** Runs `send` unless a request went out less than the gap ago; returns what `send` returned, or false when dropped. */
  request(send: () => boolean): boolean {
    const now = this.#now();
    if (now - this.#last < this.#minGapMs) {
      this.#dropped++;
      return false;
    }
    this.#last = now;
    this.#sent++;
    return send();
  }

  toJSON(): { sent: number; dropped: number } {
    return { sent: this.#sent, dropped: this.#dropped };
  }
}
