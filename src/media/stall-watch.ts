import { ConfigError } from "../errors";

/** Default of `publishStallTimeoutMs`: long enough for a keyframe wait and a slow RTMP handshake, short enough to notice soon. */
export const DEFAULT_STALL_TIMEOUT_MS = 5000;
/** Largest `publishStallTimeoutMs` (10 minutes). */
export const MAX_STALL_TIMEOUT_MS = 600_000;

/**
 * Checks `publishStallTimeoutMs` once, at the engine's boundary.
 * @returns the value, or the default when absent.
 * @throws ConfigError naming the field.
 */
export function resolveStallTimeoutMs(value: number | undefined, field = "publishStallTimeoutMs"): number {
  if (value === undefined) return DEFAULT_STALL_TIMEOUT_MS;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > MAX_STALL_TIMEOUT_MS) {
    throw new ConfigError(`${field}: expected an integer number of ms from 0 (off) to ${MAX_STALL_TIMEOUT_MS}, got ${String(value)}`);
  }
  return value;
}

/** One look at an output: what its writer reported last and how many RTP packets the call has received so far. */
export interface StallSample {
  now: number;
  /** ffmpeg's last out_time (ms), null when it has reported none. */
  outTimeMs: number | null;
  /** ffmpeg's last total_size (bytes), null when it has reported none. */
  totalSize: number | null;
  /** RTP packets received for this output so far (a counter that only grows). */
  inputPackets: number;
}

/** Options of {@link StallWatch}. */
export interface StallWatchOptions {
  /** A timeline still this long while media arrives is a stall; 0 never decides one. */
  stallMs: number;
  /** Input counts as absent when no packet came for this long (hold, a silent peer). */
  idleMs: number;
  /**
   * Allowance before the first output (out_time > 0): ffmpeg may wait for the
   * peer's first keyframe and the server's handshake first. Default: the larger of stallMs and 15000.
   */
  startMs?: number;
}

/** Default allowance before an output's first write (the watchdog's former stall timeout). */
export const STALL_START_ALLOWANCE_MS = 15_000;

/**
 * Decides whether an output has stalled: its published timeline (out_time and bytes written)
 * has not advanced for `stallMs` while RTP kept arriving.
 *
 * @remarks Pure: samples in, verdict out, no timers. A peer that sends nothing (on hold, or gone:
 * that is the call's RTP timeout) is never a stall — the stall clock only runs while packets come,
 * and restarts from the moment they return.
 */
export class StallWatch {
  readonly #o: StallWatchOptions;
  #outTime = -1;
  #size = -1;
  #input = -1;
  #inputAt = 0;
  #advanceAt = 0;

  constructor(o: StallWatchOptions, now: number) {
    this.#o = o;
    this.#advanceAt = now;
    this.#inputAt = now;
  }

  /** Milliseconds the timeline has been still while media arrived, as of the last sample. */
  stillForMs(now: number): number {
    return now - this.#advanceAt;
  }

  /** Takes a sample; true when the output has stalled. */
  sample(s: StallSample): boolean {
    if (s.inputPackets !== this.#input) {
      if (this.#input < 0) this.#inputAt = s.now;
      else {
        // Media came back after a pause: the output had no reason to move meanwhile.
        if (s.now - this.#inputAt >= this.#o.idleMs) this.#advanceAt = s.now;
        this.#inputAt = s.now;
      }
      this.#input = s.inputPackets;
    }
    const out = s.outTimeMs ?? -1;
    const size = s.totalSize ?? -1;
    if (out > this.#outTime || size > this.#size) {
      this.#outTime = Math.max(out, this.#outTime);
      this.#size = Math.max(size, this.#size);
      this.#advanceAt = s.now;
    }
    if (s.now - this.#inputAt >= this.#o.idleMs) {
      this.#advanceAt = s.now;
      return false;
    }
    if (this.#o.stallMs <= 0) return false;
    // Bytes alone do not count as begun: the FLV header is written before the first packet.
    const begun = this.#outTime > 0;
    const limit = begun ? this.#o.stallMs : (this.#o.startMs ?? Math.max(this.#o.stallMs, STALL_START_ALLOWANCE_MS));
    return s.now - this.#advanceAt >= limit;
  }
}
