/**
 * A tiny seeded pseudo-random generator (mulberry32) so a torture run can be replayed exactly:
 * the same seed gives the same datagrams in the same order.
 */
export class Prng {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** `n` random bytes. */
  bytes(n: number): Buffer {
    const out = Buffer.alloc(n + 3);
    for (let i = 0; i < n; i += 4) out.writeUInt32LE(Math.floor(this.next() * 4294967296), i);
    return out.subarray(0, n);
  }
}

/** The seed of this run: `SIPCAST_TORTURE_SEED` when set (to replay a failure), else a fresh one. */
export function tortureSeed(): number {
  const fixed = process.env.SIPCAST_TORTURE_SEED;
  if (fixed !== undefined && /^\d+$/.test(fixed)) return Number(fixed) >>> 0;
  return (Date.now() ^ (process.pid << 16)) >>> 0;
}
