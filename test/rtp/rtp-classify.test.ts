import assert from "node:assert/strict";
import { looksLikeRtcp, parseRtp, rtpPayloadType } from "../../src/rtp/rtp-classify";
import { rtp } from "./helpers/udp";

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ""), "hex");

describe("rtp/rtp-classify", () => {
  it("tells RTCP (PT 192-223) from RTP, marker bit included", () => {
    assert.equal(looksLikeRtcp(hex("80c80006 cafebabe")), true);
    assert.equal(looksLikeRtcp(hex("81ce0002 00000001 00000002")), true);
    assert.equal(looksLikeRtcp(rtp({ payloadType: 96, sequenceNumber: 1 })), false);
    assert.equal(looksLikeRtcp(rtp({ payloadType: 0, sequenceNumber: 1, marker: true })), false);
    assert.equal(looksLikeRtcp(hex("40c80006 cafebabe")), false, "version 1");
    assert.equal(looksLikeRtcp(hex("80c80006")), false, "too short");
  });

  it("reads the payload type without the marker bit", () => {
    assert.equal(rtpPayloadType(rtp({ payloadType: 101, sequenceNumber: 1, marker: true })), 101);
  });

  it("parses valid RTP and rejects short, wrong-version and truncated packets", () => {
    const packet = parseRtp(rtp({ payloadType: 8, sequenceNumber: 513, timestamp: 7, ssrc: 9 }));
    assert.deepEqual(
      packet && [packet.header.payloadType, packet.header.sequenceNumber, packet.header.timestamp, packet.header.ssrc],
      [8, 513, 7, 9],
    );
    assert.equal(parseRtp(hex("8000 0001 00000000")), undefined);
    assert.equal(parseRtp(hex("4000 0001 00000000 00000000 00")), undefined);
    // CC=15 promises 60 bytes of CSRCs that are not there.
    assert.equal(parseRtp(hex("8f00 0001 00000000 00000000 00000001")), undefined);
  });
});
