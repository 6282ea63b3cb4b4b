import assert from "node:assert/strict";
import { cryptoLine, newKeyMaterial, readCryptoLine } from "../../src/srtp/sdes-crypto";
import { maskSdpKeys } from "../../src/srtp/mask-sdp-keys";

describe("srtp/sdes-crypto", () => {
  const material = Buffer.from("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d", "hex");
  const inline = material.toString("base64");

  it("reads an RFC 4568 line with or without a lifetime and writes ours back", () => {
    assert.deepEqual(readCryptoLine({ id: 1, suite: "AES_CM_128_HMAC_SHA1_80", config: `inline:${inline}` }), { tag: 1, suite: "AES_CM_128_HMAC_SHA1_80", keyMaterial: material });
    assert.deepEqual(readCryptoLine({ id: 3, suite: "AES_CM_128_HMAC_SHA1_32", config: `inline:${inline}|2^31` })?.keyMaterial, material);
    assert.deepEqual(cryptoLine({ tag: 2, suite: "AES_CM_128_HMAC_SHA1_32", keyMaterial: material }), { id: 2, suite: "AES_CM_128_HMAC_SHA1_32", config: `inline:${inline}` });
  });

  it("refuses lines it cannot use: unknown suite, MKI, several keys, session parameters, wrong length", () => {
    assert.equal(readCryptoLine({ id: 1, suite: "AEAD_AES_256_GCM", config: `inline:${inline}` }), undefined);
    assert.equal(readCryptoLine({ id: 1, suite: "AES_CM_128_HMAC_SHA1_80", config: `inline:${inline}|2^31|1:4` }), undefined);
    assert.equal(readCryptoLine({ id: 1, suite: "AES_CM_128_HMAC_SHA1_80", config: `inline:${inline};inline:${inline}` }), undefined);
    assert.equal(readCryptoLine({ id: 1, suite: "AES_CM_128_HMAC_SHA1_80", config: `inline:${inline}`, sessionConfig: "UNENCRYPTED_SRTP" }), undefined);
    assert.equal(readCryptoLine({ id: 1, suite: "AES_CM_128_HMAC_SHA1_80", config: `inline:${material.subarray(0, 16).toString("base64")}` }), undefined);
  });

  it("makes a fresh 30-byte key each time", () => {
    const a = newKeyMaterial();
    assert.equal(a.length, 30);
    assert.notDeepEqual(a, newKeyMaterial());
  });

  it("maskSdpKeys hides every inline key and keeps the rest of the SDP", () => {
    const sdp = `v=0\r\nm=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${inline}|2^31\r\na=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:${inline}\r\n`;
    const masked = maskSdpKeys(sdp);
    assert.ok(!masked.includes(inline));
    assert.match(masked, /a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\*\*\*\|2\^31\r\n/);
    assert.match(masked, /a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:\*\*\*\r\n/);
    assert.match(masked, /^v=0\r\nm=audio 4000 RTP\/SAVP 0\r\n/);
  });
});
