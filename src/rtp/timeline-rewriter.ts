import { seqDelta } from "./jitter-buffer";

/** Signed distance from a to b in 32-bit RTP timestamp space. */
export function timestampDelta(a: number, b: number): number {
  return ((b >>> 0) - (a >>> 0)) | 0;
}

/** A sequence step beyond this (forward) is a restart of the stream, not loss (RFC 3550 A.1's MAX_DROPOUT). */
export const MAX_SEQ_DROPOUT = 3000;
/** A sequence step this far back or further is a restart, not a reordered packet (RFC 3550 A.1's MAX_MISORDER). */
export const MAX_SEQ_MISORDER = 100;
/**
 * A timestamp that disagrees with the packet's arrival time by more than this many seconds starts a
 * new timeline. Loose on purpose: network stalls and bursts, B-frames (timestamps go back a few frames
 * in sending order) and a peer that keeps its clock running through a pause all stay well within it,
 * while a restart picks a new random base (2^32 ticks: hours even at 90 kHz).
 */
export const MAX_TIMESTAMP_DRIFT_S = 3;
/** Packets of the SSRC just left are dropped for this long after the change (they arrived late). */
export const STRAGGLER_MS = 1000;
/** The arrival line is the least-delayed packet of the last 2–4 s (two buckets of this length). */
const TRANSIT_BUCKET_MS = 2000;
/**
 * A new timeline whose first packet comes within one frame plus this of the last one's place on the
 * arrival line is taken to follow on seamlessly (a switch with no gap); later, the gap is measured.
 */
export const SEAMLESS_MS = 60;
/** After a rebase, the new timeline's own arrival line is measured this long, then its gap corrected (forward only). */
export const SETTLE_MS = 1000;
/** A new source placed by the caller comes at least this long after the last output timestamp. */
const PLACE_AFTER_MS = 5;
/** A source that comes back at most this far behind the last output timestamp still takes up its offset (moved just after it). */
const RESUME_BEHIND_MS = 200;
/** Timestamp offsets of this many sources left are kept, for a source that comes back. */
const REMEMBERED_SOURCES = 8;

/** Options of {@link TimelineRewriter}. */
export interface TimelineRewriterOptions {
  /**
   * The marker bit ends a frame (video: RFC 6184, RFC 7741), so a packet after one without it
   * continues the same frame and keeps its timestamp. Otherwise (audio) every packet is a frame of its own.
   */
  markerEndsFrame?: boolean;
}

/** What the rewriter did to one packet. */
export interface Rewritten {
  ssrc: number;
  seq: number;
  timestamp: number;
  /** This packet started a new input timeline (SSRC change, sequence or timestamp jump). */
  rebased: boolean;
}

/** Counters of a {@link TimelineRewriter}. */
export interface TimelineRewriterJson {
  outputSsrc: number | undefined;
  /** Input SSRC changes, sequence rebases and timestamp rebases so far. */
  ssrcChanges: number;
  seqRebases: number;
  timestampRebases: number;
  /** Late packets of a timeline already left, dropped. */
  stragglers: number;
  /** Rebases whose gap was corrected once the new timeline settled (see SETTLE_MS). */
  settled: number;
  /** Sources that came back and went on with the timestamp offset they had. */
  resumed: number;
  /** New sources put where the caller said (the `placeAt` of rewrite()). */
  placed: number;
}

/**
 * Keeps one forwarded RTP stream on a single continuous timeline whatever the source does: one output
 * SSRC, sequence numbers that go on by +1, timestamps that go on at the wall-clock pace — in the idea
 * of Janus's RTP "switching context".
 *
 * @remarks
 * The first packet's SSRC, sequence and timestamp pass unchanged (offsets 0), so a well-behaved
 * peer's stream, and its RTCP SRs, reach the consumer as they are. From then on each packet's
 * sequence number and timestamp get an offset:
 * - a new SSRC, a sequence step over {@link MAX_SEQ_DROPOUT} forward or {@link MAX_SEQ_MISORDER}
 *   back, or a timestamp rebase: the sequence continues at the last output number + 1;
 * - a timestamp (with the current offset) more than {@link MAX_TIMESTAMP_DRIFT_S} away from where
 *   its arrival time puts it: the timestamp continues from the last one by the time that passed.
 * Within those bounds offsets are kept, so reordered packets, loss and B-frames map as they came;
 * a new SSRC whose timestamps happen to continue the old ones keeps the timestamp offset too.
 * A source that comes back after another one (the peer's video after a stand-in picture) takes up
 * the timestamp offset it had when it was left, when that lands within the drift bound and not
 * more than 200 ms before the last output timestamp (then just after it): its timeline, and so its
 * sync with the other media, is where it was.
 *
 * "The time that passed" is read on the arrival line, not from one packet's arrival: for each
 * packet, transit = arrival − timestamp/clockRate; the smallest transit of the last seconds is the
 * least-delayed packet, and "arrival − that transit" is the timestamp a packet arriving now would
 * have without delay. A single arrival carries the sender's burstiness (ffmpeg sends two 20 ms audio
 * packets every 40 ms: +20 ms of A/V offset per rebase, measured), the line does not; the step is
 * then rounded down to whole frames (the last timestamp step: a packet is never early, only late),
 * and a packet that continues a video frame (no marker before it) may stay on that frame's
 * timestamp. Both media of a call rebase on the same clock, which keeps them in sync.
 * Pass each packet's arrival time, not the time it left a jitter buffer.
 */
