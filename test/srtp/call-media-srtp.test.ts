import assert from "node:assert/strict";
import { parse } from "sdp-transform";
import { CallMedia } from "../../src/call/call-media";
import { silentLogger } from "../../src/util/logger";

const PEER_KEY = Buffer.alloc(30, 7).toString("base64");
const OTHER_PEER_KEY = Buffer.alloc(30, 8).toString("base64");

function open(srtp: "off" | "offered" | "required"): Promise<CallMedia> {
  return CallMedia.open({ address: "127.0.0.1", bindAddress: "127.0.0.1", hasAudio: true, hasVideo: false, portRange: { min: 49000, max: 49999 }, cname: "t", logger: silentLogger, srtp });
}

function peerSdp(protocol: string, tag: number, key: string, version = 1): string {
  return ["v=0", `o=- 1 ${version} IN IP4 127.0.0.1`, "s=-", "c=IN IP4 127.0.0.1", "t=0 0", `m=audio 40000 ${protocol} 0`, "a=rtpmap:0 PCMU/8000", `a=crypto:${tag} AES_CM_128_HMAC_SHA1_80 inline:${key}`, "a=sendrecv", ""].join("\r\n");
}

const cryptoOf = (sdp: string): Array<{ id: number; suite: string; config: string }> => (parse(sdp).media[0] as { crypto?: Array<{ id: number; suite: string; config: string }> }).crypto ?? [];

describe("call/CallMedia with SRTP", () => {
  const opened: CallMedia[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((m) => m.close()));
  });

  it("offers fresh keys per call (RTP/AVP when offered, RTP/SAVP when required) and the same keys again in a refresh", async () => {
    const [a, b] = [await open("offered"), await open("required")];
    opened.push(a, b);
    const offerA = a.createOffer();
    assert.match(offerA, /m=audio \d+ RTP\/AVP /);
    assert.match(b.createOffer(), /m=audio \d+ RTP\/SAVP /);
    assert.equal(cryptoOf(offerA).length, 2);
    assert.notDeepEqual(cryptoOf(offerA), cryptoOf(b.createOffer()), "another call, other keys");
    await a.applyAnswer(peerSdp("RTP/AVP", 1, PEER_KEY));
    assert.deepEqual(a.encryption, { audio: "AES_CM_128_HMAC_SHA1_80" });
    assert.deepEqual(cryptoOf(a.createOffer()), cryptoOf(offerA), "a session refresh offers the keys in use");
  });

  it("answers a re-INVITE with the key in use while the peer's stays, and with a new one after its context was dropped", async () => {
    const m = await open("offered");
    opened.push(m);
    const ours = cryptoOf(m.createOffer())[0].config;
    await m.applyAnswer(peerSdp("RTP/SAVP", 1, PEER_KEY));
    const same = cryptoOf(await m.answerOffer(peerSdp("RTP/SAVP", 4, PEER_KEY, 2)));
    assert.deepEqual(same, [{ id: 4, suite: "AES_CM_128_HMAC_SHA1_80", config: ours }]);
    // The peer drops SRTP (offered: plain RTP is fine), then comes back: our old key is never reused.
    const plain = await m.answerOffer(["v=0", "o=- 1 3 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0", "m=audio 40000 RTP/AVP 0", "a=rtpmap:0 PCMU/8000", ""].join("\r\n"));
    assert.doesNotMatch(plain, /crypto/);
    assert.deepEqual(m.encryption, {});
    const back = cryptoOf(await m.answerOffer(peerSdp("RTP/SAVP", 1, OTHER_PEER_KEY, 4)));
    assert.equal(back.length, 1);
    assert.notEqual(back[0].config, ours);
    assert.deepEqual(m.encryption, { audio: "AES_CM_128_HMAC_SHA1_80" });
  });

  it("required: a plain re-offer is refused (488) and the call keeps its SRTP", async () => {
    const m = await open("required");
    opened.push(m);
    m.createOffer();
    await m.applyAnswer(peerSdp("RTP/SAVP", 1, PEER_KEY));
    await assert.rejects(m.answerOffer(["v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0", "m=audio 40000 RTP/AVP 0", "a=rtpmap:0 PCMU/8000", ""].join("\r\n")), /SRTP is required/);
    assert.deepEqual(m.encryption, { audio: "AES_CM_128_HMAC_SHA1_80" });
  });

  it("offered: after a 488 the next offer is RTP/SAVP, once; off and required never switch", async () => {
    const [offered, off, required] = [await open("offered"), await open("off"), await open("required")];
    opened.push(offered, off, required);
    offered.createOffer();
    assert.equal(offered.offerSavpInstead(), true);
    assert.match(offered.createOffer(), /RTP\/SAVP/);
    assert.equal(offered.offerSavpInstead(), false);
    assert.equal(off.offerSavpInstead(), false);
    assert.doesNotMatch(off.createOffer(), /crypto|SAVP/);
    assert.equal(required.offerSavpInstead(), false);
  });
});
