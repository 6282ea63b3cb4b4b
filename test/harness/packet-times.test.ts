import { strict as assert } from "node:assert";
import { packetTimeline } from "./packet-times";

describe("packetTimeline (the DTS figures of a published stream)", () => {
  it("says where the first step of at most 1 ms is, apart from where the largest gap is", () => {
    // A file's first two video frames on one DTS (as ffmpeg writes a frame it got earlier than the one before), a 120 ms gap later.
    const t = packetTimeline([3, 3, 43, 83, 123, 243, 283, 284]);
    assert.equal(t.nonMonotonic, 2);
    assert.equal(t.firstStepAtMs, 3);
    assert.equal(t.largestGapMs, 120);
    assert.equal(t.largestGapAtMs, 123);
  });

  it("takes equal steps as equal: the largest gap of a steady stream is its first, whatever the float noise", () => {
    // ffprobe's dts_time strings scaled to ms: the steps come out as 39.99999999999818 and 40.00000000000364.
    const t = packetTimeline(["16.003000", "16.043000", "16.083000", "16.123000", "16.163000"].map((s) => Number.parseFloat(s) * 1000));
    assert.equal(Math.round(t.largestGapAtMs), 16003);
    assert.equal(t.largestGapMs, 40);
    assert.equal(t.nonMonotonic, 0);
  });

  it("has no first step on a strictly increasing timeline", () => {
    const t = packetTimeline([0, 40, 80]);
    assert.equal(t.nonMonotonic, 0);
    assert.ok(Number.isNaN(t.firstStepAtMs));
  });
});
