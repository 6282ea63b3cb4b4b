import assert from "node:assert/strict";
import { SETTLE_MS, TimelineRewriter, timestampDelta, type Rewritten } from "../../src/rtp/timeline-rewriter";

const SSRC = 0x11223344;
const OTHER = 0x55667788;
/** 8 kHz audio, one 20 ms packet (160 ticks) each. */
const AUDIO_RATE = 8000;
const VIDEO_RATE = 90000;

/** Feeds an audio stream: `count` packets from (seq, ts) every 20 ms from `atMs`; returns what came out and where the input ended. */
function audio(rw: TimelineRewriter, o: { ssrc?: number; seq: number; ts: number; atMs: number; count: number; spacingMs?: (i: number) => number }): Rewritten[] {
  const out: Rewritten[] = [];
  for (let i = 0; i < o.count; i++) {
    const arrival = o.atMs + (o.spacingMs ? o.spacingMs(i) : i * 20);
    const r = rw.rewrite(o.ssrc ?? SSRC, (o.seq + i) & 0xffff, (o.ts + i * 160) >>> 0, arrival);
    assert.ok(r, `packet ${i} kept`);
    out.push(r);
  }
  return out;
}

/** Each output packet's seq is the previous + 1 and its timestamp the previous + `ticks`. */
function assertContinuous(out: readonly Rewritten[], ticks = 160): void {
  for (let i = 1; i < out.length; i++) {
    assert.equal(out[i].seq, (out[i - 1].seq + 1) & 0xffff, `seq at ${i}`);
    assert.equal(timestampDelta(out[i - 1].timestamp, out[i].timestamp), ticks, `timestamp step at ${i}`);
    assert.equal(out[i].ssrc, out[0].ssrc, `ssrc at ${i}`);
  }
}

