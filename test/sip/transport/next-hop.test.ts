import assert from "node:assert/strict";
import { requestHop, responseHop, uriHop } from "../../../src/sip/transport/next-hop";

const server = { host: "203.0.113.1", port: 5080 };

function req(uri: string, extra = ""): string {
  return `INVITE ${uri} SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK1\r\n${extra}CSeq: 1 INVITE\r\n\r\n`;
}

describe("next-hop", () => {
  it("parses URI host and port with defaults per scheme", () => {
    assert.deepEqual(uriHop("sip:alice@192.0.2.1:5070;transport=udp"), { host: "192.0.2.1", port: 5070 });
    assert.deepEqual(uriHop("sip:example.com"), { host: "example.com", port: 5060 });
    assert.deepEqual(uriHop("sips:bob@example.com"), { host: "example.com", port: 5061 });
    assert.deepEqual(uriHop('"Proxy" <sip:[2001:db8::1]:5062;lr>'), { host: "2001:db8::1", port: 5062 });
    assert.equal(uriHop("tel:+123"), undefined);
  });

  it("sends to the server when an outbound proxy is forced", () => {
    assert.deepEqual(requestHop(req("sip:bob@192.0.2.9:5062", "Route: <sip:198.51.100.2;lr>\r\n"), server, true), server);
  });

  it("follows the first Route, else the Request-URI, else the server", () => {
    const routed = req("sip:bob@192.0.2.9:5062", "Route: <sip:198.51.100.2:5090;lr>, <sip:198.51.100.3;lr>\r\nRoute: <sip:x;lr>\r\n");
    assert.deepEqual(requestHop(routed, server, false), { host: "198.51.100.2", port: 5090 });
    assert.deepEqual(requestHop(req("sip:bob@192.0.2.9:5062"), server, false), { host: "192.0.2.9", port: 5062 });
    assert.deepEqual(requestHop(req("urn:service:sos"), server, false), server);
  });

  it("answers to received/rport, else to the sent-by (default port 5060)", () => {
    const resp = (via: string): string => `SIP/2.0 200 OK\r\nVia: ${via}\r\nCSeq: 2 BYE\r\n\r\n`;
    assert.deepEqual(responseHop(resp("SIP/2.0/UDP 10.0.0.8:5070;rport=61000;received=203.0.113.9;branch=z9hG4bKb")), {
      host: "203.0.113.9",
      port: 61000,
    });
    assert.deepEqual(responseHop(resp("SIP/2.0/UDP 10.0.0.8:5070;branch=z9hG4bKb")), { host: "10.0.0.8", port: 5070 });
    assert.deepEqual(responseHop(resp("SIP/2.0/UDP pbx.example.com;branch=z9hG4bKb")), { host: "pbx.example.com", port: 5060 });
    assert.equal(responseHop("SIP/2.0 200 OK\r\nCSeq: 2 BYE\r\n\r\n"), undefined);
  });
});
