import assert from "node:assert/strict";
import { ConfigError } from "../../src/errors";
import { LayoutSwitch, validateLayoutChange } from "../../src/demo/layout-switch";
import { MediaPauses, validateMediaPauses } from "../../src/demo/media-pauses";
import { startTestMeetingPeer } from "../../src/demo/test-meeting-peer";
import { rtp } from "../rtp/helpers/udp";

const IDR = Buffer.from([0x65, 0x88, 0x80]);
const P_SLICE = Buffer.from([0x41, 0x9a, 0x00]);

describe("demo: the test meeting's videoPauses, layoutChange and earlyMedia", () => {
  it("MediaPauses drops what falls inside a pause, and counts it", () => {
    let now = 0;
    const pauses = new MediaPauses([{ atMs: 100, forMs: 50 }], 0, () => now);
    const at = (ms: number): boolean => ((now = ms), pauses.drops());
    assert.deepEqual([at(99), at(100), at(149), at(150)], [false, true, true, false]);
    assert.equal(pauses.dropped, 2);
  });

  it("LayoutSwitch: the main stream until its keyframe after the change, then the other's copy of it on the main SSRC, numbering and timeline", () => {
    let now = 0;
    const sw = new LayoutSwitch({ atMs: 1000, size: "320x180" }, 0, () => now);
    const main = (seq: number, ts: number, payload: Buffer): Buffer | undefined => sw.main(rtp({ payloadType: 96, sequenceNumber: seq, timestamp: ts, ssrc: 0xaaaa, payload }));
    const alt = (seq: number, ts: number, payload: Buffer): Buffer | undefined => sw.alternate(rtp({ payloadType: 96, sequenceNumber: seq, timestamp: ts, ssrc: 0xbbbb, payload }));
    assert.ok(main(10, 5000, IDR));
    assert.equal(alt(900, 70_000, IDR), undefined, "the other encoding is not sent before the change");
    assert.ok(main(11, 8600, P_SLICE));
    now = 1000;
    assert.equal(main(12, 12_200, IDR), undefined, "the main stream stops at its keyframe once the change is due");
    assert.equal(alt(901, 73_600, P_SLICE), undefined);
    const first = alt(902, 77_200, IDR);
    assert.ok(first, "the other encoding's copy of that keyframe goes out");
    assert.equal(first.readUInt32BE(8), 0xaaaa);
    assert.equal(first.readUInt16BE(2), 12);
    assert.equal(first.readUInt32BE(4), 12_200);
    assert.equal(main(13, 15_800, P_SLICE), undefined);
    assert.equal(alt(903, 80_800, P_SLICE)?.readUInt16BE(2), 13);
    assert.equal(sw.switched, true);
  });

  it("rejects bad options with a ConfigError naming the field, also at the peer's construction", async () => {
    assert.throws(() => validateMediaPauses([{ atMs: 0, forMs: 0 }]), /videoPauses\[0\]\.forMs/);
    assert.throws(() => validateMediaPauses({}), ConfigError);
    assert.throws(() => validateLayoutChange({ atMs: 5, size: "641x360" }), /layoutChange\.size/);
    assert.throws(() => validateLayoutChange({ atMs: -5, size: "640x360" }), /layoutChange\.atMs/);
    await assert.rejects(startTestMeetingPeer({ videoPauses: [{ atMs: Number.NaN, forMs: 5 }] }), ConfigError);
    await assert.rejects(startTestMeetingPeer({ layoutChange: { atMs: 0, size: "big" } }), ConfigError);
    await assert.rejects(startTestMeetingPeer({ earlyMedia: { forMs: -1 } }), /earlyMedia\.forMs/);
  });
});
