import assert from "node:assert/strict";
import { ReceptionStats } from "../../src/rtp/reception-stats";

const CLOCK = 8000;

/** Feeds (seq, timestamp, arrival ms) triples. */
function feed(stats: ReceptionStats, packets: Array<[number, number, number]>): boolean[] {
  return packets.map(([sequenceNumber, timestamp, arrivalMs]) => stats.update({ sequenceNumber, timestamp }, arrivalMs, CLOCK));
}

describe("rtp/ReceptionStats", () => {
  it("tracks the sequence across the 65535 wrap, one loss and one reordering", () => {
    const stats = new ReceptionStats(0x1234);
    // 2 is lost, 4 arrives after 5.
    const seqs = [65533, 65534, 65535, 0, 1, 3, 5, 4, 6];
    feed(stats, seqs.map((s, i) => [s, i * 160, i * 20]));
    assert.equal(stats.highestSequence, 0x00010006);
    assert.equal(stats.packetsReceived, 9);
    assert.equal(stats.packetsExpected, 10);
    assert.equal(stats.packetsLost, 1);
    const block = stats.reportBlock(1000);
    assert.deepEqual(
      { ssrc: block.ssrc, fractionLost: block.fractionLost, packetsLost: block.packetsLost, highestSequence: block.highestSequence },
      { ssrc: 0x1234, fractionLost: 25, packetsLost: 1, highestSequence: 0x00010006 }, // 1/10 * 256 = 25.6
    );
    // Nothing new since: the interval fraction is 0, the cumulative loss stays.
    const again = stats.reportBlock(2000);
    assert.equal(again.fractionLost, 0);
    assert.equal(again.packetsLost, 1);
  });

  it("counts duplicates so that the cumulative loss can go negative", () => {
    const stats = new ReceptionStats(1);
    feed(stats, [[10, 0, 0], [11, 160, 20], [12, 320, 40], [12, 320, 41]]);
    assert.equal(stats.packetsLost, -1);
    assert.equal(stats.reportBlock(100).packetsLost, -1);
  });

  it("ignores one large jump and resynchronizes when the next packet confirms it", () => {
    const stats = new ReceptionStats(1);
    assert.deepEqual(feed(stats, [[100, 0, 0], [101, 160, 20], [20000, 320, 40]]), [true, true, false]);
    assert.equal(stats.highestSequence, 101);
    assert.deepEqual(feed(stats, [[20001, 480, 60]]), [true]);
    assert.equal(stats.highestSequence, 20001);
    assert.equal(stats.packetsReceived, 1);
    assert.equal(stats.packetsLost, 0);
  });

  it("has zero jitter for constant-rate input", () => {
    const stats = new ReceptionStats(1);
    feed(stats, Array.from({ length: 50 }, (_, i): [number, number, number] => [i, 1000 + i * 160, 5000 + i * 20]));
    assert.equal(stats.jitter, 0);
    assert.equal(stats.reportBlock(6000).jitter, 0);
  });

  it("has zero jitter across the 32-bit timestamp wrap", () => {
    const stats = new ReceptionStats(1);
    feed(stats, Array.from({ length: 10 }, (_, i): [number, number, number] => [i, (0xffffff00 + i * 160) >>> 0, i * 20]));
    assert.equal(stats.jitter, 0);
  });

  it("follows RFC 3550 A.8 for jittered input", () => {
    // Arrivals alternate 5 ms late / on time: every transit difference is 5 ms = 40 units.
    const stats = new ReceptionStats(1);
    const n = 20;
    feed(stats, Array.from({ length: n }, (_, i): [number, number, number] => [i, i * 160, i * 20 + (i % 2) * 5]));
    const expected = 40 * (1 - (15 / 16) ** (n - 1));
    assert.ok(stats.jitter > 0);
    assert.ok(Math.abs(stats.jitter - expected) < 1e-9, `${stats.jitter} vs ${expected}`);
    assert.equal(stats.reportBlock(1000).jitter, Math.floor(expected));
    assert.ok(Math.abs(stats.toJSON().jitterMs - (expected * 1000) / CLOCK) < 1e-9);
  });

  it("reports LSR as the middle 32 bits of the SR's NTP time and DLSR in 1/65536 s", () => {
    const stats = new ReceptionStats(1);
    feed(stats, [[1, 0, 0]]);
    assert.deepEqual([stats.reportBlock(0).lsr, stats.reportBlock(0).dlsr], [0, 0]);
    stats.onSenderReport({ senderInfo: { ntpTimestamp: 0x1122334455667788n } }, 1000);
    const block = stats.reportBlock(1500);
    assert.equal(block.lsr, 0x33445566);
    assert.equal(block.dlsr, 32768);
  });

  it("toJSON summarizes without touching the report interval", () => {
    const stats = new ReceptionStats(7);
    feed(stats, [[1, 0, 0], [3, 320, 40]]);
    assert.deepEqual(stats.toJSON(), {
      ssrc: 7,
      packetsReceived: 2,
      packetsExpected: 3,
      packetsLost: 1,
      highestSequence: 3,
      jitter: 0,
      jitterMs: 0,
      lastSenderReport: 0,
    });
    assert.equal(stats.reportBlock(100).fractionLost, 85); // 1/3 * 256
  });
});
