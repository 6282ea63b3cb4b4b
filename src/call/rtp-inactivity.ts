import { ConfigError } from "../errors";
import { systemClock, type Clock, type TimerHandle } from "../rtp/clock";

/** Options of {@link RtpInactivityWatch}. */
export interface RtpInactivityOptions {
  /** Silence that counts as a dead call, > 0. */
  timeoutMs: number;
  /** Called once, when no packet came for `timeoutMs` while watching. */
  onTimeout: (silentMs: number) => void;
  clock?: Clock;
}

/**
 * Notices a call whose media stopped: `packet()` on every RTP packet of any medium; `onTimeout`
 * fires when none came for `timeoutMs` while watching. `pause()` (hold) stops watching; `watch()`
 * starts again with a full timeout, so a hold never counts towards it.
 *
 * @remarks One timer at a time: when it fires early (packets came meanwhile) it is re-armed for
 * the rest, so a packet costs one clock read and no timer work.
 */
export class RtpInactivityWatch {
  private readonly clock: Clock;
  private last = 0;
  private timer: TimerHandle | undefined;
  private fired = false;
  private closed = false;

  constructor(private readonly o: RtpInactivityOptions) {
    if (!(o.timeoutMs > 0)) throw new ConfigError(`rtpTimeoutMs: expected > 0, got ${o.timeoutMs}`);
    this.clock = o.clock ?? systemClock;
  }

  /** Records an RTP packet. */
  packet(): void {
    this.last = this.clock.now();
  }

  /** Starts (or restarts) watching, counting from now. */
  watch(): void {
    if (this.closed || this.fired) return;
    this.last = this.clock.now();
    if (this.timer === undefined) this.arm(this.o.timeoutMs);
  }

  /** Stops watching until the next watch(). */
  pause(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  get watching(): boolean {
    return this.timer !== undefined;
  }

  private arm(ms: number): void {
    this.timer = this.clock.setTimeout(() => this.check(), ms);
  }

  private check(): void {
    this.timer = undefined;
    if (this.closed) return;
    const silent = this.clock.now() - this.last;
    if (silent >= this.o.timeoutMs) {
      this.fired = true;
      this.o.onTimeout(silent);
    } else {
      this.arm(this.o.timeoutMs - silent);
    }
  }

  close(): void {
    this.closed = true;
    this.pause();
  }
}
