import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { ProtectionProfileAes128CmHmacSha1_80, SrtpSession } from "werift-rtp";
import { aesCmIv, aesCmXor } from "../../src/srtp/aes-cm";
import type { SdesKey } from "../../src/srtp/sdes-crypto";
import { estimateRoc, SrtpTransform } from "../../src/srtp/srtp-transform";
import { SRTP_SUITES, type SrtpSuite } from "../../src/srtp/srtp-suite";

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ""), "hex");

function key(suite: SrtpSuite, fill: number): SdesKey {
  return { tag: 1, suite, keyMaterial: Buffer.alloc(30, fill).map((b, i) => (b + i * 7) & 0xff) as Buffer };
}

/** Two ends of one medium: what A protects, B unprotects. */
function pair(suite: SrtpSuite): { a: SrtpTransform; b: SrtpTransform } {
  const ka = key(suite, 1);
  const kb = key(suite, 99);
  return { a: new SrtpTransform(suite, ka, kb), b: new SrtpTransform(suite, kb, ka) };
}

function rtp(seq: number, payload = Buffer.from("0123456789abcdef0123456789")): Buffer {
  const h = Buffer.alloc(12);
  h[0] = 0x80;
  h[1] = 0;
  h.writeUInt16BE(seq, 2);
  h.writeUInt32BE(160 * seq, 4);
  h.writeUInt32BE(0x11223344, 8);
  return Buffer.concat([h, payload]);
}

/** An RTCP RR with one report block (32 bytes). */
function rtcpRr(): Buffer {
  const b = Buffer.alloc(32);
  b[0] = 0x81;
  b[1] = 201;
  b.writeUInt16BE(7, 2);
  b.writeUInt32BE(0xcafebabe, 4);
  b.writeUInt32BE(0x11223344, 8);
  b.fill(0x5a, 12);
  return b;
}

