import type { Logger, LogLevel } from "./logger";

/** Options of {@link RepeatLimiter}. */
export interface RepeatLimitOptions {
  /** How many of one message pass per interval before the rest are only counted (default 5). */
  burst?: number;
  /** Length of a counting interval in ms (default 10000). */
  intervalMs?: number;
  /** Most distinct messages tracked at once; the oldest is summarized and dropped beyond it (default 256). */
  maxKeys?: number;
  /** Clock, injectable for tests (default Date.now). */
  now?: () => number;
}

/** The default burst and interval, also what the engine uses per call. */
export const REPEAT_LIMIT_DEFAULTS = { burst: 5, intervalMs: 10_000, maxKeys: 256 } as const;

interface Tally {
  level: LogLevel;
  category: string;
  since: number;
  count: number;
  suppressed: number;
  last: string;
}

/**
 * A logger that lets the first few of a repeated message through and then only counts them:
 * an ffmpeg that prints the same warning hundreds of times a second gives `burst` lines and, once
 * per interval, one summary line `<last message> (… repeated N more times in T s)`.
 *
 * @remarks
 * Messages count as the same when they differ only in their numbers (ffmpeg's storms do: "RTP:
 * missed 3 packets", "… 0x55d1c3a0 …"). No timer runs: the summary of an interval is written by
 * the next log call after it ends, or by {@link flush} (call it when the call closes).
 */
export class RepeatLimiter implements Logger {
  readonly #inner: Logger;
  readonly #burst: number;
  readonly #intervalMs: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  readonly #tallies = new Map<string, Tally>();
  #lastSweep = 0;

  constructor(inner: Logger, o: RepeatLimitOptions = {}) {
    this.#inner = inner;
    this.#burst = o.burst ?? REPEAT_LIMIT_DEFAULTS.burst;
    this.#intervalMs = o.intervalMs ?? REPEAT_LIMIT_DEFAULTS.intervalMs;
    this.#maxKeys = o.maxKeys ?? REPEAT_LIMIT_DEFAULTS.maxKeys;
    this.#now = o.now ?? Date.now;
  }

  log(level: LogLevel, category: string, message: string): void {
    const now = this.#now();
    this.#sweep(now);
    const key = `${level} ${category} ${message.replace(/0x[0-9a-f]+|\d+/gi, "#")}`;
    let tally = this.#tallies.get(key);
    if (tally && now - tally.since >= this.#intervalMs) {
      this.#summarize(tally, now);
      this.#tallies.delete(key);
      tally = undefined;
    }
    if (!tally) {
      tally = { level, category, since: now, count: 0, suppressed: 0, last: message };
      this.#tallies.set(key, tally);
      if (this.#tallies.size > this.#maxKeys) this.#evictOldest(now);
    }
    tally.count++;
    tally.last = message;
    if (tally.count <= this.#burst) this.#inner.log(level, category, message);
    else tally.suppressed++;
  }

  /** Writes the summary of every message still being counted and forgets them. */
  flush(): void {
    const now = this.#now();
    for (const tally of this.#tallies.values()) this.#summarize(tally, now);
    this.#tallies.clear();
  }

  /** At most once per interval: summarizes and drops the tallies whose interval is over. */
  #sweep(now: number): void {
    if (now - this.#lastSweep < this.#intervalMs) return;
    this.#lastSweep = now;
    for (const [key, tally] of this.#tallies) {
      if (now - tally.since < this.#intervalMs) continue;
      this.#summarize(tally, now);
      this.#tallies.delete(key);
    }
  }

  #evictOldest(now: number): void {
    const [key, tally] = this.#tallies.entries().next().value as [string, Tally];
    this.#summarize(tally, now);
    this.#tallies.delete(key);
  }

  #summarize(tally: Tally, now: number): void {
    if (tally.suppressed === 0) return;
    const seconds = Math.max(1, Math.round((now - tally.since) / 1000));
    this.#inner.log(tally.level, tally.category, `${tally.last} (… repeated ${tally.suppressed} more times in ${seconds} s)`);
  }
}
