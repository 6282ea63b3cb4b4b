import assert from "node:assert/strict";
import { ConfigError } from "../../src/errors";
import { JitterBuffer, seqDelta, type BufferedPacket, type JitterBufferOptions } from "../../src/rtp/jitter-buffer";
import { FakeClock } from "./helpers/fake-clock";

const SSRC = 0x1234;

interface Fixture {
  clock: FakeClock;
  jb: JitterBuffer<BufferedPacket>;
  /** Sequence numbers released so far, in order. */
  out: number[];
  push: (...seqs: number[]) => void;
}

function setup(options: Partial<JitterBufferOptions<BufferedPacket>> = {}): Fixture {
  const clock = new FakeClock();
  const out: number[] = [];
  const jb = new JitterBuffer<BufferedPacket>({ latencyMs: 50, clock, onPacket: (p) => out.push(p.seq), ...options });
  const push = (...seqs: number[]): void => {
    for (const seq of seqs) jb.push({ seq, ssrc: SSRC, raw: Buffer.from([seq & 0xff]) });
  };
  return { clock, jb, out, push };
}

/** A buffer whose stream has started with `first` (released after its start-up wait). */
function started(first = 1, options: Partial<JitterBufferOptions<BufferedPacket>> = {}): Fixture {
  const fx = setup(options);
  fx.push(first);
  fx.clock.advance(50);
  assert.deepEqual(fx.out, [first]);
  return fx;
}

