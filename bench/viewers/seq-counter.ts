/** What one RTP stream's sequence numbers say about its loss so far. */
export interface SeqFigures {
  /** Packets counted (duplicates excluded). */
  received: number;
  /** Highest extended sequence number − first + 1: what the sender sent since the first packet. */
  expected: number;
  /** Forward jumps of more than one (each is one or more packets missing). */
  gaps: number;
  duplicates: number;
}

/** How far behind the highest a sequence number may be and still count as late (reordered or duplicated), not as a wrap. */
const LATE_WINDOW = 3000;

/**
 * Counts received RTP packets by their 16-bit sequence numbers, extended across the wrap at
 * 65535, the way a receiver judges loss (RFC 3550 A.3): expected = highest − first + 1. A late
 * packet fills its gap (received rises, expected does not); one seen twice counts once.
 */
export class SeqCounter {
  #first: number | undefined;
  #highest = 0;
  #received = 0;
  #gaps = 0;
  #duplicates = 0;
  /** Extended numbers seen within the late window (for duplicates). */
  readonly #recent = new Set<number>();

  /** Counts one packet with sequence number `seq` (0..65535). */
  push(seq: number): void {
    if (this.#first === undefined) {
      this.#first = seq;
      this.#highest = seq;
      this.#received = 1;
      this.#recent.add(seq);
      return;
    }
    const delta = ((seq - (this.#highest & 0xffff) + 0x10000) & 0xffff);
    // delta in 1..32767: ahead; otherwise behind by 0x10000 − delta (0: the same as the highest).
    const ext = delta !== 0 && delta < 0x8000 ? this.#highest + delta : this.#highest - ((0x10000 - delta) & 0xffff);
    if (ext < this.#first - LATE_WINDOW || this.#recent.has(ext)) {
      this.#duplicates++;
      return;
    }
    if (ext > this.#highest) {
      if (ext > this.#highest + 1) this.#gaps++;
      this.#highest = ext;
    } else if (ext < this.#first) {
      this.#first = ext;
    }
    this.#received++;
    this.#recent.add(ext);
    if (this.#recent.size > LATE_WINDOW) for (const n of this.#recent) if (n < this.#highest - LATE_WINDOW) this.#recent.delete(n);
  }

  figures(): SeqFigures {
    const expected = this.#first === undefined ? 0 : this.#highest - this.#first + 1;
    return { received: this.#received, expected, gaps: this.#gaps, duplicates: this.#duplicates };
  }
}

/** Packets lost between two figures of one stream (never negative: a late packet may arrive after `to` was taken). */
export function lostBetween(from: SeqFigures, to: SeqFigures): { expected: number; received: number; lost: number } {
  const expected = to.expected - from.expected;
  const received = to.received - from.received;
  return { expected, received, lost: Math.max(0, expected - received) };
}