export class TimelineRewriter {
  readonly #clockRate: number;
  readonly #markerEndsFrame: boolean;
  #outputSsrc: number | undefined;
  #inputSsrc: number | undefined;
  #previousSsrc: number | undefined;
  #switchedAtMs = 0;
  #seqOffset = 0;
  #tsOffset = 0;
  #lastInSeq = 0;
  #lastOutSeq = 0;
  #lastOutTs = 0;
  /** The last output timestamp unwrapped (ticks since the first packet). */
  #lastOutUnwrapped = 0;
  /** The last positive step between consecutive output timestamps below 1 s (one frame), or 0. */
  #frameTicks = 0;
  #lastMarker = true;
  #transit = { bucketStartMs: 0, current: Infinity, previous: Infinity };
  /** After a rebase: the old line's transit, and the least transit of the new timeline so far, until `untilMs`. */
  #settle: { untilMs: number; lineMs: number; leastMs: number } | undefined;
  /** The timestamp offset each source had when it was left (at most REMEMBERED_SOURCES). */
  readonly #leftOffsets = new Map<number, number>();
  #stats = { ssrcChanges: 0, seqRebases: 0, timestampRebases: 0, stragglers: 0, settled: 0, resumed: 0, placed: 0 };

  constructor(clockRate: number, options: TimelineRewriterOptions = {}) {
    if (!(clockRate > 0)) throw new RangeError(`TimelineRewriter: clockRate must be > 0, got ${clockRate}`);
    this.#clockRate = clockRate;
    this.#markerEndsFrame = options.markerEndsFrame === true;
  }

  /** Whether a rebase happened: the peer's SRs then no longer describe the output timeline. */
  get rebased(): boolean {
    return this.#stats.seqRebases + this.#stats.timestampRebases + this.#stats.ssrcChanges > 0;
  }

