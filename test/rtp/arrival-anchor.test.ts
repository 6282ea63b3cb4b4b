import assert from "node:assert/strict";
import { ArrivalAnchor } from "../../src/rtp/arrival-anchor";

/** An 8 kHz source: packet n (20 ms) has timestamp base + 160 n and is sent at 20 n ms. */
function feed(anchor: ArrivalAnchor, o: { ssrc?: number; base?: number; from?: number; count: number; delay: (n: number) => number }): void {
  for (let n = o.from ?? 0; n < (o.from ?? 0) + o.count; n++) anchor.update(o.ssrc ?? 1, ((o.base ?? 0) + 160 * n) >>> 0, 1000 + 20 * n + o.delay(n));
}

describe("rtp/ArrivalAnchor", () => {
  it("maps the last timestamp to when it would have come with the least delay seen", () => {
    const anchor = new ArrivalAnchor(8000);
    assert.equal(anchor.value(), undefined);
    // 30 ms base delay plus up to 40 ms jitter; packet 7 got through with the base delay only.
    feed(anchor, { count: 50, base: 5000, delay: (n) => 30 + (n === 7 ? 0 : 5 + ((n * 37) % 35)) });
    const v = anchor.value();
    assert.equal(v?.ssrc, 1);
    assert.equal(v?.rtpTimestamp, 5000 + 160 * 49);
    // packet 49 was sent at 1000 + 980 ms; with the least delay (30 ms) it would have come at 2010.
    assert.ok(v && Math.abs(v.atMs - 2010) < 1e-9, String(v?.atMs));
  });

  it("follows the timestamp across its 2^32 wrap and through reordered packets", () => {
    const anchor = new ArrivalAnchor(8000);
    feed(anchor, { base: 0xffffffff - 160 * 10, count: 30, delay: () => 10 });
    anchor.update(1, (0xffffffff - 160 * 10 + 160 * 25) >>> 0, 1000 + 20 * 25 + 60); // a late duplicate of 25
    const v = anchor.value();
    assert.equal(v?.rtpTimestamp, (0xffffffff - 160 * 10 + 160 * 25) >>> 0);
    assert.ok(v && Math.abs(v.atMs - (1000 + 20 * 25 + 10)) < 1e-9, String(v?.atMs));
  });

  it("starts over for a new SSRC", () => {
    const anchor = new ArrivalAnchor(8000);
    feed(anchor, { count: 10, delay: () => 5 });
    feed(anchor, { ssrc: 2, base: 777, from: 10, count: 5, delay: () => 50 });
    const v = anchor.value();
    assert.equal(v?.ssrc, 2);
    assert.ok(v && Math.abs(v.atMs - (1000 + 20 * 14 + 50)) < 1e-9);
  });

  it("forgets a minimum older than the window, so that clock drift is followed", () => {
    const anchor = new ArrivalAnchor(8000, 2000);
    feed(anchor, { count: 10, delay: () => 5 });
    // From 1 s on the path is 40 ms slower for good.
    feed(anchor, { from: 50, count: 150, delay: () => 45 });
    const v = anchor.value();
    assert.ok(v && Math.abs(v.atMs - (1000 + 20 * 199 + 45)) < 1e-9, String(v?.atMs));
  });
});
