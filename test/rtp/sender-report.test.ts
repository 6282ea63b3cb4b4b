import assert from "node:assert/strict";
import { RtcpPacketConverter, RtcpRrPacket, RtcpSenderInfo, RtcpSrPacket } from "werift-rtp";
import { buildSdesCname } from "../../src/rtp/rtcp-report";
import { buildSenderReport, findSenderReport, ntpFromEpochMs, senderReportSsrc } from "../../src/rtp/sender-report";

const sr = (ssrc: number, ntp: bigint, rtp: number): Buffer =>
  Buffer.from(new RtcpSrPacket({ ssrc, senderInfo: new RtcpSenderInfo({ ntpTimestamp: ntp, rtpTimestamp: rtp, packetCount: 9, octetCount: 900 }) }).serialize());

describe("rtp/sender-report", () => {
  it("finds the SR of a compound datagram, byte for byte, wherever it sits", () => {
    const report = sr(0xcafebabe, 0x1122334455667788n, 4242);
    const found = findSenderReport(Buffer.concat([report, buildSdesCname(0xcafebabe, "peer")]));
    assert.deepEqual(found, report);
    assert.equal(senderReportSsrc(found ?? Buffer.alloc(8)), 0xcafebabe);
    const rr = Buffer.from(new RtcpRrPacket({ ssrc: 1, reports: [] }).serialize());
    assert.deepEqual(findSenderReport(Buffer.concat([rr, report])), report);
  });

  it("finds nothing in an RR, a truncated datagram or garbage", () => {
    const rr = Buffer.from(new RtcpRrPacket({ ssrc: 1, reports: [] }).serialize());
    assert.equal(findSenderReport(Buffer.concat([rr, buildSdesCname(1, "x")])), undefined);
    assert.equal(findSenderReport(sr(1, 1n, 1).subarray(0, 20)), undefined);
    assert.equal(findSenderReport(Buffer.from([0, 200, 0, 6])), undefined);
    assert.equal(findSenderReport(Buffer.alloc(0)), undefined);
  });

  it("returns a copy that later changes to the datagram do not touch", () => {
    const datagram = sr(7, 5n, 6);
    const found = findSenderReport(datagram);
    datagram.fill(0);
    assert.equal(found && senderReportSsrc(found), 7);
  });

  it("converts Unix epoch ms to NTP (RFC 5905: seconds since 1900, 32-bit fraction)", () => {
    assert.equal(ntpFromEpochMs(0), 2208988800n << 32n);
    assert.equal(ntpFromEpochMs(1500), ((2208988801n << 32n) + 0x80000000n));
    const ms = 1_763_800_000_123.25;
    const ntp = ntpFromEpochMs(ms);
    const back = Number(ntp >> 32n) * 1000 - 2208988800 * 1000 + (Number(ntp & 0xffffffffn) / 2 ** 32) * 1000;
    assert.ok(Math.abs(back - ms) < 0.001, `${back} vs ${ms}`);
  });

  it("builds a bare SR that werift reads back", () => {
    const buf = buildSenderReport(0x01020304, 0xdeadbeef00000001n, 0xfffffff0);
    assert.equal(buf.length, 28);
    const [packet] = RtcpPacketConverter.deSerialize(buf);
    assert.ok(packet instanceof RtcpSrPacket);
    assert.equal(packet.ssrc, 0x01020304);
    assert.equal(packet.senderInfo.ntpTimestamp, 0xdeadbeef00000001n);
    assert.equal(packet.senderInfo.rtpTimestamp, 0xfffffff0);
    assert.equal(packet.reports.length, 0);
  });
});