  /**
   * The SSRC, sequence number and timestamp one packet of `ssrc` gets on the output, arrived at
   * `arrivalMs`; undefined for a straggler of a timeline already left (drop it): a packet of the
   * previous SSRC within {@link STRAGGLER_MS} of the change, or a reordered packet (a little behind)
   * whose timestamp belongs to the old timeline. Rebasing for those would flip the output back and forth.
   * `placeAt`: for the first packet of a new source, the output timestamp it should get when the
   * caller knows it better than arrival times do (moved to just after the last output if it is not
   * after it; ignored when that is beyond the drift bound of the line).
   */
  rewrite(ssrc: number, seq: number, timestamp: number, arrivalMs: number, marker = false, placeAt?: number): Rewritten | undefined {
    ssrc >>>= 0;
    seq &= 0xffff;
    timestamp >>>= 0;
    if (this.#outputSsrc === undefined || this.#inputSsrc === undefined) {
      this.#outputSsrc = ssrc;
      this.#inputSsrc = ssrc;
      this.#lastInSeq = seq;
      this.#lastOutSeq = seq;
      this.#lastOutTs = timestamp;
      this.#transit.bucketStartMs = arrivalMs;
      return this.#emit(seq, timestamp, arrivalMs, marker, false, true);
    }
    if (ssrc === this.#previousSsrc && arrivalMs - this.#switchedAtMs < STRAGGLER_MS) return this.#straggler();
    const newSource = ssrc !== this.#inputSsrc;
    const step = seqDelta(this.#lastInSeq, seq);
    const lineTicks = this.#lineTicks(arrivalMs);
    if (newSource) this.#resumeOffset(ssrc, timestamp, lineTicks);
    if (newSource && placeAt !== undefined) this.#placeAt(timestamp, placeAt >>> 0, lineTicks);
    const drift = this.#lastOutUnwrapped + timestampDelta(this.#lastOutTs, timestamp + this.#tsOffset) - lineTicks;
    const jumped = Math.abs(drift) > MAX_TIMESTAMP_DRIFT_S * this.#clockRate;
    if (jumped && !newSource && step < 0 && step > -MAX_SEQ_MISORDER) return this.#straggler();
    if (newSource) {
      this.#stats.ssrcChanges++;
      this.#previousSsrc = this.#inputSsrc;
      this.#switchedAtMs = arrivalMs;
      this.#inputSsrc = ssrc;
    }
    let rebased = newSource;
    if (jumped) {
      this.#tsOffset = timestampDelta(timestamp, (this.#lastOutTs + this.#elapsedTicks(lineTicks)) >>> 0);
      this.#stats.timestampRebases++;
      const t = this.#transit;
      this.#settle = { untilMs: arrivalMs + SETTLE_MS, lineMs: Math.min(t.current, t.previous), leastMs: Infinity };
      rebased = true;
    }
    if (rebased || step > MAX_SEQ_DROPOUT || step <= -MAX_SEQ_MISORDER) {
      this.#seqOffset = seqDelta(seq, (this.#lastOutSeq + 1) & 0xffff);
      this.#stats.seqRebases++;
      rebased = true;
    }
    return this.#emit(seq, timestamp, arrivalMs, marker, rebased);
  }

  /**
   * The output's SSRC and RTP timestamp for a sender report of `ssrc` about `timestamp`, or undefined
   * when the SR is not about the current input source (it says nothing about the output timeline).
   */
  mapReport(ssrc: number, timestamp: number): { ssrc: number; timestamp: number } | undefined {
    if (this.#outputSsrc === undefined) return { ssrc: ssrc >>> 0, timestamp: timestamp >>> 0 };
    if (ssrc >>> 0 !== this.#inputSsrc) return undefined;
    return { ssrc: this.#outputSsrc, timestamp: (timestamp + this.#tsOffset) >>> 0 };
  }

  /** Whether RTCP of `ssrc` is about the current input source (or no source was seen yet). */
  isCurrentSource(ssrc: number): boolean {
    return this.#inputSsrc === undefined || ssrc >>> 0 === this.#inputSsrc;
  }

  toJSON(): TimelineRewriterJson {
    return { outputSsrc: this.#outputSsrc, ...this.#stats };
  }

  /**
   * At a change to `ssrc`: remembers the offset of the source left, and takes up the one `ssrc` had
   * if it was seen before and that puts `timestamp` after the last output and near the line.
   */
  #resumeOffset(ssrc: number, timestamp: number, lineTicks: number): void {
    if (this.#inputSsrc !== undefined) {
      this.#leftOffsets.delete(this.#inputSsrc);
      this.#leftOffsets.set(this.#inputSsrc, this.#tsOffset);
      if (this.#leftOffsets.size > REMEMBERED_SOURCES) this.#leftOffsets.delete(this.#leftOffsets.keys().next().value as number);
    }
    const offset = this.#leftOffsets.get(ssrc);
    if (offset === undefined) return;
    const step = timestampDelta(this.#lastOutTs, timestamp + offset);
    if (step < -(RESUME_BEHIND_MS * this.#clockRate) / 1000 || Math.abs(this.#lastOutUnwrapped + step - lineTicks) > MAX_TIMESTAMP_DRIFT_S * this.#clockRate) return;
    // The source in between may have run a little ahead (an encoder's first frame comes late, and
    // it is placed by that arrival): then just after its last output, a few ms later than before.
    const minimum = Math.ceil((PLACE_AFTER_MS * this.#clockRate) / 1000);
    this.#tsOffset = (offset + Math.max(0, minimum - step)) | 0;
    this.#stats.resumed++;
  }

  /**
   * A new source whose first packet the caller knows the place of (from the media's sync, see
   * RepublishAttempt): its timestamp goes to `placeAt` when that is after the last output and
   * within the drift bound of the line.
   */
  #placeAt(timestamp: number, placeAt: number, lineTicks: number): void {
    // Never at or before the last output: at least PLACE_AFTER_MS after it (a millisecond-based muxer, FLV, must see a step).
    const step = Math.max(timestampDelta(this.#lastOutTs, placeAt), Math.ceil((PLACE_AFTER_MS * this.#clockRate) / 1000));
    if (Math.abs(this.#lastOutUnwrapped + step - lineTicks) > MAX_TIMESTAMP_DRIFT_S * this.#clockRate) return;
    this.#tsOffset = timestampDelta(timestamp, (this.#lastOutTs + step) >>> 0);
    this.#stats.placed++;
  }

  #straggler(): undefined {
    this.#stats.stragglers++;
    return undefined;
  }

  /** The unwrapped output timestamp a packet arriving at `arrivalMs` would have without delay. */
  #lineTicks(arrivalMs: number): number {
    const t = this.#transit;
    return ((arrivalMs - Math.min(t.current, t.previous)) * this.#clockRate) / 1000;
  }

  /**
   * Ticks from the last output timestamp to the next, for a packet on the line at `lineTicks`: the
   * next frame when it comes about when the next frame would (see {@link SEAMLESS_MS}), else the
   * whole frames that passed, rounded down.
   */
  #elapsedTicks(lineTicks: number): number {
    const elapsed = Math.max(0, lineTicks - this.#lastOutUnwrapped);
    const newFrame = !this.#markerEndsFrame || this.#lastMarker;
    const frame = this.#frameTicks;
    const minimum = newFrame ? Math.max(1, frame) : 0;
    if (elapsed <= minimum + (SEAMLESS_MS * this.#clockRate) / 1000) return minimum;
    if (frame <= 0) return Math.round(elapsed);
    return Math.max(minimum, Math.floor(elapsed / frame) * frame);
  }

  /**
   * Settling after a rebase: measures the new timeline's least transit instead of feeding the line;
   * at the end, when its packets came later than their place says (a gap the first packet could not
   * show), moves the timeline forward by the whole frames of that gap. Never back: the output stays
   * monotonic. Returns whether it moved the timeline.
   */
  #noteSettling(transitMs: number, arrivalMs: number): boolean {
    const settle = this.#settle;
    if (!settle) return false;
    if (arrivalMs < settle.untilMs) {
      settle.leastMs = Math.min(settle.leastMs, transitMs);
      return false;
    }
    this.#settle = undefined;
    const lateMs = settle.leastMs - settle.lineMs;
    const frameMs = (Math.max(1, this.#frameTicks) * 1000) / this.#clockRate;
    const frames = Math.floor((lateMs + frameMs / 2) / frameMs);
    if (frames > 0 && Number.isFinite(lateMs)) {
      this.#tsOffset = (this.#tsOffset + frames * Math.max(1, this.#frameTicks)) | 0;
      this.#stats.settled++;
      return true;
    }
    return false;
  }

  #emit(seq: number, timestamp: number, arrivalMs: number, marker: boolean, rebased: boolean, first = false): Rewritten {
    const corrected = this.#settle !== undefined && !rebased && this.#noteSettling(arrivalMs - this.#unwrappedMs(timestamp), arrivalMs);
    const outSeq = (seq + this.#seqOffset) & 0xffff;
    const outTs = (timestamp + this.#tsOffset) >>> 0;
    // Only a packet that moves the stream forward is the reference for the next ones (not a reordered one).
    if (first || rebased || seqDelta(this.#lastOutSeq, outSeq) > 0) {
      const step = timestampDelta(this.#lastOutTs, outTs);
      // A rebase's or a correction's step is not a frame's.
      if (!rebased && !corrected && step > 0 && step < this.#clockRate) this.#frameTicks = step;
      this.#lastOutUnwrapped += step;
      this.#lastInSeq = seq;
      this.#lastOutSeq = outSeq;
      this.#lastOutTs = outTs;
      this.#lastMarker = marker;
      const transitMs = arrivalMs - (this.#lastOutUnwrapped * 1000) / this.#clockRate;
      if (!this.#settle) this.#noteTransit(transitMs, arrivalMs);
      else if (rebased) this.#settle.leastMs = Math.min(this.#settle.leastMs, transitMs);
    }
    return { ssrc: this.#outputSsrc ?? 0, seq: outSeq, timestamp: outTs, rebased };
  }

  /** Where an input timestamp lands on the unwrapped output timeline, in ms. */
  #unwrappedMs(timestamp: number): number {
    return ((this.#lastOutUnwrapped + timestampDelta(this.#lastOutTs, timestamp + this.#tsOffset)) * 1000) / this.#clockRate;
  }

  #noteTransit(transitMs: number, arrivalMs: number): void {
    const t = this.#transit;
    if (arrivalMs - t.bucketStartMs >= TRANSIT_BUCKET_MS) {
      t.previous = t.current;
      t.current = Infinity;
      t.bucketStartMs = arrivalMs;
    }
    t.current = Math.min(t.current, transitMs);
  }
}
