import assert from "node:assert/strict";
import { SdpError, buildOffer, negotiateAnswer, type LocalOffer } from "../../src/sdp";
import { BARESIP_ANSWER, BARESIP_STYLE_ANSWER_PT100, SPROP_PARAMETER_SETS, sdp } from "./sdp-fixtures";

const HEAD = ["v=0", "o=- 1 1 IN IP4 198.51.100.20", "s=-", "c=IN IP4 198.51.100.20", "t=0 0"];

function sdpError(code: string): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof SdpError, `expected SdpError, got ${String(e)}`);
    assert.equal(e.code, code);
    return true;
  };
}

describe("sdp/negotiateAnswer", () => {
  let offer: LocalOffer;
  beforeEach(() => {
    offer = buildOffer({ address: "127.0.0.1", audioPort: 27100, videoPort: 27102, sessionId: 1234 });
  });

  it("reads baresip's real answer: PCMU + telephone-event, H264 mode 1, ssrc, nack pli, RTCP at port+1", () => {
    const media = negotiateAnswer(offer, BARESIP_ANSWER);
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
      remoteRtpPort: 26258,
      remoteRtcpPort: 26259,
      rtcpMux: false,
      remoteDirection: "sendrecv",
      remoteSsrcs: [360975561],
      feedback: { nack: false, pli: false, fir: false },
      localPort: 27100,
    });
    assert.deepEqual(media.video, {
      kind: "video",
      mlineIndex: 1,
      codec: "H264",
      payloadType: 96,
      receivePayloadTypes: [96, 97],
      clockRate: 90000,
      channels: 1,
      fmtp: "packetization-mode=1;profile-level-id=42e01f",
      remoteAddress: "127.0.0.1",
      remoteRtpPort: 26222,
      remoteRtcpPort: 26223,
      rtcpMux: false,
      remoteDirection: "sendrecv",
      remoteSsrcs: [641799366],
      feedback: { nack: false, pli: true, fir: false },
      localPort: 27102,
    });
  });

  it("takes the answer's H264 number (100) and fmtp with sprop-parameter-sets, and still receives ours", () => {
    const { audio, video } = negotiateAnswer(offer, BARESIP_STYLE_ANSWER_PT100);
    assert.equal(audio?.codec, "PCMU");
    assert.equal(audio?.remoteAddress, "198.51.100.20");
    assert.equal(video?.codec, "H264");
    assert.equal(video?.payloadType, 100);
    assert.deepEqual(video?.receivePayloadTypes, [100, 96, 97]);
    assert.equal(video?.fmtp, `packetization-mode=1;profile-level-id=42c01e;sprop-parameter-sets=${SPROP_PARAMETER_SETS}`);
    assert.deepEqual(video?.feedback, { nack: false, pli: true, fir: false });
  });

  it("matches renumbered dynamic payloads by name and clock rate (opus 109, telephone-event 110, VP8 120)", () => {
    const answer = sdp(
      ...HEAD,
      "m=audio 5004 RTP/AVP 109 110",
      "a=rtpmap:109 OPUS/48000/2",
      "a=fmtp:109 useinbandfec=1;minptime=10",
      "a=rtpmap:110 telephone-event/8000",
      "m=video 5006 RTP/AVP 120",
      "a=rtpmap:120 vp8/90000",
      "a=rtcp-fb:120 nack",
      "a=rtcp-fb:120 nack pli",
      "a=rtcp-fb:96 ccm fir",
    );
    const { audio, video } = negotiateAnswer(offer, answer);
    assert.equal(audio?.codec, "opus");
    assert.equal(audio?.payloadType, 109);
    assert.deepEqual(audio?.receivePayloadTypes, [109, 111]);
    assert.equal(audio?.clockRate, 48000);
    assert.equal(audio?.channels, 2);
    assert.equal(audio?.fmtp, "useinbandfec=1;minptime=10");
    assert.deepEqual(audio?.telephoneEvent, { payloadType: 110, clockRate: 8000 });
    assert.equal(video?.codec, "VP8");
    assert.equal(video?.payloadType, 120);
    assert.deepEqual(video?.receivePayloadTypes, [120, 98]);
    assert.deepEqual(video?.feedback, { nack: true, pli: true, fir: false });
  });

  it("with opus, takes the answer's telephone-event on 48 kHz over the 8 kHz one; with PCMU the 8 kHz one", () => {
    const opus = negotiateAnswer(
      offer,
      sdp(...HEAD, "m=audio 5004 RTP/AVP 111 101 110", "a=rtpmap:111 opus/48000/2", "a=rtpmap:101 telephone-event/8000", "a=rtpmap:110 telephone-event/48000"),
    );
    assert.deepEqual(opus.audio?.telephoneEvent, { payloadType: 110, clockRate: 48000 });
    const pcmu = negotiateAnswer(
      offer,
      sdp(...HEAD, "m=audio 5004 RTP/AVP 0 110 101", "a=rtpmap:0 PCMU/8000", "a=rtpmap:110 telephone-event/48000", "a=rtpmap:101 telephone-event/8000"),
    );
    assert.deepEqual(pcmu.audio?.telephoneEvent, { payloadType: 101, clockRate: 8000 });
  });

  it("takes the answer's first codec that we offered, and never one of our numbers the answer gave to another codec", () => {
    const answer = sdp(
      ...HEAD,
      "m=audio 5004 RTP/AVP 18 8 0",
      "a=rtpmap:18 G729/8000",
      "m=video 5006 RTP/AVP 100 96",
      "a=rtpmap:100 H264/90000",
      "a=fmtp:100 profile-level-id=640028;packetization-mode=1",
      "a=rtpmap:96 VP8/90000",
    );
    const { audio, video } = negotiateAnswer(offer, answer);
    assert.equal(audio?.codec, "PCMA");
    assert.equal(audio?.payloadType, 8);
    assert.deepEqual(audio?.receivePayloadTypes, [8]);
    assert.equal(audio?.telephoneEvent, undefined);
    assert.equal(video?.codec, "H264");
    assert.deepEqual(video?.receivePayloadTypes, [100, 97]);
  });

  it("reads H264 without packetization-mode as mode 0 and refuses mode 2", () => {
    const mode0 = negotiateAnswer(offer, sdp(...HEAD, "m=video 5006 RTP/AVP 126", "a=rtpmap:126 H264/90000", "a=fmtp:126 profile-level-id=42801f"));
    assert.equal(mode0.video?.payloadType, 126);
    assert.equal(mode0.audio, undefined);
    const mode2 = sdp(...HEAD, "m=video 5006 RTP/AVP 126", "a=rtpmap:126 H264/90000", "a=fmtp:126 packetization-mode=2");
    assert.throws(() => negotiateAnswer(offer, mode2), sdpError("NO_COMMON_CODECS"));
  });

  it("accepts static payloads without rtpmap", () => {
    const { audio } = negotiateAnswer(offer, sdp(...HEAD, "m=audio 5004 RTP/AVP 9", "m=video 0 RTP/AVP 96"));
    assert.equal(audio?.codec, "G722");
    assert.equal(audio?.clockRate, 8000);
  });

  it("treats m=video 0 as no video, keeping audio", () => {
    const answer = sdp(...HEAD, "m=audio 5004 RTP/AVP 0", "a=rtpmap:0 PCMU/8000", "m=video 0 RTP/AVP 96", "a=rtpmap:96 H264/90000");
    const media = negotiateAnswer(offer, answer);
    assert.equal(media.video, undefined);
    assert.equal(media.audio?.payloadType, 0);
  });

  it("treats a kind without a common codec as absent", () => {
    const answer = sdp(...HEAD, "m=audio 5004 RTP/AVP 0", "m=video 5006 RTP/AVP 34", "a=rtpmap:34 H263/90000");
    const media = negotiateAnswer(offer, answer);
    assert.equal(media.video, undefined);
    assert.equal(media.audio?.codec, "PCMU");
  });

  it("throws NO_COMMON_CODECS when nothing is usable", () => {
    const answer = sdp(...HEAD, "m=audio 5004 RTP/AVP 18", "a=rtpmap:18 G729/8000", "m=video 0 RTP/AVP 96");
    assert.throws(() => negotiateAnswer(offer, answer), sdpError("NO_COMMON_CODECS"));
    const audioOnly = buildOffer({ address: "127.0.0.1", audioPort: 27100, sessionId: 1, audioCodecs: ["opus"] });
    assert.throws(() => negotiateAnswer(audioOnly, sdp(...HEAD, "m=audio 5004 RTP/AVP 0")), sdpError("NO_COMMON_CODECS"));
  });

  it("sends RTCP to a=rtcp when given, to the RTP port with rtcp-mux", () => {
    const answer = sdp(
      ...HEAD,
      "m=audio 5004 RTP/AVP 0",
      "a=rtcp:5010 IN IP4 198.51.100.20",
      "m=video 5006 RTP/AVP 96",
      "a=rtpmap:96 H264/90000",
      "a=fmtp:96 packetization-mode=1",
      "a=rtcp-mux",
    );
    const { audio, video } = negotiateAnswer(offer, answer);
    assert.equal(audio?.remoteRtcpPort, 5010);
    assert.equal(audio?.rtcpMux, false);
    assert.equal(video?.remoteRtcpPort, 5006);
    assert.equal(video?.rtcpMux, true);
  });

  it("prefers the m-level c= over the session c=, and needs one of them", () => {
    const answer = sdp(
      ...HEAD,
      "m=audio 5004 RTP/AVP 0",
      "c=IN IP4 198.51.100.30",
      "m=video 5006 RTP/AVP 96",
      "a=rtpmap:96 H264/90000",
    );
    const { audio, video } = negotiateAnswer(offer, answer);
    assert.equal(audio?.remoteAddress, "198.51.100.30");
    assert.equal(video?.remoteAddress, "198.51.100.20");

    const mediaOnly = sdp("v=0", "o=- 1 1 IN IP4 198.51.100.20", "s=-", "t=0 0", "m=audio 5004 RTP/AVP 0", "c=IN IP4 198.51.100.31", "m=video 0 RTP/AVP 96");
    assert.equal(negotiateAnswer(offer, mediaOnly).audio?.remoteAddress, "198.51.100.31");

    const none = sdp("v=0", "o=- 1 1 IN IP4 198.51.100.20", "s=-", "t=0 0", "m=audio 5004 RTP/AVP 0");
    assert.throws(() => negotiateAnswer(offer, none), sdpError("MALFORMED_SDP"));
  });

  it("reads the direction from the m-line, else the session", () => {
    const answer = sdp(...HEAD, "a=recvonly", "m=audio 5004 RTP/AVP 0", "m=video 5006 RTP/AVP 96", "a=rtpmap:96 H264/90000", "a=inactive");
    const { audio, video } = negotiateAnswer(offer, answer);
    assert.equal(audio?.remoteDirection, "recvonly");
    assert.equal(video?.remoteDirection, "inactive");
  });

  it("pairs by m-line index for an audio-only offer and ignores extra answer lines", () => {
    const audioOnly = buildOffer({ address: "127.0.0.1", audioPort: 27100, sessionId: 1 });
    const media = negotiateAnswer(audioOnly, BARESIP_ANSWER);
    assert.equal(media.video, undefined);
    assert.equal(media.audio?.localPort, 27100);
    const videoOnly = buildOffer({ address: "127.0.0.1", videoPort: 27102, sessionId: 1 });
    const v = negotiateAnswer(videoOnly, sdp(...HEAD, "m=video 5006 RTP/AVP 96", "a=rtpmap:96 H264/90000", "a=fmtp:96 packetization-mode=1"));
    assert.equal(v.video?.mlineIndex, 0);
    assert.equal(v.audio, undefined);
  });

  it("throws MALFORMED_SDP on text that is not SDP or has an unreadable m= line", () => {
    assert.throws(() => negotiateAnswer(offer, ""), sdpError("MALFORMED_SDP"));
    assert.throws(() => negotiateAnswer(offer, "SIP/2.0 200 OK\r\n\r\n"), sdpError("MALFORMED_SDP"));
    assert.throws(() => negotiateAnswer(offer, sdp(...HEAD, "m=audio port RTP/AVP 0")), sdpError("MALFORMED_SDP"));
  });
});
