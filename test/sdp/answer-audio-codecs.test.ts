import { strict as assert } from "node:assert";
import { answerOffer, buildOffer } from "../../src/sdp";

describe("answerOffer: audioCodecs limits the audio codec the answer picks", () => {
  const offer = buildOffer({ address: "127.0.0.1", audioPort: 40000, videoPort: 40002 }).sdp;
  const local = { address: "127.0.0.1", audioPort: 50000, videoPort: 50002, sessionId: 1, sessionVersion: 0 };

  it("without it, the offer's first supported codec (PCMU); with it, the first allowed one in the offer's order", () => {
    assert.equal(answerOffer(offer, local).media.audio?.codec, "PCMU");
    assert.equal(answerOffer(offer, { ...local, audioCodecs: ["G722"] }).media.audio?.codec, "G722");
    assert.equal(answerOffer(offer, { ...local, audioCodecs: ["opus", "PCMA"] }).media.audio?.codec, "PCMA");
    assert.equal(answerOffer(offer, { ...local, audioCodecs: ["opus"] }).media.video?.codec, "H264", "video is untouched");
  });

  it("with no allowed codec in the offer the audio line is refused", () => {
    const pcmuOnly = buildOffer({ address: "127.0.0.1", audioPort: 40000, audioCodecs: ["PCMU"] }).sdp;
    assert.throws(() => answerOffer(pcmuOnly, { ...local, audioCodecs: ["opus"] }), /NO_COMMON_CODECS|no audio or video line/);
  });
});
