import type { Timers } from "../../../src/nodes/shared/timers";

/** Timers driven by hand: `advance(ms)` runs what falls due, in order. */
export class FakeTimers implements Timers {
  private clock = 0;
  private nextId = 1;
  private readonly pending = new Map<number, { at: number; fn: () => void; every?: number }>();

  now(): number {
    return this.clock;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { at: this.clock + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  setInterval(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { at: this.clock + ms, fn, every: ms });
    return id;
  }

  clearInterval(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** How many timers are waiting. */
  get count(): number {
    return this.pending.size;
  }

  /** The delays of the waiting timers, from now. */
  delays(): number[] {
    return [...this.pending.values()].map((t) => t.at - this.clock);
  }

  advance(ms: number): void {
    const end = this.clock + ms;
    for (;;) {
      const due = [...this.pending.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      const [id, t] = due;
      this.clock = t.at;
      if (t.every !== undefined) t.at += t.every;
      else this.pending.delete(id);
      t.fn();
    }
    this.clock = end;
  }
}
