import assert from "node:assert/strict";
import { ConfigError } from "../../src/errors";
import { DEFAULT_STALL_TIMEOUT_MS, StallWatch, resolveStallTimeoutMs, type StallSample } from "../../src/media";

/** Feeds a StallWatch one sample per second from `from` to `to` (inclusive); returns the first second it said "stalled". */
function run(watch: StallWatch, from: number, to: number, at: (s: number) => Omit<StallSample, "now">): number | undefined {
  for (let s = from; s <= to; s++) {
    if (watch.sample({ now: s * 1000, ...at(s) })) return s;
  }
  return undefined;
}

describe("media: stall watch (output timeline against arriving RTP)", () => {
  const o = { stallMs: 5000, idleMs: 3000 };

  it("says nothing while out_time advances with the input", () => {
    const w = new StallWatch(o, 0);
    assert.equal(run(w, 1, 60, (s) => ({ outTimeMs: s * 1000, totalSize: s * 10_000, inputPackets: s * 50 })), undefined);
  });

  it("calls a stall once out_time and total_size stand still for stallMs while RTP keeps arriving", () => {
    const w = new StallWatch(o, 0);
    // Advances until second 10, then the writer blocks (out_time 10 s, 100 kB) while packets still come.
    const stalled = run(w, 1, 30, (s) => ({ outTimeMs: Math.min(s, 10) * 1000, totalSize: Math.min(s, 10) * 10_000, inputPackets: s * 50 }));
    assert.equal(stalled, 15);
    assert.equal(w.stillForMs(15_000), 5000);
  });

  it("counts bytes written as progress even while out_time is still (a muxer flushing)", () => {
    const w = new StallWatch(o, 0);
    assert.equal(run(w, 1, 20, (s) => ({ outTimeMs: 1000, totalSize: s * 1000, inputPackets: s * 50 })), undefined);
  });

  it("is not a stall when no RTP arrives (a silent peer is the RTP timeout; a held call sends nothing)", () => {
    const w = new StallWatch(o, 0);
    // Media until second 5, then none for a minute: the output stands still, as it should.
    assert.equal(run(w, 1, 65, (s) => ({ outTimeMs: Math.min(s, 5) * 1000, totalSize: Math.min(s, 5) * 1000, inputPackets: Math.min(s, 5) * 50 })), undefined);
  });

  it("starts the stall clock afresh when media returns after a pause (hold ended)", () => {
    const w = new StallWatch(o, 0);
    const packets = (s: number): number => (s <= 5 ? s * 50 : s <= 40 ? 250 : 250 + (s - 40) * 50);
    // The output never moves again after second 5; media is back at 41: a stall 5 s later, not at once.
    const stalled = run(w, 1, 60, (s) => ({ outTimeMs: Math.min(s, 5) * 1000, totalSize: Math.min(s, 5) * 1000, inputPackets: packets(s) }));
    assert.ok(stalled !== undefined && stalled >= 44 && stalled <= 46, `stalled at ${String(stalled)}`);
  });

  it("gives an output that has not written yet the start allowance (keyframe wait, handshake), then calls it stalled", () => {
    assert.equal(run(new StallWatch(o, 0), 1, 30, (s) => ({ outTimeMs: null, totalSize: null, inputPackets: s * 50 })), 15);
    assert.equal(run(new StallWatch({ ...o, startMs: 8000 }, 0), 1, 30, (s) => ({ outTimeMs: null, totalSize: null, inputPackets: s * 50 })), 8);
  });

  it("never decides with stallMs 0 (off)", () => {
    const w = new StallWatch({ stallMs: 0, idleMs: 3000 }, 0);
    assert.equal(run(w, 1, 60, (s) => ({ outTimeMs: 1000, totalSize: 1000, inputPackets: s * 50 })), undefined);
  });

  it("publishStallTimeoutMs: default 5000, 0 allowed, anything else bad is a ConfigError naming the field", () => {
    assert.equal(DEFAULT_STALL_TIMEOUT_MS, 5000);
    assert.equal(resolveStallTimeoutMs(undefined), 5000);
    assert.equal(resolveStallTimeoutMs(0), 0);
    assert.equal(resolveStallTimeoutMs(8000), 8000);
    for (const bad of [-1, 1.5, Number.NaN, 600_001, "5000" as unknown as number]) {
      assert.throws(() => resolveStallTimeoutMs(bad), (e: unknown) => e instanceof ConfigError && /publishStallTimeoutMs/.test(e.message));
    }
  });
});
