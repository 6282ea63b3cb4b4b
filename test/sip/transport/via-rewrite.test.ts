import assert from "node:assert/strict";
import { addViaPort, stampReceived, stripViaPort } from "../../../src/sip/transport/via-rewrite";

const body = "v=0\r\no=- 1 1 IN IP4 192.0.2.5\r\ns=Via: SIP/2.0/UDP not-a-header\r\n";

function request(via: string, eol = "\r\n"): string {
  return [
    "INVITE sip:bob@192.0.2.9:5060 SIP/2.0",
    via,
    "Via: SIP/2.0/UDP 198.51.100.1:5080;branch=z9hG4bKproxy",
    "To: <sip:bob@192.0.2.9>",
    `Content-Length: ${Buffer.byteLength(body)}`,
    "",
    body,
  ].join(eol);
}

describe("via-rewrite", () => {
  describe("addViaPort", () => {
    it("inserts the port after the top Via host, byte for byte, and leaves the body and Content-Length alone", () => {
      const input = request("Via: SIP/2.0/UDP 192.0.2.5;branch=z9hG4bK123;rport");
      const expected = request("Via: SIP/2.0/UDP 192.0.2.5:40123;branch=z9hG4bK123;rport");
      assert.equal(addViaPort(input, 40123), expected);
    });

    it("handles the compact form and LF-only line ends", () => {
      const input = request("v: SIP/2.0/TCP host.invalid;branch=z9hG4bKa", "\n");
      assert.equal(addViaPort(input, 5070), request("v: SIP/2.0/TCP host.invalid:5070;branch=z9hG4bKa", "\n"));
    });

    it("leaves a Via that already has a port unchanged", () => {
      const input = request("Via: SIP/2.0/UDP 192.0.2.5:5062;branch=z9hG4bK1");
      assert.equal(addViaPort(input, 40000), input);
    });

    it("only touches the first value of a comma-separated top Via", () => {
      const input = request("Via: SIP/2.0/UDP a.invalid;branch=z9hG4bK1, SIP/2.0/UDP b.invalid;branch=z9hG4bK2");
      const expected = request("Via: SIP/2.0/UDP a.invalid:9;branch=z9hG4bK1, SIP/2.0/UDP b.invalid;branch=z9hG4bK2");
      assert.equal(addViaPort(input, 9), expected);
    });

    it("returns a message without Via unchanged", () => {
      const input = "OPTIONS sip:x SIP/2.0\r\nContent-Length: 0\r\n\r\n";
      assert.equal(addViaPort(input, 1), input);
    });
  });

  describe("stripViaPort", () => {
    it("removes the port from the top Via and keeps rport and received", () => {
      const input =
        "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.5:40123;branch=z9hG4bK123;rport=40123;received=203.0.113.7\r\n" +
        "CSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n";
      const expected =
        "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.5;branch=z9hG4bK123;rport=40123;received=203.0.113.7\r\n" +
        "CSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n";
      assert.equal(stripViaPort(input), expected);
    });

    it("handles compact form, whitespace around the colon and IPv6 references", () => {
      assert.equal(
        stripViaPort("SIP/2.0 100 Trying\r\nv: SIP/2.0/UDP [2001:db8::5] : 5060;branch=z9hG4bKx\r\n\r\n"),
        "SIP/2.0 100 Trying\r\nv: SIP/2.0/UDP [2001:db8::5];branch=z9hG4bKx\r\n\r\n",
      );
    });

    it("is the inverse of addViaPort", () => {
      const input = request("Via: SIP/2.0/UDP 192.0.2.5;branch=z9hG4bK123;rport");
      assert.equal(stripViaPort(addViaPort(input, 5555)), input);
    });
  });

  describe("stampReceived", () => {
    const bye = (via: string): string => `BYE sip:me@192.0.2.5:40123 SIP/2.0\r\n${via}\r\nCSeq: 2 BYE\r\n\r\n`;

    it("fills an empty rport and adds received (RFC 3581)", () => {
      assert.equal(
        stampReceived(bye("Via: SIP/2.0/UDP 10.0.0.8:5060;rport;branch=z9hG4bKb"), "203.0.113.9", 61000),
        bye("Via: SIP/2.0/UDP 10.0.0.8:5060;branch=z9hG4bKb;received=203.0.113.9;rport=61000"),
      );
    });

    it("adds received and rport before the next Via value", () => {
      assert.equal(
        stampReceived(bye("Via: SIP/2.0/UDP pbx.example.com;branch=z9hG4bKb , SIP/2.0/UDP x;branch=y"), "203.0.113.9", 5060),
        bye("Via: SIP/2.0/UDP pbx.example.com;branch=z9hG4bKb;received=203.0.113.9;rport=5060 , SIP/2.0/UDP x;branch=y"),
      );
    });

    it("records the source even when the sender is its sent-by", () => {
      assert.equal(
        stampReceived(bye("Via: SIP/2.0/UDP 203.0.113.9:5060;branch=z9hG4bKb"), "203.0.113.9", 5060),
        bye("Via: SIP/2.0/UDP 203.0.113.9:5060;branch=z9hG4bKb;received=203.0.113.9;rport=5060"),
      );
    });

    it("replaces a received and rport the sender wrote itself (a forged reflection target)", () => {
      assert.equal(
        stampReceived(bye("Via: SIP/2.0/UDP 10.0.0.8;received=198.51.100.3;branch=z9hG4bKb;rport=7 ; RPORT = 9"), "203.0.113.9", 40000),
        bye("Via: SIP/2.0/UDP 10.0.0.8;branch=z9hG4bKb;received=203.0.113.9;rport=40000"),
      );
    });
  });
});
