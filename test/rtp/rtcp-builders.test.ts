import assert from "node:assert/strict";
import {
  PictureLossIndication,
  RtcpPacketConverter,
  RtcpPayloadSpecificFeedback,
  RtcpRrPacket,
  RtcpSourceDescriptionPacket,
} from "werift-rtp";
import { buildBye, buildCompoundBye, stripRtcpBye } from "../../src/rtp/rtcp-bye";
import { buildFir, buildPli } from "../../src/rtp/rtcp-feedback";
import { buildReceiverReport, buildSdesCname } from "../../src/rtp/rtcp-report";

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ""), "hex");

describe("rtp/rtcp builders", () => {
  describe("buildPli", () => {
    it("is the 12-byte PSFB FMT=1 packet", () => {
      assert.deepEqual(buildPli(0x11223344, 0x55667788), hex("81ce0002 11223344 55667788"));
    });

    it("parses back with werift-rtp", () => {
      const [packet] = RtcpPacketConverter.deSerialize(buildPli(1, 0xfffffffe));
      assert.ok(packet instanceof RtcpPayloadSpecificFeedback);
      assert.ok(packet.feedback instanceof PictureLossIndication);
      assert.equal(packet.feedback.senderSsrc, 1);
      assert.equal(packet.feedback.mediaSsrc, 0xfffffffe);
    });
  });

  describe("buildFir", () => {
    it("is PSFB FMT=4 with media SSRC 0 and one FCI entry (RFC 5104 §4.3.1)", () => {
      assert.deepEqual(
        buildFir(0x11223344, 0x55667788, 7),
        hex("84ce0004 11223344 00000000 55667788 07000000"),
      );
    });

    it("keeps the sequence number mod 256", () => {
      assert.deepEqual(buildFir(1, 2, 257), hex("84ce0004 00000001 00000000 00000002 01000000"));
    });

    it("parses back with werift-rtp's (unexported) FIR reader", () => {
      const [packet] = RtcpPacketConverter.deSerialize(buildFir(0x0a, 0xdeadbeef, 42));
      assert.ok(packet instanceof RtcpPayloadSpecificFeedback);
      const feedback = packet.feedback as unknown as { senderSsrc: number; fir: Array<{ ssrc: number; sequenceNumber: number }> };
      assert.equal(feedback.senderSsrc, 0x0a);
      assert.deepEqual(feedback.fir, [{ ssrc: 0xdeadbeef, sequenceNumber: 42 }]);
    });
  });

  describe("buildBye", () => {
    it("encodes one SSRC", () => {
      assert.deepEqual(buildBye([0x11223344]), hex("81cb0001 11223344"));
    });

    it("encodes two SSRCs", () => {
      assert.deepEqual(buildBye([0x11223344, 0x55667788]), hex("82cb0002 11223344 55667788"));
    });

    it("refuses 0 or more than 31 SSRCs", () => {
      assert.throws(() => buildBye([]), RangeError);
      assert.throws(() => buildBye(new Array<number>(32).fill(1)), RangeError);
    });

    it("compound form is an empty RR then the BYE, 16 bytes", () => {
      assert.deepEqual(buildCompoundBye(0xaabbccdd, [0x11223344]), hex("80c90001 aabbccdd 81cb0001 11223344"));
    });
  });

  describe("stripRtcpBye", () => {
    const rr = hex("80c90001 cafebabe");
    const bye = hex("81cb0001 cafebabe");
    it("keeps a datagram without BYE as it is", () => {
      assert.equal(stripRtcpBye(rr), rr);
    });
    it("removes the BYE from a compound packet", () => {
      assert.deepEqual(stripRtcpBye(Buffer.concat([rr, bye, rr])), Buffer.concat([rr, rr]));
    });
    it("returns undefined when only BYE is left", () => {
      assert.equal(stripRtcpBye(bye), undefined);
    });
    it("keeps a malformed tail", () => {
      assert.deepEqual(stripRtcpBye(Buffer.concat([bye, hex("80c90009 00")])), hex("80c90009 00"));
    });
  });

  describe("buildSdesCname", () => {
    it("ends the item list with a null octet even on a word boundary (2-byte CNAME)", () => {
      assert.deepEqual(buildSdesCname(0x01020304, "ab"), hex("81ca0003 01020304 01026162 00000000"));
    });

    it("pads a 3-byte CNAME", () => {
      assert.deepEqual(buildSdesCname(0x01020304, "abc"), hex("81ca0003 01020304 01036162 63000000"));
    });

    it("pads a 6-byte CNAME", () => {
      assert.deepEqual(
        buildSdesCname(0x01020304, "abcdef"),
        hex("81ca0004 01020304 01066162 63646566 00000000"),
      );
    });

    it("refuses an empty or over-long CNAME", () => {
      assert.throws(() => buildSdesCname(1, ""), RangeError);
      assert.throws(() => buildSdesCname(1, "x".repeat(256)), RangeError);
    });
  });

  describe("buildReceiverReport", () => {
    const block = {
      ssrc: 0x0a0b0c0d,
      fractionLost: 0x40,
      packetsLost: 3,
      highestSequence: 0x0001000f,
      jitter: 0x12,
      lsr: 0xaabbccdd,
      dlsr: 0x00010000,
    };

    it("is RR with one block followed by SDES CNAME", () => {
      assert.deepEqual(
        buildReceiverReport(0x01020304, [block], "ab"),
        hex(
          "81c90007 01020304" +
            " 0a0b0c0d 40000003 0001000f 00000012 aabbccdd 00010000" +
            " 81ca0003 01020304 01026162 00000000",
        ),
      );
    });

    it("writes a negative cumulative loss as 24-bit two's complement and clamps", () => {
      const buf = buildReceiverReport(1, [{ ...block, packetsLost: -1, fractionLost: 300, jitter: 12.9 }], "ab");
      assert.deepEqual(buf.subarray(12, 20), hex("ff ffffff 0001000f"));
      assert.deepEqual(buf.subarray(20, 24), hex("0000000c"));
      const clamped = buildReceiverReport(1, [{ ...block, packetsLost: -0x900000 }], "ab");
      assert.deepEqual(clamped.subarray(13, 16), hex("800000"));
    });

    it("with no blocks is an 8-byte RR plus SDES", () => {
      assert.deepEqual(
        buildReceiverReport(0x01020304, [], "ab"),
        hex("80c90001 01020304 81ca0003 01020304 01026162 00000000"),
      );
    });

    it("parses back with werift-rtp", () => {
      const packets = RtcpPacketConverter.deSerialize(buildReceiverReport(0x01020304, [block], "sipcast@x"));
      assert.equal(packets.length, 2);
      const [rr, sdes] = packets;
      assert.ok(rr instanceof RtcpRrPacket);
      assert.ok(sdes instanceof RtcpSourceDescriptionPacket);
      assert.deepEqual(rr.reports[0].toJSON(), block);
      assert.equal(sdes.chunks[0].source, 0x01020304);
      assert.deepEqual(
        sdes.chunks[0].items.map((i) => [i.type, i.text]),
        [[1, "sipcast@x"]],
      );
    });

    it("keeps at most 31 blocks", () => {
      const blocks = Array.from({ length: 40 }, (_, i) => ({ ...block, ssrc: i + 1 }));
      const buf = buildReceiverReport(1, blocks, "ab");
      assert.equal(buf[0] & 0x1f, 31);
      assert.equal(buf.readUInt16BE(2), 1 + 31 * 6);
    });
  });
});
