import type { Clock, TimerHandle } from "../../../src/rtp/clock";

interface FakeTimer {
  at: number;
  fn: () => void;
  interval?: number;
}

/** A Clock whose time moves only in advance(); timers fire in due order, ties by creation. */
export class FakeClock implements Clock {
  #now = 0;
  #nextId = 1;
  readonly #timers = new Map<number, FakeTimer>();

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.#now + ms, fn });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle as number);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.#now + ms, fn, interval: ms });
    return id;
  }

  clearInterval(handle: TimerHandle): void {
    this.#timers.delete(handle as number);
  }

  /** Timers still scheduled. */
  get pending(): number {
    return this.#timers.size;
  }

  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      let dueId: number | undefined;
      let due: FakeTimer | undefined;
      for (const [id, timer] of this.#timers) {
        if (timer.at <= target && (!due || timer.at < due.at)) {
          dueId = id;
          due = timer;
        }
      }
      if (dueId === undefined || !due) break;
      this.#now = due.at;
      if (due.interval !== undefined) due.at += due.interval;
      else this.#timers.delete(dueId);
      due.fn();
    }
    this.#now = target;
  }
}
