import assert from "node:assert/strict";
import { ConfigError } from "../../src/errors";
import { TimelineShifter, validateTimelineEvents } from "../../src/demo/timeline-events";
import { startTestMeetingPeer } from "../../src/demo/test-meeting-peer";
import { rtp } from "../rtp/helpers/udp";

const SR = Buffer.from("80c80006cafebabe1122334455667788000000000000000300000012", "hex");

describe("demo/TimelineShifter (the test meeting's timelineEvents)", () => {
  it("passes datagrams unchanged until the first event", () => {
    let now = 0;
    const shifter = new TimelineShifter([{ atMs: 100, kind: "restart" }], 0, 1, () => now);
    const packet = rtp({ payloadType: 0, sequenceNumber: 7, timestamp: 1120, ssrc: 0xcafebabe });
    assert.deepEqual(shifter.rtp(Buffer.from(packet)), packet);
    assert.deepEqual(shifter.rtcp(Buffer.from(SR)), SR);
    now = 99;
    assert.equal(shifter.applied, 0);
  });

  it("restart: same SSRC, sequence and timestamp jump back; the SR's RTP timestamp follows, its NTP time stays", () => {
    let now = 0;
    const shifter = new TimelineShifter([{ atMs: 100, kind: "restart" }], 0, 1, () => now);
    now = 100;
    const out = shifter.rtp(rtp({ payloadType: 0, sequenceNumber: 40_000, timestamp: 3_000_000_000, ssrc: 0xcafebabe }));
    assert.equal(out.readUInt32BE(8), 0xcafebabe);
    const seqBack = (40_000 - out.readUInt16BE(2) + 0x10000) % 0x10000;
    const tsBack = (3_000_000_000 - out.readUInt32BE(4) + 2 ** 32) % 2 ** 32;
    assert.ok(seqBack >= 1000 && seqBack <= 31_000, `seq back by ${seqBack}`);
    assert.ok(tsBack >= 2 ** 30 && tsBack < 2 ** 31, `timestamp back by ${tsBack}`);
    const sr = shifter.rtcp(Buffer.from(SR));
    assert.deepEqual(sr.subarray(8, 16), SR.subarray(8, 16), "NTP time unchanged");
    assert.equal((0x00000000 - sr.readUInt32BE(16) + 2 ** 32) % 2 ** 32, tsBack, "SR timestamp on the new timeline");
    assert.equal(shifter.applied, 1);
  });

  it("ssrc-change: a new SSRC on RTP and on every RTCP packet", () => {
    let now = 0;
    const shifter = new TimelineShifter([{ atMs: 50, kind: "ssrc-change" }], 0, 3, () => now);
    now = 60;
    const ssrc = shifter.rtp(rtp({ payloadType: 0, sequenceNumber: 1, ssrc: 0xcafebabe })).readUInt32BE(8);
    assert.notEqual(ssrc, 0xcafebabe);
    assert.equal(shifter.rtcp(Buffer.from(SR)).readUInt32BE(4), ssrc);
  });

  it("rejects bad events with a ConfigError naming the field, also at the peer's construction", async () => {
    assert.throws(() => validateTimelineEvents([{ atMs: -1, kind: "restart" }]), /timelineEvents\[0\]\.atMs/);
    assert.throws(() => validateTimelineEvents([{ atMs: 5, kind: "jump" }]), /timelineEvents\[0\]\.kind/);
    assert.throws(() => validateTimelineEvents("restart"), ConfigError);
    await assert.rejects(startTestMeetingPeer({ timelineEvents: [{ atMs: Number.NaN, kind: "restart" }] }), ConfigError);
  });
});
