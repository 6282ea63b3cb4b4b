/** Indices remembered behind the highest one (libsrtp's default window size). */
export const REPLAY_WINDOW_SIZE = 128;

const WINDOW_MASK = (1n << BigInt(REPLAY_WINDOW_SIZE)) - 1n;

/**
 * The replay list of RFC 3711 §3.3.2 for one source: the highest packet index seen and which of
 * the REPLAY_WINDOW_SIZE indices below it arrived. A packet is taken once; one older than the
 * window is refused. Only authenticated packets may be recorded (else a forged index would move
 * the window).
 */
export class ReplayWindow {
  #highest = -1;
  /** Bit i: index `highest - i` arrived. */
  #seen = 0n;

  /** Records `index` and returns true when it is new; false for a replay or one too old. */
  accept(index: number): boolean {
    if (index > this.#highest) {
      const shift = this.#highest < 0 ? REPLAY_WINDOW_SIZE : index - this.#highest;
      this.#seen = shift >= REPLAY_WINDOW_SIZE ? 1n : ((this.#seen << BigInt(shift)) | 1n) & WINDOW_MASK;
      this.#highest = index;
      return true;
    }
    const age = this.#highest - index;
    if (age >= REPLAY_WINDOW_SIZE) return false;
    const bit = 1n << BigInt(age);
    if (this.#seen & bit) return false;
    this.#seen |= bit;
    return true;
  }
}

/** A ReplayWindow per SSRC, at most `maxSources` of them (the oldest is forgotten). */
export class ReplayWindows {
  readonly #windows = new Map<number, ReplayWindow>();

  constructor(private readonly maxSources: number) {}

  accept(ssrc: number, index: number): boolean {
    let window = this.#windows.get(ssrc);
    if (!window) {
      if (this.#windows.size >= this.maxSources) this.#windows.delete(this.#windows.keys().next().value as number);
      this.#windows.set(ssrc, (window = new ReplayWindow()));
    }
    return window.accept(index);
  }
}