describe("srtp/SrtpTransform", () => {
  it("derives the session keys of RFC 3711 B.3 (werift's key derivation, which the transform uses)", () => {
    const masterKey = hex("E1F97A0D3E018BE0D64FA32C06DE4139");
    const masterSalt = hex("0EC675AD498AFEEBB6960B3AABE6");
    const s = new SrtpSession({ keys: { localMasterKey: masterKey, localMasterSalt: masterSalt, remoteMasterKey: masterKey, remoteMasterSalt: masterSalt }, profile: ProtectionProfileAes128CmHmacSha1_80 });
    assert.equal(s.localContext.srtpSessionKey.toString("hex").toUpperCase(), "C61E7A93744F39EE10734AFE3FF7A087");
    assert.equal(s.localContext.srtpSessionSalt.toString("hex").toUpperCase(), "30CBBC08863D8C85D49DB34A9AE1");
    assert.equal(s.localContext.srtpSessionAuthTag.toString("hex").toUpperCase(), "CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4");
  });

  it("makes the AES-CM keystream of RFC 3711 B.2 (the hand-written receive path of the 32-bit suite)", () => {
    const sessionKey = hex("2B7E151628AED2A6ABF7158809CF4F3C");
    const iv = aesCmIv(hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD"), 0, 0, 0);
    assert.equal(iv.toString("hex").toUpperCase(), "F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
    const stream = aesCmXor(sessionKey, iv, Buffer.alloc(16 * 0xff02));
    const block = (n: number): string => stream.subarray(16 * n, 16 * n + 16).toString("hex").toUpperCase();
    assert.equal(block(0x0000), "E03EAD0935C95E80E166B16DD92B4EB4");
    assert.equal(block(0x0001), "D23513162B02D0F72A43A2FE4A5F97AB");
    assert.equal(block(0x0002), "41E95B3BB0A2E8DD477901E4FCA894C0");
    assert.equal(block(0xfeff), "EC8CDF7398607CB0F2D21675EA9EA1E4");
    assert.equal(block(0xff00), "362B7C3C6773516318A077D7FC5073AE");
    assert.equal(block(0xff01), "6A2CC3787889374FBEB4C81B17BA6C44");
  });

  it("protects RTP as RFC 3711 §3-4 describe: AES-CM over the payload, HMAC-SHA1 over header, payload and ROC", () => {
    const local = key("AES_CM_128_HMAC_SHA1_80", 3);
    const t = new SrtpTransform("AES_CM_128_HMAC_SHA1_80", local, key("AES_CM_128_HMAC_SHA1_80", 4));
    const plain = rtp(1234);
    const out = t.protectRtp(plain);
    const keys = new SrtpSession({ keys: { localMasterKey: local.keyMaterial.subarray(0, 16), localMasterSalt: local.keyMaterial.subarray(16), remoteMasterKey: local.keyMaterial.subarray(0, 16), remoteMasterSalt: local.keyMaterial.subarray(16) }, profile: ProtectionProfileAes128CmHmacSha1_80 }).localContext;
    const encrypted = aesCmXor(keys.srtpSessionKey, aesCmIv(keys.srtpSessionSalt, 0x11223344, 0, 1234), plain.subarray(12));
    const tag = createHmac("sha1", keys.srtpSessionAuthTag).update(plain.subarray(0, 12)).update(encrypted).update(Buffer.alloc(4)).digest().subarray(0, 10);
    assert.deepEqual(out, Buffer.concat([plain.subarray(0, 12), encrypted, tag]));
  });

  for (const suite of SRTP_SUITES) {
    const tagBytes = suite.endsWith("_80") ? 10 : 4;
    describe(suite, () => {
      it(`round-trips RTP with a ${tagBytes}-byte tag; the payload on the wire is not the plain one`, () => {
        const { a, b } = pair(suite);
        const plain = rtp(7);
        const wire = a.protectRtp(plain);
        assert.equal(wire.length, plain.length + tagBytes);
        assert.deepEqual(wire.subarray(0, 12), plain.subarray(0, 12));
        assert.notDeepEqual(wire.subarray(12, plain.length), plain.subarray(12));
        assert.deepEqual(b.unprotectRtp(wire), plain);
      });

      it("drops a tampered packet, a packet under another key and a plain one", () => {
        const { a, b } = pair(suite);
        const wire = a.protectRtp(rtp(8));
        const tampered = Buffer.from(wire);
        tampered[20] ^= 1;
        assert.equal(b.unprotectRtp(tampered), undefined);
        assert.equal(a.unprotectRtp(wire), undefined, "A's own key is not B's");
        assert.equal(b.unprotectRtp(rtp(9)), undefined);
        assert.equal(b.unprotectRtp(Buffer.alloc(5)), undefined);
      });

      it("follows the sequence number across its wrap (rollover counter)", () => {
        const { a, b } = pair(suite);
        for (const seq of [65533, 65534, 65535, 0, 1, 2]) {
          const plain = rtp(seq);
          assert.deepEqual(b.unprotectRtp(a.protectRtp(plain)), plain, `seq ${seq}`);
        }
      });

      it("drops a replayed SRTP or SRTCP packet and takes reordered ones once", () => {
        const { a, b } = pair(suite);
        const [p1, p2, p3] = [1, 2, 3].map((seq) => a.protectRtp(rtp(seq)));
        assert.ok(b.unprotectRtp(p1));
        assert.ok(b.unprotectRtp(p3));
        assert.ok(b.unprotectRtp(p2), "late but new");
        assert.equal(b.unprotectRtp(p2), undefined, "replayed");
        assert.equal(b.unprotectRtp(p1), undefined, "replayed");
        const r1 = a.protectRtcp(rtcpRr());
        assert.ok(b.unprotectRtcp(r1));
        assert.equal(b.unprotectRtcp(r1), undefined, "replayed SRTCP");
        assert.ok(b.unprotectRtcp(a.protectRtcp(rtcpRr())));
      });

      it("round-trips SRTCP (RR, PLI, BYE alike) with E flag, index and an 80-bit tag", () => {
        const { a, b } = pair(suite);
        const plain = rtcpRr();
        const wire = a.protectRtcp(plain);
        assert.equal(wire.length, plain.length + 4 + 10);
        assert.equal(wire[plain.length] & 0x80, 0x80, "E flag");
        assert.notDeepEqual(wire.subarray(8, plain.length), plain.subarray(8));
        assert.deepEqual(b.unprotectRtcp(wire), plain);
        const tampered = Buffer.from(wire);
        tampered[10] ^= 1;
        assert.equal(b.unprotectRtcp(tampered), undefined);
        assert.equal(b.unprotectRtcp(plain), undefined);
      });
    });
  }

  it("32-bit suite: reads SRTCP with 4-byte tags (as libre sends) and then sends its own that way; the 80-bit suite does not", () => {
    const { a, b } = pair("AES_CM_128_HMAC_SHA1_32");
    const full = a.protectRtcp(rtcpRr());
    assert.equal(full.length, 32 + 14, "RFC 4568: an 80-bit SRTCP tag at first");
    const libreStyle = full.subarray(0, full.length - 6);
    const tampered = Buffer.from(libreStyle);
    tampered[12] ^= 1;
    assert.equal(b.unprotectRtcp(tampered), undefined);
    assert.deepEqual(b.unprotectRtcp(libreStyle), rtcpRr());
    const reply = b.protectRtcp(rtcpRr());
    assert.equal(reply.length, 32 + 8, "now with a 4-byte tag");
    assert.deepEqual(a.unprotectRtcp(reply), rtcpRr());
    const p80 = pair("AES_CM_128_HMAC_SHA1_80");
    const short80 = p80.a.protectRtcp(rtcpRr());
    assert.equal(p80.b.unprotectRtcp(short80.subarray(0, short80.length - 6)), undefined);
  });

  it("the 32-bit tag is the 80-bit one cut to 4 bytes (same keys, same packet)", () => {
    const k1 = key("AES_CM_128_HMAC_SHA1_80", 5);
    const k2 = key("AES_CM_128_HMAC_SHA1_80", 6);
    const long = new SrtpTransform("AES_CM_128_HMAC_SHA1_80", k1, k2).protectRtp(rtp(3));
    const short = new SrtpTransform("AES_CM_128_HMAC_SHA1_32", { ...k1, suite: "AES_CM_128_HMAC_SHA1_32" }, { ...k2, suite: "AES_CM_128_HMAC_SHA1_32" }).protectRtp(rtp(3));
    assert.deepEqual(short, long.subarray(0, long.length - 6));
  });

  it("withRemote keeps the sending context and takes the peer's new key", () => {
    const { a, b } = pair("AES_CM_128_HMAC_SHA1_80");
    const newPeerKey = key("AES_CM_128_HMAC_SHA1_80", 42);
    const b2Keys = new SrtpTransform("AES_CM_128_HMAC_SHA1_80", newPeerKey, key("AES_CM_128_HMAC_SHA1_80", 1));
    const a2 = a.withRemote(newPeerKey);
    const first = a.protectRtcp(rtcpRr());
    const second = a2.protectRtcp(rtcpRr());
    assert.notDeepEqual(first.subarray(-14, -10), second.subarray(-14, -10), "the SRTCP index goes on");
    assert.deepEqual(b.unprotectRtcp(second), rtcpRr());
    assert.deepEqual(a2.unprotectRtp(b2Keys.protectRtp(rtp(11))), rtp(11));
  });

  it("estimateRoc follows RFC 3711 Appendix A", () => {
    assert.equal(estimateRoc({ roc: 0, highestSeq: 65530 }, 3), 1);
    assert.equal(estimateRoc({ roc: 1, highestSeq: 3 }, 65530), 0);
    assert.equal(estimateRoc({ roc: 1, highestSeq: 100 }, 200), 1);
    assert.equal(estimateRoc({ roc: 0, highestSeq: 3 }, 65530), 0);
  });
});
