import { ConfigError } from "../errors";

/**
 * A bad network between the test meeting and its caller: what the peer's relay does to each
 * datagram it sends to the caller.
 */
export interface ImpairmentOptions {
  /** Probability (0 ≤ lossRate < 1) that a datagram is dropped; 0.02 is 2 % loss. */
  lossRate: number;
  /**
   * Each datagram that is not dropped waits a uniformly random whole number of milliseconds in
   * 0..jitterMs (0..1000) before it is sent, so later datagrams can overtake earlier ones.
   */
  jitterMs: number;
  /** Seed of the pseudo-random generator (an integer; default 1): the same seed drops and delays the same datagrams. */
  seed?: number;
  /**
   * Send the caller no RTCP at all (no sender reports), as some SIP phones and gateways do, so that
   * the caller must time the media on its own (default false).
   */
  withholdRtcp?: boolean;
}

/** Timer functions the impairment schedules delayed datagrams with (injected by tests). */
export interface ImpairmentTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What an {@link Impairment} did so far. */
export interface ImpairmentStats {
  /** Datagrams pushed in. */
  received: number;
  dropped: number;
  /** Datagrams handed to `send` (after their delay). */
  sent: number;
  /** Datagrams waiting for their delay (cancelled by close()). */
  pending: number;
  /** Datagrams sent before one that was pushed earlier. */
  reordered: number;
}

/** Default seed when the options give none. */
export const DEFAULT_IMPAIRMENT_SEED = 1;

/** Throws ConfigError unless `o` is a usable impairment. */
export function validateImpairment(o: ImpairmentOptions, name = "impairment"): void {
  if (!(Number.isFinite(o.lossRate) && o.lossRate >= 0 && o.lossRate < 1)) throw new ConfigError(`${name}.lossRate: must be in [0, 1), got ${o.lossRate}`);
  if (!(Number.isInteger(o.jitterMs) && o.jitterMs >= 0 && o.jitterMs <= 1000)) throw new ConfigError(`${name}.jitterMs: must be a whole number in 0..1000, got ${o.jitterMs}`);
  if (o.seed !== undefined && !Number.isSafeInteger(o.seed)) throw new ConfigError(`${name}.seed: must be an integer, got ${o.seed}`);
  if (o.withholdRtcp !== undefined && typeof o.withholdRtcp !== "boolean") throw new ConfigError(`${name}.withholdRtcp: must be true or false`);
}

/**
 * A seeded generator of numbers in [0, 1) (mulberry32). Written here because Math.random cannot
 * be seeded and a package is not worth six lines; statistical quality is ample for dropping packets.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The options for stream number `stream` (0, 1, …) of several impaired alike: the same loss and
 * jitter from a seed of its own, so that each stream draws its own numbers.
 */
export function forStream(o: ImpairmentOptions, stream: number): ImpairmentOptions {
  return { ...o, seed: (o.seed ?? DEFAULT_IMPAIRMENT_SEED) * 16 + stream };
}

const systemTimers: ImpairmentTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Drops and delays items (datagrams) the way a lossy, jittery network does, deterministically for
 * a given seed and order of items.
 *
 * @remarks
 * One generator call decides loss and, for a kept item, a second one its delay, so the fate of the
 * n-th item depends only on the seed and n — not on timing. Use one Impairment per datagram
 * stream for the same reason (see {@link forStream}). Delays are whole milliseconds; an item whose
 * delay is 0 is sent synchronously (overtaking any still waiting, as on a network). `close()`
 * cancels every pending delay: nothing is sent after it.
 */
export class Impairment<T = Buffer> {
  readonly #random: () => number;
  readonly #timers: ImpairmentTimers;
  readonly #pending = new Map<number, unknown>();
  #stats: ImpairmentStats = { received: 0, dropped: 0, sent: 0, pending: 0, reordered: 0 };
  /** Arrival index of the newest item sent, to count reordering. */
  #lastSentIndex = -1;
  #closed = false;

  constructor(
    private readonly options: ImpairmentOptions,
    deps: { random?: () => number; timers?: ImpairmentTimers } = {},
  ) {
    validateImpairment(options);
    this.#random = deps.random ?? seededRandom(options.seed ?? DEFAULT_IMPAIRMENT_SEED);
    this.#timers = deps.timers ?? systemTimers;
  }

  /** Drops `item`, or passes it to `send` after its random delay. Ignored after close(). */
  push(item: T, send: (item: T) => void): void {
    if (this.#closed) return;
    const index = this.#stats.received++;
    if (this.#random() < this.options.lossRate) {
      this.#stats.dropped++;
      return;
    }
    const delay = this.options.jitterMs === 0 ? 0 : Math.floor(this.#random() * (this.options.jitterMs + 1));
    if (delay === 0) return this.#send(index, item, send);
    const handle = this.#timers.setTimeout(() => {
      this.#pending.delete(index);
      this.#send(index, item, send);
    }, delay);
    this.#pending.set(index, handle);
  }

  #send(index: number, item: T, send: (item: T) => void): void {
    if (index < this.#lastSentIndex) this.#stats.reordered++;
    else this.#lastSentIndex = index;
    this.#stats.sent++;
    send(item);
  }

  toJSON(): ImpairmentStats {
    return { ...this.#stats, pending: this.#pending.size };
  }

  /** Cancels every pending send; later pushes are ignored. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const handle of this.#pending.values()) this.#timers.clearTimeout(handle);
    this.#pending.clear();
  }
}
