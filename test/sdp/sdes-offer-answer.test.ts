import assert from "node:assert/strict";
import { answerOffer, buildOffer, negotiateAnswer, SdpError } from "../../src/sdp";
import type { SdesKey } from "../../src/srtp/sdes-crypto";
import { BARESIP_ANSWER, sdp } from "./sdp-fixtures";

const K80: SdesKey = { tag: 1, suite: "AES_CM_128_HMAC_SHA1_80", keyMaterial: Buffer.alloc(30, 1) };
const K32: SdesKey = { tag: 2, suite: "AES_CM_128_HMAC_SHA1_32", keyMaterial: Buffer.alloc(30, 2) };
const PEER = Buffer.alloc(30, 9);
const PEER_INLINE = `inline:${PEER.toString("base64")}`;
const HEAD = ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0"];

function offer(protocol: "RTP/AVP" | "RTP/SAVP", required: boolean) {
  return buildOffer({ address: "127.0.0.1", audioPort: 27100, audioCodecs: ["PCMU"], sessionId: 7, srtp: { protocol, required, keys: { audio: [K80, K32] } } });
}

function audioAnswer(protocol: string, ...crypto: string[]): string {
  return sdp(...HEAD, `m=audio 26258 ${protocol} 0 101`, "a=rtpmap:0 PCMU/8000", "a=rtpmap:101 telephone-event/8000", ...crypto.map((c) => `a=crypto:${c}`), "a=sendrecv");
}

function sdpError(code: string): (e: unknown) => boolean {
  return (e) => e instanceof SdpError && e.code === code;
}

describe("sdp: SDES keys in offers and answers (RFC 4568)", () => {
  it("offers one a=crypto line per key on the protocol asked for", () => {
    for (const protocol of ["RTP/AVP", "RTP/SAVP"] as const) {
      const text = offer(protocol, false).sdp;
      assert.match(text, new RegExp(`^m=audio 27100 ${protocol} 0 101\\r$`, "m"));
      assert.match(text, new RegExp(`^a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${K80.keyMaterial.toString("base64").replace(/\+/g, "\\+")}\\r$`, "m"));
      assert.match(text, /^a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:\S+\r$/m);
    }
    assert.doesNotMatch(buildOffer({ address: "127.0.0.1", audioPort: 27100 }).sdp, /crypto|SAVP/);
  });

  it("takes the key of the answer line whose tag and suite match ours (RTP/SAVP and RTP/AVP answers)", () => {
    for (const protocol of ["RTP/SAVP", "RTP/AVP"]) {
      const media = negotiateAnswer(offer("RTP/SAVP", false), audioAnswer(protocol, `2 AES_CM_128_HMAC_SHA1_32 ${PEER_INLINE}`));
      assert.equal(media.audio?.srtp?.suite, "AES_CM_128_HMAC_SHA1_32");
      assert.deepEqual(media.audio?.srtp?.local, K32);
      assert.deepEqual(media.audio?.srtp?.remote.keyMaterial, PEER);
    }
  });

  it("offered: an answer without a usable key is plain RTP; RTP/SAVP without one is not usable", () => {
    assert.equal(negotiateAnswer(offer("RTP/AVP", false), BARESIP_ANSWER).audio?.srtp, undefined);
    // A tag we did not offer, or a suite that does not match the tag, is no key.
    assert.equal(negotiateAnswer(offer("RTP/AVP", false), audioAnswer("RTP/AVP", `3 AES_CM_128_HMAC_SHA1_80 ${PEER_INLINE}`)).audio?.srtp, undefined);
    assert.throws(() => negotiateAnswer(offer("RTP/AVP", false), audioAnswer("RTP/SAVP", `1 AES_CM_128_HMAC_SHA1_32 ${PEER_INLINE}`)), sdpError("NO_COMMON_CODECS"));
  });

  it("required: an answer without a key fails with SRTP_REFUSED", () => {
    assert.throws(() => negotiateAnswer(offer("RTP/SAVP", true), audioAnswer("RTP/AVP")), sdpError("SRTP_REFUSED"));
    assert.throws(() => negotiateAnswer(offer("RTP/SAVP", true), audioAnswer("RTP/SAVP", `1 AES_CM_128_HMAC_SHA1_80 inline:short`)), sdpError("SRTP_REFUSED"));
  });

  const local = { address: "127.0.0.1", audioPort: 27100, sessionId: 7, sessionVersion: 1 };
  const policy = (required: boolean) => ({ required, localKeyFor: (_kind: string, suite: string) => (suite === K32.suite ? K32 : K80) });

  it("answers a re-INVITE's key with ours for the suite it lists first, under its tag and protocol", () => {
    const reOffer = audioAnswer("RTP/SAVP", `5 AEAD_AES_256_GCM inline:${Buffer.alloc(44).toString("base64")}`, `6 AES_CM_128_HMAC_SHA1_32 ${PEER_INLINE}`, `7 AES_CM_128_HMAC_SHA1_80 ${PEER_INLINE}`);
    const answer = answerOffer(reOffer, { ...local, srtp: policy(false) });
    assert.match(answer.sdp, /^m=audio 27100 RTP\/SAVP 0 101\r$/m);
    assert.match(answer.sdp, new RegExp(`^a=crypto:6 AES_CM_128_HMAC_SHA1_32 inline:${K32.keyMaterial.toString("base64")}\\r$`, "m"));
    assert.equal(answer.sdp.match(/a=crypto/g)?.length, 1);
    assert.deepEqual(answer.media.audio?.srtp, { suite: "AES_CM_128_HMAC_SHA1_32", remote: { tag: 6, suite: "AES_CM_128_HMAC_SHA1_32", keyMaterial: PEER }, local: { ...K32, tag: 6 } });
  });

  it("without SRTP rejects RTP/SAVP lines and answers RTP/AVP with keys as plain RTP", () => {
    assert.throws(() => answerOffer(audioAnswer("RTP/SAVP", `1 AES_CM_128_HMAC_SHA1_80 ${PEER_INLINE}`), local), sdpError("NO_COMMON_CODECS"));
    const plain = answerOffer(audioAnswer("RTP/AVP", `1 AES_CM_128_HMAC_SHA1_80 ${PEER_INLINE}`), local);
    assert.doesNotMatch(plain.sdp, /crypto/);
    assert.equal(plain.media.audio?.srtp, undefined);
  });

  it("required: an offer without a usable key gets SRTP_REFUSED (sip.js answers 488)", () => {
    assert.throws(() => answerOffer(audioAnswer("RTP/AVP"), { ...local, srtp: policy(true) }), sdpError("SRTP_REFUSED"));
    const offered = answerOffer(audioAnswer("RTP/AVP"), { ...local, srtp: policy(false) });
    assert.equal(offered.media.audio?.srtp, undefined);
  });
});
