/** An RTP timestamp of one source and the instant of our clock it stands for. */
export interface ArrivalAnchorValue {
  ssrc: number;
  rtpTimestamp: number;
  /** Milliseconds on the clock the arrival times were read from. */
  atMs: number;
}

/**
 * Estimates from arrival times which instant of our clock an RTP timestamp of one source
 * stands for: the stand-in for the peer's RTCP sender report when it sends none (yet).
 *
 * @remarks
 * For each packet, transit = arrival − timestamp/clockRate (in ms, up to a constant). Network
 * delay only ever adds to it, so the smallest transit seen is the packet that came with the least
 * delay, and "timestamp T arrived at T/clockRate + min transit" is the source's timeline moved
 * onto ours with the jitter taken out. Two streams mapped this way share our clock, which is what
 * ffmpeg needs to line them up. The minimum is taken over the last `windowMs` (two half-window
 * buckets), so that clock drift between the peer and us over a long call does not leave an old
 * minimum behind. A new SSRC starts over.
 */
export class ArrivalAnchor {
  readonly #clockRate: number;
  readonly #halfWindowMs: number;
  #ssrc: number | undefined;
  #lastTimestamp = 0;
  /** Timestamp of the last packet relative to the first, unwrapped (ticks). */
  #unwrapped = 0;
  #bucketStart = 0;
  #current = Infinity;
  #previous = Infinity;

  constructor(clockRate: number, windowMs = 4000) {
    this.#clockRate = clockRate;
    this.#halfWindowMs = windowMs / 2;
  }

  /** Accounts one received packet of `ssrc` with RTP `timestamp`, arrived at `arrivalMs`. */
  update(ssrc: number, timestamp: number, arrivalMs: number): void {
    const ts = timestamp >>> 0;
    if (ssrc !== this.#ssrc) {
      this.#ssrc = ssrc;
      this.#unwrapped = 0;
      this.#current = Infinity;
      this.#previous = Infinity;
      this.#bucketStart = arrivalMs;
    } else {
      // Read the step as a signed 32-bit number: survives the wrap at 2^32 and packets out of order.
      this.#unwrapped += (ts - this.#lastTimestamp) | 0;
    }
    this.#lastTimestamp = ts;
    if (arrivalMs - this.#bucketStart >= this.#halfWindowMs) {
      this.#previous = this.#current;
      this.#current = Infinity;
      this.#bucketStart = arrivalMs;
    }
    this.#current = Math.min(this.#current, arrivalMs - (this.#unwrapped * 1000) / this.#clockRate);
  }

  /** The last packet's timestamp and when it would have arrived with the least delay seen; undefined before any packet. */
  value(): ArrivalAnchorValue | undefined {
    const transit = Math.min(this.#current, this.#previous);
    if (this.#ssrc === undefined || transit === Infinity) return undefined;
    return { ssrc: this.#ssrc, rtpTimestamp: this.#lastTimestamp, atMs: transit + (this.#unwrapped * 1000) / this.#clockRate };
  }
}
