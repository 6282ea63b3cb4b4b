/** Two keyframe requests to the peer are at least this far apart, by default. */
export const KEYFRAME_REQUEST_INTERVAL_MS = 250;

/**
 * Rate-limits keyframe requests of many viewers into one stream of requests to the SIP peer: the
 * first goes out at once, those within `intervalMs` of it become one request at the end of the
 * interval (so a viewer who joins just after another still gets its own keyframe soon).
 */
export class KeyframeThrottle {
  #lastAt = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;
  #sent = 0;
  #coalesced = 0;

  constructor(
    private readonly send: () => void,
    private readonly intervalMs = KEYFRAME_REQUEST_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  request(): void {
    if (this.#timer) {
      this.#coalesced++;
      return;
    }
    const wait = this.#lastAt + this.intervalMs - this.now();
    if (wait <= 0) return this.#fire();
    this.#coalesced++;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#fire();
    }, wait);
  }

  #fire(): void {
    this.#lastAt = this.now();
    this.#sent++;
    this.send();
  }

  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  toJSON(): { sent: number; coalesced: number } {
    return { sent: this.#sent, coalesced: this.#coalesced };
  }
}