describe("rtp/JitterBuffer", () => {
  it("seqDelta reads 16-bit distances across the wrap", () => {
    assert.equal(seqDelta(10, 12), 2);
    assert.equal(seqDelta(12, 10), -2);
    assert.equal(seqDelta(65535, 0), 1);
    assert.equal(seqDelta(0, 65535), -1);
    assert.equal(seqDelta(65530, 4), 10);
  });

  it("holds a stream's first packets latencyMs, so that one overtaken at the start is not lost", () => {
    const { clock, jb, out, push } = setup();
    push(11, 12, 10);
    clock.advance(49);
    assert.deepEqual(out, []);
    clock.advance(1);
    assert.deepEqual(out, [10, 11, 12]);
    assert.equal(clock.pending, 0);
    assert.deepEqual([jb.toJSON().lost, jb.toJSON().duplicates], [0, 0]);
  });

  it("then passes in-order packets at once, with no timer", () => {
    const { clock, jb, out, push } = started();
    push(2, 3, 4);
    assert.deepEqual(out, [1, 2, 3, 4]);
    assert.equal(clock.pending, 0);
    assert.deepEqual(jb.toJSON(), { latencyMs: 50, released: 4, reordered: 0, lost: 0, late: 0, duplicates: 0, resets: 0, held: 0, maxHeld: 1 });
  });

  it("puts reordered packets back in order as soon as the missing one arrives", () => {
    const { clock, jb, out, push } = started();
    push(2, 4, 5);
    assert.deepEqual(out, [1, 2]);
    assert.equal(jb.toJSON().held, 2);
    clock.advance(30);
    push(3);
    assert.deepEqual(out, [1, 2, 3, 4, 5]);
    assert.equal(clock.pending, 0, "no timer left once the gap is filled");
    assert.deepEqual(jb.toJSON(), { latencyMs: 50, released: 5, reordered: 1, lost: 0, late: 0, duplicates: 0, resets: 0, held: 0, maxHeld: 2 });
  });

  it("gives a gap up latencyMs after the first held packet arrived, without waiting for a newer packet", () => {
    const { clock, jb, out, push } = started();
    push(2, 4);
    clock.advance(20);
    push(5, 6);
    clock.advance(29);
    assert.deepEqual(out, [1, 2]);
    clock.advance(1);
    assert.deepEqual(out, [1, 2, 4, 5, 6], "every packet behind the gap flows, none is left behind");
    assert.equal(jb.toJSON().lost, 1);
    assert.equal(clock.pending, 0);
    push(7);
    assert.deepEqual(out, [1, 2, 4, 5, 6, 7]);
  });

  it("the werift case: 1..12 without 3 comes out complete, 3 lost", () => {
    const { clock, jb, out, push } = started();
    push(2, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    clock.advance(50);
    assert.deepEqual(out, [1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    assert.equal(jb.toJSON().lost, 1);
  });

  it("a second gap gets its own deadline from its own first held packet", () => {
    const { clock, jb, out, push } = started();
    push(3); // gap at 2 from t=0
    clock.advance(40);
    push(5); // gap at 4, 5 held since t=40
    clock.advance(10); // t=50: 3 has waited 50 ms, 5 only 10
    assert.deepEqual(out, [1, 3]);
    clock.advance(39);
    assert.deepEqual(out, [1, 3]);
    clock.advance(1); // t=90: 5 has waited 50 ms
    assert.deepEqual(out, [1, 3, 5]);
    assert.equal(jb.toJSON().lost, 2);
  });

  it("drops a packet that comes after its gap was given up (late) and counts repeats (duplicates)", () => {
    const { clock, jb, out, push } = started();
    push(3);
    clock.advance(50);
    push(2); // given up already
    push(3); // released already
    push(5, 5); // held, then the same again
    push(4);
    assert.deepEqual(out, [1, 3, 4, 5]);
    const s = jb.toJSON();
    assert.deepEqual([s.lost, s.late, s.duplicates, s.reordered], [1, 1, 2, 1]);
    push(2); // a second copy of the late one is a duplicate
    assert.equal(jb.toJSON().duplicates, 3);
  });

  it("reorders across the 16-bit wrap", () => {
    const { clock, out, push } = started(65533);
    push(65534, 0, 1);
    assert.deepEqual(out, [65533, 65534]);
    push(65535);
    assert.deepEqual(out, [65533, 65534, 65535, 0, 1]);
    push(3);
    clock.advance(50);
    assert.deepEqual(out, [65533, 65534, 65535, 0, 1, 3]);
  });

  it("on a big sequence jump or a new SSRC releases what it held at once and starts over", () => {
    const { clock, jb, out, push } = started(10);
    push(12);
    push(5000); // a restart, not a gap of 4988
    assert.deepEqual(out, [10, 12], "what was held goes out at once");
    push(5001);
    clock.advance(50);
    assert.deepEqual(out, [10, 12, 5000, 5001]);
    jb.push({ seq: 77, ssrc: SSRC + 1, raw: Buffer.alloc(1) });
    jb.push({ seq: 78, ssrc: SSRC + 1, raw: Buffer.alloc(1) });
    clock.advance(50);
    assert.deepEqual(out, [10, 12, 5000, 5001, 77, 78]);
    assert.equal(clock.pending, 0);
    const s = jb.toJSON();
    assert.deepEqual([s.resets, s.lost, s.held], [2, 1, 0]);
  });

  it("flushes, in order, when more than maxHeld packets wait", () => {
    const { clock, jb, out, push } = started(1, { maxHeld: 3 });
    push(3, 4, 5);
    assert.deepEqual(out, [1]);
    push(6);
    assert.deepEqual(out, [1, 3, 4, 5, 6]);
    assert.equal(clock.pending, 0);
    assert.deepEqual([jb.toJSON().lost, jb.toJSON().maxHeld], [1, 4]);
  });

  it("flush() releases what it holds; close() drops it, clears the timer and ignores later pushes", () => {
    const a = setup();
    a.push(3, 1, 4);
    a.jb.flush();
    assert.deepEqual(a.out, [1, 3, 4], "starting: flushed from the lowest");
    assert.equal(a.clock.pending, 0);

    const b = started();
    b.push(3);
    assert.equal(b.clock.pending, 1);
    b.jb.close();
    assert.equal(b.clock.pending, 0);
    b.push(2, 4);
    b.clock.advance(100);
    assert.deepEqual(b.out, [1]);
    b.jb.close();
  });

  it("a restart a little back with the same SSRC (within maxJump): starts over after a few packets, instead of dropping 500 as late", () => {
    const { clock, jb, out, push } = started(1000);
    push(1001, 1002);
    // The source restarts 500 numbers back and goes on from there.
    for (let seq = 502; seq < 520; seq++) push(seq);
    clock.advance(50);
    assert.deepEqual(out, [1000, 1001, 1002, ...Array.from({ length: 18 }, (_, i) => 502 + i)]);
    assert.equal(jb.toJSON().resets, 1);
    // Scattered late packets and duplicates are still dropped, not taken for a restart.
    push(520, 400, 700, 519, 518);
    assert.deepEqual(out.slice(-1), [520]);
    assert.equal(jb.toJSON().resets, 1);
  });

  it("a batch of late packets that were given up, arriving in order, is dropped as late, not taken for a restart", () => {
    const { clock, jb, out, push } = started(1);
    push(2, 9, 10);
    clock.advance(50);
    assert.deepEqual(out, [1, 2, 9, 10]);
    push(3, 4, 5, 6, 7, 8, 11);
    assert.deepEqual(out, [1, 2, 9, 10, 11]);
    assert.deepEqual([jb.toJSON().late, jb.toJSON().resets], [6, 0]);
  });

  it("latencyMs 0 passes every packet through as it comes", () => {
    const { clock, jb, out, push } = setup({ latencyMs: 0 });
    push(1, 3, 2, 2, 9);
    assert.deepEqual(out, [1, 3, 2, 2, 9]);
    assert.equal(clock.pending, 0);
    assert.equal(jb.toJSON().released, 5);
  });

  it("hands the packet objects through unchanged", () => {
    const got: Array<{ seq: number; tag: string }> = [];
    const clock = new FakeClock();
    const jb = new JitterBuffer<BufferedPacket & { tag: string }>({ latencyMs: 50, clock, onPacket: (p) => got.push({ seq: p.seq, tag: p.tag }) });
    jb.push({ seq: 1, ssrc: 1, raw: Buffer.alloc(0), tag: "a" });
    jb.push({ seq: 3, ssrc: 1, raw: Buffer.alloc(0), tag: "c" });
    jb.push({ seq: 2, ssrc: 1, raw: Buffer.alloc(0), tag: "b" });
    clock.advance(50);
    assert.deepEqual(got, [{ seq: 1, tag: "a" }, { seq: 2, tag: "b" }, { seq: 3, tag: "c" }]);
  });

  it("rejects a negative or non-finite latency", () => {
    assert.throws(() => setup({ latencyMs: -1 }), ConfigError);
    assert.throws(() => setup({ latencyMs: Number.NaN }), ConfigError);
  });
});
