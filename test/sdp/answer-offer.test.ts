import assert from "node:assert/strict";
import { SdpError, answerOffer, buildOffer, negotiateAnswer } from "../../src/sdp";
import { BARESIP_HOLD_OFFER, BARESIP_OFFER, BARESIP_RESUME_OFFER, sdp } from "./sdp-fixtures";

const LOCAL = { address: "127.0.0.1", audioPort: 27100, videoPort: 27102, sessionId: 1234, sessionVersion: 1 };
const HEAD = ["v=0", "o=- 7 7 IN IP4 198.51.100.20", "s=-", "c=IN IP4 198.51.100.20", "t=0 0"];

function lines(text: string): string[] {
  assert.ok(text.endsWith("\r\n"));
  return text.split("\r\n").slice(0, -1);
}

function sdpError(code: string): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof SdpError, `expected SdpError, got ${String(e)}`);
    assert.equal(e.code, code);
    return true;
  };
}

describe("sdp/answerOffer", () => {
  it("answers baresip's real offer with its first supported codecs, our ports and version + 1", () => {
    const { sdp: answer, media, sessionVersion } = answerOffer(BARESIP_OFFER, LOCAL);
    assert.equal(sessionVersion, 2);
    assert.deepEqual(lines(answer), [
      "v=0",
      "o=sipcast 1234 2 IN IP4 127.0.0.1",
      "s=sipcast",
      "c=IN IP4 127.0.0.1",
      "t=0 0",
      "m=audio 27100 RTP/AVP 0 101",
      "a=rtpmap:0 PCMU/8000",
      "a=rtpmap:101 telephone-event/8000",
      "a=fmtp:101 0-15",
      "a=ptime:20",
      "a=sendrecv",
      "m=video 27102 RTP/AVP 96",
      "a=rtpmap:96 H264/90000",
      "a=fmtp:96 profile-level-id=42e01f;packetization-mode=0",
      "a=rtcp-fb:* nack pli",
      "a=sendrecv",
    ]);
    assert.deepEqual(media.audio, {
      kind: "audio",
      mlineIndex: 0,
      codec: "PCMU",
      payloadType: 0,
      receivePayloadTypes: [0],
      clockRate: 8000,
      channels: 1,
      telephoneEvent: { payloadType: 101, clockRate: 8000 },
      remoteAddress: "127.0.0.1",
      remoteRtpPort: 26288,
      remoteRtcpPort: 26289,
      rtcpMux: false,
      remoteDirection: "sendrecv",
      remoteSsrcs: [3985353902],
      feedback: { nack: false, pli: false, fir: false },
      localPort: 27100,
    });
    assert.equal(media.video?.payloadType, 96);
    assert.equal(media.video?.fmtp, "packetization-mode=0;profile-level-id=42e01f");
    assert.deepEqual(media.video?.feedback, { nack: false, pli: true, fir: false });
    assert.deepEqual(media.video?.remoteSsrcs, [2288997881]);
  });

  it("answers baresip's hold re-INVITE (sendonly) with recvonly, then its resume with sendrecv", () => {
    const hold = answerOffer(BARESIP_HOLD_OFFER, { ...LOCAL, sessionVersion: 2 });
    assert.equal(hold.sessionVersion, 3);
    const held = lines(hold.sdp);
    assert.equal(held[1], "o=sipcast 1234 3 IN IP4 127.0.0.1");
    assert.deepEqual(held.filter((l) => /^a=(send|recv|inactive)/.test(l)), ["a=recvonly", "a=recvonly"]);
    assert.ok(held.includes("m=video 27102 RTP/AVP 97"));
    assert.ok(held.includes("a=fmtp:97 profile-level-id=42e01f;packetization-mode=1"));
    assert.equal(hold.media.audio?.remoteDirection, "sendonly");
    assert.equal(hold.media.video?.remoteDirection, "sendonly");
    assert.equal(hold.media.video?.payloadType, 97);

    const resume = answerOffer(BARESIP_RESUME_OFFER, { ...LOCAL, sessionVersion: hold.sessionVersion });
    assert.equal(lines(resume.sdp)[1], "o=sipcast 1234 4 IN IP4 127.0.0.1");
    assert.deepEqual(lines(resume.sdp).filter((l) => /^a=(send|recv|inactive)/.test(l)), ["a=sendrecv", "a=sendrecv"]);
    assert.equal(resume.media.audio?.remoteDirection, "sendrecv");
  });

  it("mirrors inactive and recvonly, and reads c=0.0.0.0 (RFC 2543 hold) as sendonly", () => {
    const offer = sdp(...HEAD, "m=audio 5004 RTP/AVP 0", "a=inactive", "m=video 5006 RTP/AVP 96", "a=rtpmap:96 H264/90000", "a=recvonly");
    const answer = lines(answerOffer(offer, LOCAL).sdp);
    assert.deepEqual(answer.filter((l) => /^a=(send|recv|inactive)/.test(l)), ["a=inactive", "a=sendonly"]);

    const oldHold = sdp("v=0", "o=- 7 8 IN IP4 198.51.100.20", "s=-", "c=IN IP4 0.0.0.0", "t=0 0", "m=audio 5004 RTP/AVP 0");
    const result = answerOffer(oldHold, LOCAL);
    assert.equal(result.media.audio?.remoteDirection, "sendonly");
    assert.ok(lines(result.sdp).includes("a=recvonly"));
  });

  it("rejects m=application, kinds without a local port, SRTP and second lines of a kind with port 0", () => {
    const offer = sdp(
      ...HEAD,
      "m=audio 5004 RTP/SAVP 0",
      "m=audio 5008 RTP/AVP 8 0",
      "m=audio 5010 RTP/AVP 0",
      "m=video 5006 RTP/AVP 96",
      "a=rtpmap:96 VP8/90000",
      "m=application 5012 UDP/BFCP *",
    );
    const { sdp: answer, media } = answerOffer(offer, { ...LOCAL, videoPort: undefined });
    assert.deepEqual(lines(answer).filter((l) => l.startsWith("m=")), [
      "m=audio 0 RTP/SAVP 0",
      "m=audio 27100 RTP/AVP 8",
      "m=audio 0 RTP/AVP 0",
      "m=video 0 RTP/AVP 96",
      "m=application 0 UDP/BFCP *",
    ]);
    assert.equal(media.audio?.codec, "PCMA");
    assert.equal(media.audio?.mlineIndex, 1);
    assert.equal(media.audio?.telephoneEvent, undefined);
    assert.equal(media.video, undefined);
  });

  it("answers opus with its fmtp and the telephone-event at the codec's clock", () => {
    const offer = sdp(
      ...HEAD,
      "m=audio 5004 RTP/AVP 107 9 100 101",
      "a=rtpmap:107 opus/48000/2",
      "a=fmtp:107 minptime=10;useinbandfec=1",
      "a=rtpmap:100 telephone-event/8000",
      "a=rtpmap:101 telephone-event/48000",
    );
    const { sdp: answer, media } = answerOffer(offer, LOCAL);
    assert.deepEqual(lines(answer).slice(5), [
      "m=audio 27100 RTP/AVP 107 101",
      "a=rtpmap:107 opus/48000/2",
      "a=rtpmap:101 telephone-event/48000",
      "a=fmtp:107 useinbandfec=1",
      "a=fmtp:101 0-16",
      "a=ptime:20",
      "a=sendrecv",
    ]);
    assert.equal(media.audio?.channels, 2);
    assert.deepEqual(media.audio?.telephoneEvent, { payloadType: 101, clockRate: 48000 });
  });

  it("declines rtcp-mux, so RTCP still goes to a=rtcp or port + 1", () => {
    const offer = sdp(...HEAD, "m=audio 5004 RTP/AVP 0", "a=rtcp-mux", "m=video 5006 RTP/AVP 96", "a=rtpmap:96 H264/90000", "a=rtcp:5020", "a=rtcp-mux");
    const { sdp: answer, media } = answerOffer(offer, LOCAL);
    assert.ok(!answer.includes("rtcp-mux"));
    assert.equal(media.audio?.rtcpMux, false);
    assert.equal(media.audio?.remoteRtcpPort, 5005);
    assert.equal(media.video?.remoteRtcpPort, 5020);
  });

  it("is understood by negotiateAnswer when two sipcast ends talk", () => {
    const offer = buildOffer({ address: "127.0.0.1", audioPort: 30000, videoPort: 30002, sessionId: 9 });
    const answered = answerOffer(offer.sdp, LOCAL);
    const media = negotiateAnswer(offer, answered.sdp);
    assert.equal(media.audio?.codec, "PCMU");
    assert.equal(media.audio?.remoteRtpPort, 27100);
    assert.deepEqual(media.audio?.telephoneEvent, { payloadType: 101, clockRate: 8000 });
    assert.equal(media.video?.codec, "H264");
    assert.equal(media.video?.payloadType, 96);
    assert.deepEqual(media.video?.feedback, { nack: true, pli: true, fir: true });
    assert.deepEqual(answered.media.video?.feedback, { nack: true, pli: true, fir: true });
  });

  it("throws NO_COMMON_CODECS when no line is usable and MALFORMED_SDP when unreadable", () => {
    assert.throws(() => answerOffer(sdp(...HEAD, "m=audio 5004 RTP/AVP 18", "a=rtpmap:18 G729/8000"), LOCAL), sdpError("NO_COMMON_CODECS"));
    assert.throws(() => answerOffer(sdp(...HEAD, "m=application 5012 UDP/BFCP *"), LOCAL), sdpError("NO_COMMON_CODECS"));
    assert.throws(() => answerOffer("hello", LOCAL), sdpError("MALFORMED_SDP"));
    assert.throws(() => answerOffer(sdp("v=0", "o=- 7 7 IN IP4 198.51.100.20", "s=-", "t=0 0", "m=audio 5004 RTP/AVP 0"), LOCAL), sdpError("MALFORMED_SDP"));
  });
});