describe("rtp/TimelineRewriter", () => {
  it("timestampDelta reads signed 32-bit distances across the wrap", () => {
    assert.equal(timestampDelta(10, 170), 160);
    assert.equal(timestampDelta(170, 10), -160);
    assert.equal(timestampDelta(0xffffff00, 0x60), 0x160);
    assert.equal(timestampDelta(0x60, 0xffffff00), -0x160);
  });

  it("passes a well-behaved stream unchanged, across the sequence and timestamp wraps", () => {
    const rw = new TimelineRewriter(AUDIO_RATE);
    const out = audio(rw, { seq: 65500, ts: 0xffffe000, atMs: 1000, count: 100 });
    out.forEach((r, i) => assert.deepEqual(r, { ssrc: SSRC, seq: (65500 + i) & 0xffff, timestamp: (0xffffe000 + i * 160) >>> 0, rebased: false }));
    assert.equal(rw.rebased, false);
  });

  it("a restart with the same SSRC (sequence and timestamp jump back): the output goes on at +1 and +20 ms", () => {
    const rw = new TimelineRewriter(AUDIO_RATE);
    const before = audio(rw, { seq: 1000, ts: 500_000, atMs: 0, count: 200 });
    const after = audio(rw, { seq: 1000 - 700, ts: 500_000 - 2 ** 30, atMs: 200 * 20, count: 200 });
    assertContinuous([...before, ...after]);
    assert.deepEqual(after.map((r) => r.rebased).filter(Boolean).length, 1);
    assert.deepEqual(rw.toJSON(), { outputSsrc: SSRC, ssrcChanges: 0, seqRebases: 1, timestampRebases: 1, stragglers: 0, settled: 0, resumed: 0, placed: 0 });
  });

  it("an SSRC change with new random bases: one output SSRC, continuous", () => {
    const rw = new TimelineRewriter(AUDIO_RATE);
    const before = audio(rw, { seq: 40_000, ts: 3_000_000_000, atMs: 0, count: 100 });
    const after = audio(rw, { ssrc: OTHER, seq: 123, ts: 77_777, atMs: 2000, count: 100 });
    assertContinuous([...before, ...after]);
    assert.equal(rw.toJSON().ssrcChanges, 1);
  });

  it("a source that comes back after another (the peer's video after a stand-in) takes up its own timestamps again", () => {
    const rw = new TimelineRewriter(AUDIO_RATE);
    const peer = audio(rw, { seq: 1000, ts: 500_000, atMs: 0, count: 100 });
    // The peer stops for 2 s; another source fills 3 s from there; the peer comes back 5 s after it stopped.
    const standIn = audio(rw, { ssrc: OTHER, seq: 9, ts: 1_234_567, atMs: 4000, count: 150 });
    assert.equal(standIn[0].rebased, true);
    const back = audio(rw, { seq: 1000 + 350, ts: 500_000 + 350 * 160, atMs: 7000, count: 50 });
    assert.equal(back[0].timestamp, 500_000 + 350 * 160, "the peer's own timestamp, as before the pause");
    assert.equal(back[0].seq, (standIn[standIn.length - 1].seq + 1) & 0xffff, "the sequence goes on");
    assert.ok(timestampDelta(standIn[standIn.length - 1].timestamp, back[0].timestamp) > 0, "after the stand-in's last");
    assertContinuous(back);
    assert.equal(peer[0].ssrc, back[0].ssrc);
    assert.equal(rw.toJSON().resumed, 1);
    assert.equal(rw.toJSON().timestampRebases, 1, "only the stand-in was rebased");
  });

  it("a source that comes back on another timeline (restarted meanwhile) is rebased, not resumed", () => {
    const rw = new TimelineRewriter(AUDIO_RATE);
    audio(rw, { seq: 1000, ts: 500_000, atMs: 0, count: 100 });
    const standIn = audio(rw, { ssrc: OTHER, seq: 9, ts: 1_234_567, atMs: 2000, count: 100 });
    const back = audio(rw, { seq: 7, ts: 99, atMs: 4000, count: 50 });
    assertContinuous([...standIn, ...back]);
    assert.equal(rw.toJSON().resumed, 0);
  });

  it("a source that comes back just behind the last output (the one in between ran ahead) goes on just after it", () => {
    const rw = new TimelineRewriter(AUDIO_RATE);
    audio(rw, { seq: 1000, ts: 500_000, atMs: 0, count: 100 });
    // The other source runs 100 ms ahead of the wall clock; the peer comes back right after its last packet.
    const other = audio(rw, { ssrc: OTHER, seq: 9, ts: 1_234_567, atMs: 4000, count: 100, spacingMs: (i) => i * 20 - (i > 0 ? 100 : 0) });
    const back = audio(rw, { seq: 1000 + 297, ts: 500_000 + 297 * 160, atMs: 5900, count: 10 });
    const step = timestampDelta(other[other.length - 1].timestamp, back[0].timestamp);
    assert.ok(step > 0 && step <= 40, `just after the other's last: ${step} ticks`);
    assert.equal(rw.toJSON().resumed, 1);
  });

  it("placeAt: a new source's first packet goes where the caller says, or just after the last output", () => {
    const rw = new TimelineRewriter(VIDEO_RATE);
    for (let i = 0; i < 20; i++) rw.rewrite(SSRC, i, 9000 * i, i * 100, true);
    const last = 9000 * 19;
    const placed = rw.rewrite(OTHER, 5000, 777, 2000, true, last + 3000);
    assert.equal(placed?.timestamp, last + 3000);
    const next = rw.rewrite(OTHER, 5001, 777 + 3600, 2040, true);
    assert.equal(next?.timestamp, last + 6600, "the offset holds for the next packets");
    const rw2 = new TimelineRewriter(VIDEO_RATE);
    for (let i = 0; i < 20; i++) rw2.rewrite(SSRC, i, 9000 * i, i * 100, true);
    const early = rw2.rewrite(OTHER, 5000, 777, 2000, true, last - 4500);
    assert.equal(early?.timestamp, last + 450, "5 ms after the last output, never before it");
    assert.equal(rw2.toJSON().placed, 1);
  });

  it("a sender that sends two 20 ms packets every 40 ms: the rebase still lands on the next packet's place (not a packet late)", () => {
    // What ffmpeg does; read from one arrival, the rebase put audio 20 ms late at every restart.
    const pairs = (i: number): number => Math.floor(i / 2) * 40 + 40;
    for (const phase of [0, 1]) {
      const rw = new TimelineRewriter(AUDIO_RATE);
      const before = audio(rw, { seq: 1, ts: 0, atMs: 0, count: 100 + phase, spacingMs: pairs });
      const after = audio(rw, { seq: 30_000, ts: 9_999_999, atMs: 0, count: 100, spacingMs: (i) => pairs(100 + phase + i) });
      assertContinuous([...before, ...after]);
    }
  });

  it("a new source after a 3 s silence: the output timestamps skip the 3 s (whole packets), the sequence does not", () => {
    const rw = new TimelineRewriter(AUDIO_RATE);
    const before = audio(rw, { seq: 1, ts: 0, atMs: 0, count: 100 });
    const after = audio(rw, { ssrc: OTHER, seq: 5000, ts: 1_000_000, atMs: 99 * 20 + 3020, count: 10 });
    assert.equal(after[0].seq, (before[99].seq + 1) & 0xffff);
    assert.equal(timestampDelta(before[99].timestamp, after[0].timestamp), (3020 / 1000) * AUDIO_RATE);
    assertContinuous(after);
  });

  it("a first packet that looked seamless but was not: once the new timeline settles, it moves forward by the gap", () => {
    const rw = new TimelineRewriter(AUDIO_RATE);
    const before = audio(rw, { seq: 1, ts: 0, atMs: 0, count: 100 });
    // 40 ms of silence between the two sources: within the seamless window, so placed right after at first.
    const lastAt = 99 * 20;
    const after = audio(rw, { ssrc: OTHER, seq: 7, ts: 8_888_888, atMs: lastAt + 60, count: 100 });
    assert.equal(timestampDelta(before[99].timestamp, after[0].timestamp), 160, "placed right after at first");
    const settledAt = after.findIndex((_, i) => lastAt + 60 + i * 20 >= lastAt + 60 + SETTLE_MS);
    const all = [...before, ...after];
    for (let i = 1; i < all.length; i++) assert.ok(timestampDelta(all[i - 1].timestamp, all[i].timestamp) > 0, `monotonic at ${i}`);
    // From then on each packet sits at its arrival time on the old timeline (20 ms = 160 ticks per packet).
    for (const [i, r] of after.entries()) {
      if (i < settledAt) continue;
      assert.equal(timestampDelta(before[0].timestamp, r.timestamp), ((lastAt + 60 + i * 20) * AUDIO_RATE) / 1000, `packet ${i}`);
    }
    assert.equal(rw.toJSON().settled, 1);
  });

  it("keeps reordering, loss, a pause with the clock running and a 2.5 s network stall as they are (no rebase)", () => {
    const rw = new TimelineRewriter(AUDIO_RATE);
    const push = (seq: number, atMs: number): Rewritten | undefined => rw.rewrite(SSRC, seq, seq * 160, atMs);
    for (let seq = 1; seq <= 50; seq++) push(seq, seq * 20);
    assert.deepEqual([push(52, 1040), push(51, 1045), push(55, 1100)].map((r) => r?.seq), [52, 51, 55]);
    // 10 s of silence, the timestamp running on (seq 55 → 556).
    assert.equal(push(556, 1100 + 10_020)?.timestamp, 556 * 160);
    // A stall: 2.5 s of packets arrive together.
    for (let seq = 557; seq < 557 + 125; seq++) assert.equal(push(seq, 11_120 + 2500)?.timestamp, seq * 160);
    assert.equal(rw.rebased, false);
  });

  it("drops stragglers of the timeline just left instead of flipping back to it", () => {
    const rw = new TimelineRewriter(AUDIO_RATE);
    audio(rw, { seq: 1000, ts: 160_000, atMs: 0, count: 100 });
    audio(rw, { seq: 5, ts: 2_000_000_000, atMs: 2000, count: 5 });
    // A late packet of the old stream, a little behind the new sequence numbers (same SSRC).
    assert.equal(rw.rewrite(SSRC, 2, 160_000 + 99 * 160, 2101), undefined);
    // After an SSRC change, the old SSRC within a second.
    audio(rw, { ssrc: OTHER, seq: 100, ts: 5, atMs: 2120, count: 5 });
    assert.equal(rw.rewrite(SSRC, 10, 2_000_000_000 + 5 * 160, 2230), undefined);
    assert.equal(rw.toJSON().stragglers, 2);
  });

  it("video: a switch inside a frame keeps that frame's timestamp; after the marker the next frame is +40 ms", () => {
    const rw = new TimelineRewriter(VIDEO_RATE, { markerEndsFrame: true });
    const frame = (ssrc: number, seq: number, ts: number, atMs: number, packets: number, endsFrame = true): Rewritten[] =>
      Array.from({ length: packets }, (_, i) => rw.rewrite(ssrc, seq + i, ts, atMs, endsFrame && i === packets - 1) as Rewritten);
    let out: Rewritten[] = [];
    for (let f = 0; f < 50; f++) out.push(...frame(SSRC, 1 + f * 3, 10_000 + f * 3600, f * 40, 3));
    // Frame 50: two packets on the old timeline, the rest (with the marker) already on the new source's.
    out.push(...frame(SSRC, 151, 10_000 + 50 * 3600, 2000, 2, false));
    out.push(...frame(OTHER, 40_000, 7_000_000, 2001, 2));
    out.push(...frame(OTHER, 40_002, 7_000_000 + 3600, 2040, 3));
    const tail = out.slice(-7);
    assert.deepEqual(tail.map((r) => timestampDelta(out[out.length - 8].timestamp, r.timestamp)), [3600, 3600, 3600, 3600, 7200, 7200, 7200]);
    assert.deepEqual(tail.map((r) => r.seq), [151, 152, 153, 154, 155, 156, 157]);
    assert.ok(tail.every((r) => r.ssrc === SSRC));
  });

  it("maps the current source's sender reports onto the output timeline, and no other's", () => {
    const rw = new TimelineRewriter(AUDIO_RATE);
    assert.deepEqual(rw.mapReport(SSRC, 1234), { ssrc: SSRC, timestamp: 1234 }, "before any packet: as is");
    audio(rw, { seq: 1, ts: 0, atMs: 0, count: 10 });
    assert.deepEqual(rw.mapReport(SSRC, 1234), { ssrc: SSRC, timestamp: 1234 });
    const after = audio(rw, { ssrc: OTHER, seq: 999, ts: 50_000, atMs: 200, count: 10 });
    assert.deepEqual(rw.mapReport(OTHER, 50_000), { ssrc: SSRC, timestamp: after[0].timestamp });
    assert.equal(rw.mapReport(SSRC, 1234), undefined);
  });
});
