import assert from "node:assert/strict";
import { parse } from "sdp-transform";
import { ConfigError } from "../../src/errors";
import { answerOffer, buildOffer, ffmpegInputSdp, negotiateAnswer, type NegotiatedMedia } from "../../src/sdp";
import { BARESIP_STYLE_ANSWER_PT100, SPROP_PARAMETER_SETS, sdp } from "./sdp-fixtures";

const HEAD = ["v=0", "o=- 0 0 IN IP4 127.0.0.1", "s=sipcast", "c=IN IP4 127.0.0.1", "t=0 0"];

describe("sdp/ffmpegInputSdp", () => {
  let media: NegotiatedMedia;
  beforeEach(() => {
    const offer = buildOffer({ address: "127.0.0.1", audioPort: 27100, videoPort: 27102, sessionId: 1 });
    media = negotiateAnswer(offer, BARESIP_STYLE_ANSWER_PT100);
  });

  it("describes audio and video, one payload each, no telephone-event", () => {
    assert.equal(
      ffmpegInputSdp(media, { audio: 41000, video: 41002 }),
      sdp(
        ...HEAD,
        "m=audio 41000 RTP/AVP 0",
        "a=rtpmap:0 PCMU/8000",
        "m=video 41002 RTP/AVP 100",
        "a=rtpmap:100 H264/90000",
        `a=fmtp:100 packetization-mode=1;profile-level-id=42c01e;sprop-parameter-sets=${SPROP_PARAMETER_SETS}`,
      ),
    );
  });

  it("describes audio only", () => {
    assert.equal(ffmpegInputSdp({ audio: media.audio }, { audio: 41000, video: 41002 }), sdp(...HEAD, "m=audio 41000 RTP/AVP 0", "a=rtpmap:0 PCMU/8000"));
  });

  it("describes video only, also when audio was negotiated but gets no port", () => {
    const expected = sdp(
      ...HEAD,
      "m=video 41002 RTP/AVP 100",
      "a=rtpmap:100 H264/90000",
      `a=fmtp:100 packetization-mode=1;profile-level-id=42c01e;sprop-parameter-sets=${SPROP_PARAMETER_SETS}`,
    );
    assert.equal(ffmpegInputSdp(media, { video: 41002 }), expected);
    assert.equal(ffmpegInputSdp({ video: media.video }, { video: 41002 }), expected);
  });

  it("keeps opus's channel count and fmtp", () => {
    const offer = sdp("v=0", "o=- 7 7 IN IP4 198.51.100.20", "s=-", "c=IN IP4 198.51.100.20", "t=0 0", "m=audio 5004 RTP/AVP 107 101", "a=rtpmap:107 opus/48000/2", "a=fmtp:107 useinbandfec=1", "a=rtpmap:101 telephone-event/48000");
    const { media: opus } = answerOffer(offer, { address: "127.0.0.1", audioPort: 27100, sessionId: 1, sessionVersion: 1 });
    const text = ffmpegInputSdp(opus, { audio: 41000 });
    assert.equal(text, sdp(...HEAD, "m=audio 41000 RTP/AVP 107", "a=rtpmap:107 opus/48000/2", "a=fmtp:107 useinbandfec=1"));
    assert.deepEqual(parse(text).media.map((m) => m.payloads), [107]);
  });

  it("throws ConfigError when no negotiated stream has a port", () => {
    assert.throws(() => ffmpegInputSdp({ video: media.video }, { audio: 41000 }), ConfigError);
    assert.throws(() => ffmpegInputSdp({}, { audio: 41000, video: 41002 }), ConfigError);
    assert.throws(() => ffmpegInputSdp(media, { audio: 65535 }), ConfigError);
  });
});
