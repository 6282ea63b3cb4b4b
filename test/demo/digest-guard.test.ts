import { strict as assert } from "node:assert";
import { DigestGuard, parseDigestParams } from "../../src/demo/digest-guard";

// RFC 2617 §3.5's worked example (qop=auth), with realm and nonce issued by the guard.
const RFC2617 = {
  username: "Mufasa",
  password: "Circle Of Life",
  realm: "testrealm@host.com",
  nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
  authorization:
    'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", ' +
    'uri="/dir/index.html", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", ' +
    'opaque="5ccc069c403ebaf9f0171e9517f40e41"',
};

function guard(nonce = RFC2617.nonce): DigestGuard {
  return new DigestGuard({ username: RFC2617.username, password: RFC2617.password, realm: RFC2617.realm }, () => nonce);
}

describe("DigestGuard (UAS digest, RFC 2617 / RFC 3261 §22)", () => {
  it("issues a challenge with realm, nonce, MD5 and qop auth", () => {
    assert.equal(guard().challenge(), 'Digest realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", algorithm=MD5, qop="auth"');
  });

  it("accepts RFC 2617's worked example once its nonce was issued", () => {
    const g = guard();
    assert.equal(g.verify("GET", RFC2617.authorization), false, "nonce not issued yet");
    g.challenge();
    assert.equal(g.verify("GET", RFC2617.authorization), true);
  });

  it("rejects a wrong method, user, realm, response or a missing header", () => {
    const g = guard();
    g.challenge();
    assert.equal(g.verify("INVITE", RFC2617.authorization), false);
    assert.equal(g.verify("GET", RFC2617.authorization.replace('"Mufasa"', '"Simba"')), false);
    assert.equal(g.verify("GET", RFC2617.authorization.replace('realm="testrealm@host.com"', 'realm="other"')), false);
    assert.equal(g.verify("GET", RFC2617.authorization.replace("6629fae4", "6629fae5")), false);
    assert.equal(g.verify("GET", undefined), false);
    assert.equal(g.verify("GET", "Basic TXVmYXNhOkNpcmNsZSBPZiBMaWZl"), false);
  });

  it("accepts the RFC 2069 form without qop", () => {
    const g = guard("abc");
    g.challenge();
    // HA1 = MD5("Mufasa:testrealm@host.com:Circle Of Life") = 939e7578ed9e3c518a452acee763bce9,
    // HA2 = MD5("INVITE:sip:meeting@127.0.0.1") = 6a0ec435fda72b5b26fc91b50613fae1,
    // response = MD5(HA1:abc:HA2), all computed with md5sum.
    const header = 'Digest username="Mufasa", realm="testrealm@host.com", nonce="abc", uri="sip:meeting@127.0.0.1", response="RESPONSE"';
    assert.equal(g.verify("INVITE", header.replace("RESPONSE", "4aac3ef80522d3e2f28501d022f8c37d")), true);
    assert.equal(g.verify("INVITE", header.replace("RESPONSE", "0".repeat(32))), false);
  });

  it("parses quoted values with commas and escapes", () => {
    assert.deepEqual(parseDigestParams('realm="a, b", nonce="x\\"y", qop=auth,nc=00000001'), { realm: "a, b", nonce: 'x"y', qop: "auth", nc: "00000001" });
  });
});
