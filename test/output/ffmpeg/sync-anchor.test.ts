import assert from "node:assert/strict";
import { RtcpPacketConverter, RtcpSrPacket } from "werift-rtp";
import { chooseSyncAnchors, type SyncSource } from "../../../src/output/ffmpeg/sync-anchor";
import type { ArrivalAnchorValue, MediaKind } from "../../../src/rtp";
import { buildSenderReport, ntpFromEpochMs } from "../../../src/rtp/sender-report";

const source = (sr?: Buffer, anchor?: ArrivalAnchorValue): SyncSource => ({ latestSenderReport: () => sr, arrivalAnchor: () => anchor });
const parse = (buf: Buffer | undefined): RtcpSrPacket => {
  const [packet] = RtcpPacketConverter.deSerialize(buf ?? Buffer.alloc(0));
  assert.ok(packet instanceof RtcpSrPacket);
  return packet;
};
const EPOCH = 1_763_800_000_000;

describe("call/output/chooseSyncAnchors", () => {
  it("uses the peer's own SRs when it has sent one for every medium", () => {
    const audioSr = buildSenderReport(1, 100n, 8000);
    const videoSr = buildSenderReport(2, 200n, 90000);
    const anchors = chooseSyncAnchors(new Map<MediaKind, SyncSource>([
      ["audio", source(audioSr, { ssrc: 1, rtpTimestamp: 5, atMs: 10 })],
      ["video", source(videoSr)],
    ]), EPOCH);
    assert.equal(anchors.mode, "peer");
    assert.deepEqual(anchors.reports, new Map([["audio", audioSr], ["video", videoSr]]));
  });

  it("otherwise makes SRs for every medium from arrival times on one clock, never mixing in the peer's", () => {
    const anchors = chooseSyncAnchors(new Map<MediaKind, SyncSource>([
      ["audio", source(buildSenderReport(1, 100n, 8000), { ssrc: 1, rtpTimestamp: 16000, atMs: 2000 })],
      ["video", source(undefined, { ssrc: 2, rtpTimestamp: 4_000_000_000, atMs: 2250.5 })],
    ]), EPOCH);
    assert.equal(anchors.mode, "arrival");
    const audio = parse(anchors.reports.get("audio"));
    const video = parse(anchors.reports.get("video"));
    assert.deepEqual([audio.ssrc, audio.senderInfo.rtpTimestamp, audio.senderInfo.ntpTimestamp], [1, 16000, ntpFromEpochMs(EPOCH + 2000)]);
    assert.deepEqual([video.ssrc, video.senderInfo.rtpTimestamp, video.senderInfo.ntpTimestamp], [2, 4_000_000_000, ntpFromEpochMs(EPOCH + 2250.5)]);
  });

  it("leaves out a medium with nothing to anchor on, and anchors nothing without media", () => {
    const anchors = chooseSyncAnchors(new Map<MediaKind, SyncSource>([
      ["audio", source(undefined, { ssrc: 1, rtpTimestamp: 0, atMs: 0 })],
      ["video", source()],
    ]), EPOCH);
    assert.equal(anchors.mode, "arrival");
    assert.deepEqual([...anchors.reports.keys()], ["audio"]);
    assert.deepEqual(chooseSyncAnchors(new Map(), EPOCH), { mode: "arrival", reports: new Map() });
  });
});
