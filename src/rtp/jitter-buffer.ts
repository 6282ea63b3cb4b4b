import { ConfigError } from "../errors";
import { type Clock, type TimerHandle, systemClock } from "./clock";

/** What the buffer needs of a packet; anything else (the raw bytes, the parsed packet) rides along. */
export interface BufferedPacket {
  /** RTP sequence number (16 bits). */
  seq: number;
  ssrc: number;
  /** The datagram as received. */
  raw: Buffer;
}

/** Options of {@link JitterBuffer}. */
export interface JitterBufferOptions<T extends BufferedPacket> {
  /** How long a packet may wait behind a missing one (ms); 0 = pass-through. */
  latencyMs: number;
  /** Receives the packets in sequence order. */
  onPacket: (packet: T) => void;
  clock?: Clock;
  /** Held packets beyond this flush the buffer (default 500: 5 s of audio, ~0.5 s of HD video). */
  maxHeld?: number;
  /** A sequence jump larger than this (either way) is a restart of the stream, not a gap (default 1000). */
  maxJump?: number;
}

/** Counters of a {@link JitterBuffer}. */
export interface JitterBufferJson {
  latencyMs: number;
  released: number;
  /** Packets that came after a later one but in time, and were put back in order. */
  reordered: number;
  /** Sequence numbers given up (waited for latencyMs, skipped on overflow, flush or reset). */
  lost: number;
  /** Packets that came after their sequence number was given up: dropped. */
  late: number;
  duplicates: number;
  /** Restarts: a new SSRC or a sequence jump beyond maxJump. */
  resets: number;
  /** Packets held right now, and the most ever held. */
  held: number;
  maxHeld: number;
}

/** Signed distance from a to b in 16-bit sequence space (-32768..32767). */
export function seqDelta(a: number, b: number): number {
  return ((((b - a) & 0xffff) + 0x8000) & 0xffff) - 0x8000;
}

/** Sequence numbers given up are remembered this far back, to tell a late packet from a duplicate. */
const LOST_MEMORY = 1024;

/**
 * This many consecutive sequence numbers that all come behind the expected one are a restart of the
 * stream a little further back (within maxJump), not late packets: without this rule a source that
 * restarts 500 numbers back would have everything dropped as late for 500 packets. Numbers that were
 * given up do not count: those are late packets.
 */
export const RESTART_RUN = 4;

/**
 * A small reorder/jitter buffer for one received RTP stream: packets come out in sequence order;
 * a packet that is missing holds the ones after it until it arrives or until the oldest held
 * packet has waited `latencyMs`, then the gap is given up.
 *
 * @remarks
 * Written by hand because werift-rtp's `JitterBufferBase` (werift-rtp/extra, 0.8.9) loses
 * packets: fed seq 1..12 without 3 (latency 50 ms, 8 kHz) it outputs
 * `1 2 lost(3..4) 4 7 8 …` — 5 and 6 never come out (measured this session) — and it only
 * times out when a newer packet arrives, so a stream that pauses after a loss stays stuck.
 *
 * In-order packets pass at once, without added delay: the latency is only paid on a gap, and
 * once at the start of a stream (and after a reset), where the first packet waits `latencyMs` in
 * case one sent before it was overtaken: an output starts mid-stream, and a packet older than
 * the first one seen would otherwise be dropped as late — maybe the start of the keyframe the
 * output waits for. The timer runs on the injected clock. Late packets (their number was given
 * up) and duplicates are dropped; a new SSRC or a jump beyond `maxJump` releases what is held and
 * starts over at the new packet rather than waiting for the numbers in between, and so do
 * {@link RESTART_RUN} consecutive numbers behind the expected one (a restart a little back); more than
 * `maxHeld` held packets flush (memory stays bounded).
 */
export class JitterBuffer<T extends BufferedPacket> {
  readonly #latencyMs: number;
  readonly #onPacket: (packet: T) => void;
  readonly #clock: Clock;
  readonly #maxHeld: number;
  readonly #maxJump: number;
  /** Held packets by sequence number, each with its arrival time; Map order is arrival order. */
  readonly #held = new Map<number, { packet: T; at: number }>();
  /** Recently given-up sequence numbers (insertion-ordered, bounded). */
  readonly #lostSeqs = new Set<number>();
  /** The stream's SSRC; undefined before the first packet and after a reset. */
  #ssrc: number | undefined;
  /** The sequence number due next; undefined while the stream's first packets wait (starting). */
  #next: number | undefined;
  #timer: TimerHandle | undefined;
  #closed = false;
  /** Consecutive packets that came behind #next, in sequence with each other (a possible restart). */
  #behind: T[] = [];
  #stats = { released: 0, reordered: 0, lost: 0, late: 0, duplicates: 0, resets: 0, maxHeld: 0 };

  constructor(o: JitterBufferOptions<T>) {
    if (!Number.isFinite(o.latencyMs) || o.latencyMs < 0) throw new ConfigError(`JitterBuffer: latencyMs must be >= 0, got ${o.latencyMs}`);
    this.#latencyMs = o.latencyMs;
    this.#onPacket = o.onPacket;
    this.#clock = o.clock ?? systemClock;
    this.#maxHeld = o.maxHeld ?? 500;
    this.#maxJump = o.maxJump ?? 1000;
  }

