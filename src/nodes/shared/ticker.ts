import { realTimers, type Timers } from "./timers";

/**
 * Calls `tick` every second while running: what refreshes "ESTABLISHED 00:01:23" under a node.
 * `start` while running and `stop` while stopped do nothing.
 */
export class Ticker {
  private handle: unknown;

  constructor(
    private readonly tick: () => void,
    private readonly timers: Timers = realTimers,
    private readonly periodMs = 1000,
  ) {}

  get running(): boolean {
    return this.handle !== undefined;
  }

  start(): void {
    if (this.handle === undefined) this.handle = this.timers.setInterval(this.tick, this.periodMs);
  }

  stop(): void {
    if (this.handle !== undefined) this.timers.clearInterval(this.handle);
    this.handle = undefined;
  }
}

/** `hh:mm:ss` for a duration in milliseconds (negative counts as 0). */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const two = (n: number): string => String(n).padStart(2, "0");
  return `${two(Math.floor(total / 3600))}:${two(Math.floor((total % 3600) / 60))}:${two(total % 60)}`;
}
