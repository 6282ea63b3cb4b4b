import assert from "node:assert/strict";
import { parse, write } from "sdp-transform";
import { ConfigError } from "../../src/errors";
import { buildOffer } from "../../src/sdp";

const DEFAULT_OFFER_LINES = [
  "v=0",
  "o=sipcast 1234 1 IN IP4 203.0.113.7",
  "s=sipcast",
  "c=IN IP4 203.0.113.7",
  "t=0 0",
  "m=audio 40000 RTP/AVP 0 8 9 111 101 110",
  "a=rtpmap:0 PCMU/8000",
  "a=rtpmap:8 PCMA/8000",
  "a=rtpmap:9 G722/8000",
  "a=rtpmap:111 opus/48000/2",
  "a=rtpmap:101 telephone-event/8000",
  "a=rtpmap:110 telephone-event/48000",
  "a=fmtp:111 useinbandfec=1",
  "a=fmtp:101 0-16",
  "a=fmtp:110 0-16",
  "a=ptime:20",
  "a=sendrecv",
  "m=video 40002 RTP/AVP 96 97 98",
  "a=rtpmap:96 H264/90000",
  "a=rtpmap:97 H264/90000",
  "a=rtpmap:98 VP8/90000",
  "a=fmtp:96 profile-level-id=42e01f;packetization-mode=1",
  "a=fmtp:97 profile-level-id=42e01f;packetization-mode=0",
  "a=rtcp-fb:* nack",
  "a=rtcp-fb:* nack pli",
  "a=rtcp-fb:* ccm fir",
  "a=sendrecv",
];

describe("sdp/buildOffer", () => {
  const options = { address: "203.0.113.7", audioPort: 40000, videoPort: 40002, sessionId: 1234 };

  it("writes the default audio+video offer line by line, CRLF-terminated", () => {
    const offer = buildOffer(options);
    assert.ok(offer.sdp.endsWith("\r\n"));
    assert.deepEqual(offer.sdp.split("\r\n").slice(0, -1), DEFAULT_OFFER_LINES);
    assert.equal(offer.hasAudio, true);
    assert.equal(offer.hasVideo, true);
    assert.equal(offer.sessionId, 1234);
    assert.equal(offer.sessionVersion, 1);
  });

  it("round-trips through sdp-transform unchanged", () => {
    const offer = buildOffer(options);
    const parsed = parse(offer.sdp);
    assert.equal(write(parsed), offer.sdp);
    assert.equal(parsed.media.length, 2);
    assert.deepEqual(
      parsed.media[0].rtp.map((r) => [r.payload, r.codec, r.rate, r.encoding]),
      [[0, "PCMU", 8000, undefined], [8, "PCMA", 8000, undefined], [9, "G722", 8000, undefined], [111, "opus", 48000, 2], [101, "telephone-event", 8000, undefined], [110, "telephone-event", 48000, undefined]],
    );
    assert.equal(parsed.media[1].rtcpFb?.length, 3);
    assert.equal(parsed.media[1].rtcpMux, undefined);
  });

  it("records what it offered for reading the answer", () => {
    const offer = buildOffer(options);
    assert.deepEqual(offer.audio?.formats.map((f) => f.payloadType), [0, 8, 9, 111, 101, 110]);
    assert.deepEqual(offer.video?.formats.map((f) => `${f.payloadType} ${f.codec}`), ["96 H264", "97 H264", "98 VP8"]);
    assert.equal(offer.audio?.mlineIndex, 0);
    assert.equal(offer.video?.mlineIndex, 1);
    assert.equal(offer.video?.port, 40002);
  });

  it("leaves out m=video without videoPort (hasVideo false)", () => {
    const offer = buildOffer({ address: "203.0.113.7", audioPort: 40000, sessionId: 1, sessionVersion: 5, userName: "alice" });
    assert.equal(offer.hasVideo, false);
    assert.equal(offer.video, undefined);
    assert.deepEqual(offer.sdp.split("\r\n").slice(0, -1), ["v=0", "o=alice 1 5 IN IP4 203.0.113.7", ...DEFAULT_OFFER_LINES.slice(2, 17)]);
  });

  it("leaves out m=audio without audioPort (hasAudio false); video is then m-line 0", () => {
    const offer = buildOffer({ address: "203.0.113.7", videoPort: 40002, sessionId: 1234 });
    assert.equal(offer.hasAudio, false);
    assert.equal(offer.audio, undefined);
    assert.equal(offer.video?.mlineIndex, 0);
    assert.deepEqual(offer.sdp.split("\r\n").slice(0, -1), [...DEFAULT_OFFER_LINES.slice(0, 5), ...DEFAULT_OFFER_LINES.slice(17)]);
  });

  it("offers only the listed codecs, in the listed order, telephone-event always", () => {
    const offer = buildOffer({ ...options, audioCodecs: ["opus", "PCMA"], videoCodecs: ["VP8"] });
    const lines = offer.sdp.split("\r\n");
    assert.ok(lines.includes("m=audio 40000 RTP/AVP 111 8 101 110"));
    const pcmaOnly = buildOffer({ ...options, audioCodecs: ["PCMA"] }).sdp.split("\r\n");
    assert.ok(pcmaOnly.includes("m=audio 40000 RTP/AVP 8 101"), "48 kHz events only beside opus");
    assert.ok(lines.includes("m=video 40002 RTP/AVP 98"));
    assert.ok(!lines.some((l) => l.startsWith("a=rtpmap:0 ") || l.includes("H264")));
    assert.ok(lines.includes("a=rtcp-fb:* ccm fir"));
  });

  it("picks a random positive session id when none is given", () => {
    const a = buildOffer({ address: "203.0.113.7", audioPort: 40000 });
    assert.ok(Number.isInteger(a.sessionId) && a.sessionId > 0 && a.sessionId < 2 ** 31);
    assert.match(a.sdp, new RegExp(`^v=0\\r\\no=sipcast ${a.sessionId} 1 IN IP4 203\\.0\\.113\\.7\\r\\n`));
  });

  it("rejects unusable options with ConfigError", () => {
    assert.throws(() => buildOffer({ address: "203.0.113.7" }), ConfigError);
    assert.throws(() => buildOffer({ address: "example.org", audioPort: 40000 }), ConfigError);
    assert.throws(() => buildOffer({ address: "203.0.113.7", audioPort: 65535 }), ConfigError);
    assert.throws(() => buildOffer({ address: "203.0.113.7", videoPort: 1.5 }), ConfigError);
    assert.throws(() => buildOffer({ address: "203.0.113.7", audioPort: 40000, audioCodecs: [] }), ConfigError);
  });
});