  /** Takes one received packet; releases it (and whatever it unblocks) now, or holds it. */
  push(packet: T): void {
    if (this.#closed) return;
    if (this.#latencyMs === 0) {
      this.#emit(packet);
      return;
    }
    const seq = packet.seq & 0xffff;
    const reference = this.#next ?? this.#held.keys().next().value;
    const jump = reference !== undefined && Math.abs(seqDelta(reference, seq)) > this.#maxJump;
    if ((this.#ssrc !== undefined && packet.ssrc !== this.#ssrc) || jump) this.#reset();
    this.#ssrc = packet.ssrc;
    const next = this.#next;
    const d = next === undefined ? 1 : seqDelta(next, seq);
    if (d < 0) {
      if (this.#restartsBehind(packet)) return;
      if (this.#lostSeqs.delete(seq)) this.#stats.late++;
      else this.#stats.duplicates++;
      return;
    }
    this.#behind = [];
    if (d === 0) {
      if (this.#held.size > 0) this.#stats.reordered++;
      this.#next = (seq + 1) & 0xffff;
      this.#emit(packet);
      this.#drain();
    } else if (this.#held.has(seq)) {
      this.#stats.duplicates++;
    } else {
      this.#held.set(seq, { packet, at: this.#clock.now() });
      this.#stats.maxHeld = Math.max(this.#stats.maxHeld, this.#held.size);
      if (this.#held.size > this.#maxHeld) this.flush();
      else this.#arm();
    }
  }

  /** Releases everything held now, in order, giving up the gaps (e.g. before the stream ends). */
  flush(): void {
    if (this.#held.size === 0) return;
    this.#next ??= this.#lowestHeldSeq();
    this.#releaseThrough(this.#lastHeldSeq(this.#next));
  }

  /** Drops what is held and stops the timer; later pushes are ignored. Idempotent. */
  close(): void {
    this.#closed = true;
    this.#held.clear();
    this.#disarm();
  }

  toJSON(): JitterBufferJson {
    return { latencyMs: this.#latencyMs, ...this.#stats, held: this.#held.size };
  }

  /**
   * Counts `packet` in the run of consecutive packets behind #next; when the run reaches
   * {@link RESTART_RUN} the stream restarted there: starts over with the run's packets.
   */
  #restartsBehind(packet: T): boolean {
    // A number given up is a late packet, not a restart (a batch that was overtaken comes in order too).
    if (this.#lostSeqs.has(packet.seq & 0xffff)) {
      this.#behind = [];
      return false;
    }
    const last = this.#behind.at(-1);
    if (last !== undefined && seqDelta(last.seq, packet.seq) !== 1) this.#behind = [];
    this.#behind.push(packet);
    if (this.#behind.length < RESTART_RUN) return false;
    const run = this.#behind;
    this.#behind = [];
    this.#reset();
    // Counted as late/duplicate when they came; they are released after all.
    for (const p of run) this.push(p);
    return true;
  }

  /** A new source or a jump: what is held goes out, and the stream starts over. */
  #reset(): void {
    this.flush();
    this.#stats.resets++;
    this.#ssrc = undefined;
    this.#next = undefined;
    this.#lostSeqs.clear();
    this.#behind = [];
  }

  /** Releases the packets that follow #next without a gap. */
  #drain(): void {
    let next = this.#next;
    if (next === undefined) return;
    for (let entry = this.#held.get(next); entry; entry = this.#held.get(next)) {
      this.#held.delete(next);
      this.#emit(entry.packet);
      next = (next + 1) & 0xffff;
      this.#next = next;
    }
    if (this.#held.size === 0) this.#disarm();
  }

  /** Gives up every missing number up to `last` and releases the held packets up to it, then drains. */
  #releaseThrough(last: number): void {
    let seq = this.#next;
    if (seq === undefined) return;
    for (let n = seqDelta(seq, last); n >= 0; n--, seq = (seq + 1) & 0xffff) {
      const entry = this.#held.get(seq);
      this.#next = (seq + 1) & 0xffff;
      if (entry) {
        this.#held.delete(seq);
        this.#emit(entry.packet);
      } else {
        this.#stats.lost++;
        this.#rememberLost(seq);
      }
    }
    this.#drain();
  }

  /** The held number furthest after `from`. */
  #lastHeldSeq(from: number): number {
    let last = from;
    for (const seq of this.#held.keys()) if (seqDelta(last, seq) > 0) last = seq;
    return last;
  }

  /** The held number that comes first (the stream's start, while starting). */
  #lowestHeldSeq(): number {
    let lowest: number | undefined;
    for (const seq of this.#held.keys()) if (lowest === undefined || seqDelta(lowest, seq) < 0) lowest = seq;
    return lowest ?? 0;
  }

  /** The timer fired: release through the newest packet that has waited latencyMs. */
  #expire(): void {
    this.#timer = undefined;
    if (this.#closed || this.#held.size === 0) return;
    // Starting: the first packet has waited; whatever came before it has had its chance.
    this.#next ??= this.#lowestHeldSeq();
    const now = this.#clock.now();
    let last: number | undefined;
    for (const [seq, { at }] of this.#held) {
      if (now - at >= this.#latencyMs && (last === undefined || seqDelta(last, seq) > 0)) last = seq;
    }
    if (last !== undefined) this.#releaseThrough(last);
    this.#arm();
  }

  /** Keeps one timer, due when the oldest held packet has waited latencyMs. */
  #arm(): void {
    if (this.#timer !== undefined || this.#held.size === 0 || this.#closed) return;
    let oldest = Infinity;
    for (const { at } of this.#held.values()) oldest = Math.min(oldest, at);
    const wait = Math.max(0, oldest + this.#latencyMs - this.#clock.now());
    this.#timer = this.#clock.setTimeout(() => this.#expire(), wait);
  }

  #disarm(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #rememberLost(seq: number): void {
    this.#lostSeqs.add(seq);
    if (this.#lostSeqs.size > LOST_MEMORY) this.#lostSeqs.delete(this.#lostSeqs.values().next().value as number);
  }

  #emit(packet: T): void {
    this.#stats.released++;
    this.#onPacket(packet);
  }
}
