import { realTimers, type Timers } from "./timers";

export interface RetryBackoffOptions {
  /** First delay (default 5000 ms). */
  initialMs?: number;
  /** Cap of the doubling delay (default 60000 ms). */
  maxMs?: number;
  timers?: Timers;
}

/**
 * One pending retry at a time, with a delay that doubles from `initialMs` up to `maxMs` and starts
 * over after `reset()` (a success). Used for failed SIP registrations: 5 s, 10 s, 20 s, 40 s, 60 s, 60 s…
 */
export class RetryBackoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly timers: Timers;
  private nextMs: number;
  private handle: unknown;
  private disposed = false;

  constructor(options: RetryBackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 5000;
    this.maxMs = options.maxMs ?? 60000;
    this.timers = options.timers ?? realTimers;
    this.nextMs = this.initialMs;
  }

  /** Whether a retry is waiting. */
  get pending(): boolean {
    return this.handle !== undefined;
  }

  /**
   * Runs `fn` after the current delay, unless a retry is already waiting. Returns the delay used,
   * or undefined when nothing was scheduled.
   */
  schedule(fn: () => void): number | undefined {
    if (this.disposed || this.handle !== undefined) return undefined;
    const delay = this.nextMs;
    this.nextMs = Math.min(this.nextMs * 2, this.maxMs);
    this.handle = this.timers.setTimeout(() => {
      this.handle = undefined;
      fn();
    }, delay);
    return delay;
  }

  /** After a success: the next failure waits `initialMs` again. A waiting retry is cancelled. */
  reset(): void {
    this.cancel();
    this.nextMs = this.initialMs;
  }

  /** Cancels the waiting retry, if any, and refuses new ones. */
  dispose(): void {
    this.cancel();
    this.disposed = true;
  }

  private cancel(): void {
    if (this.handle !== undefined) this.timers.clearTimeout(this.handle);
    this.handle = undefined;
  }
}
