import assert from "node:assert/strict";
import {
  cseqMethod,
  headerLines,
  headerValue,
  parseStartLine,
  topViaBranch,
  transactionKey,
} from "../../../src/sip/transport/message-head";

describe("message-head", () => {
  it("parses request and status lines and rejects anything else", () => {
    assert.deepEqual(parseStartLine("INVITE sip:bob@example.com SIP/2.0\r\n"), {
      kind: "request",
      method: "INVITE",
      uri: "sip:bob@example.com",
    });
    assert.deepEqual(parseStartLine("SIP/2.0 183 Session Progress\r\n"), { kind: "response", statusCode: 183 });
    assert.equal(parseStartLine("\r\n\r\n"), undefined);
    assert.equal(parseStartLine("GET / HTTP/1.1\r\n"), undefined);
    assert.equal(parseStartLine("SIP/2.0 99 Nope\r\n"), undefined);
  });

  it("lists header fields with compact names expanded, folded lines joined, and stops at the body", () => {
    const text = "SIP/2.0 200 OK\r\nv: SIP/2.0/UDP a;branch=z9hG4bK1\r\nSubject: one\r\n two\r\nl: 5\r\n\r\nX: no";
    const lines = headerLines(text);
    assert.deepEqual(
      lines.map((h) => h.name),
      ["via", "subject", "content-length"],
    );
    assert.equal(headerValue(text, lines[1]), "one two");
  });

  it("builds the transaction key from the top Via branch and the CSeq method", () => {
    const text =
      "SIP/2.0 487 Request Terminated\r\nVia: SIP/2.0/UDP a;rport;branch=z9hG4bKabc, SIP/2.0/UDP b;branch=z9hG4bKdef\r\n" +
      "Via: SIP/2.0/UDP c;branch=z9hG4bKghi\r\nCSeq: 7 invite\r\n\r\n";
    assert.equal(topViaBranch(text), "z9hG4bKabc");
    assert.equal(cseqMethod(text), "INVITE");
    assert.equal(transactionKey(text), "z9hG4bKabc INVITE");
    assert.equal(transactionKey("SIP/2.0 200 OK\r\nCSeq: 1 BYE\r\n\r\n"), undefined);
  });
});
