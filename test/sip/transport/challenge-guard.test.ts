import assert from "node:assert/strict";
import { isAuthHost, refuseChallenge } from "../../../src/sip/transport/challenge-guard";

describe("challenge-guard", () => {
  it("matches a hop by host (any case, IPv6 with or without brackets) and by port when the entry has one", () => {
    const allowed = [{ host: "PBX.example", port: 5060 }, { host: "[::1]" }];
    assert.equal(isAuthHost({ host: "pbx.example", port: 5060 }, allowed), true);
    assert.equal(isAuthHost({ host: "pbx.example", port: 5070 }, allowed), false);
    assert.equal(isAuthHost({ host: "::1", port: 1234 }, allowed), true);
    assert.equal(isAuthHost({ host: "evil.example", port: 5060 }, allowed), false);
    assert.equal(isAuthHost(undefined, allowed), false);
  });

  it("removes every challenge header, says why in the reason phrase and keeps the rest byte for byte", () => {
    const response =
      "SIP/2.0 407 Proxy Authentication Required\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKa\r\n" +
      'Proxy-Authenticate: Digest realm="r",\r\n nonce="n"\r\nCSeq: 1 INVITE\r\nWWW-Authenticate: Digest realm="q", nonce="m"\r\n' +
      "Content-Length: 2\r\n\r\nab";
    assert.equal(
      refuseChallenge(response, "challenge from evil:5060 not\r\nanswered"),
      "SIP/2.0 407 Proxy Authentication Required (challenge from evil:5060 not  answered)\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKa\r\n" +
        "CSeq: 1 INVITE\r\nContent-Length: 2\r\n\r\nab",
    );
  });
});
