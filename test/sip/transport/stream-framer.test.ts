import assert from "node:assert/strict";
import { SipFramingError, SipStreamFramer } from "../../../src/sip/transport/stream-framer";

const body = "v=0\r\ns=é\r\n"; // 11 bytes: the é takes two
const withBody = `SIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const noBody = "SIP/2.0 100 Trying\r\nCSeq: 1 INVITE\r\nl: 0\r\n\r\n";
const noLength = "OPTIONS sip:a SIP/2.0\r\nCSeq: 2 OPTIONS\r\n\r\n";

describe("SipStreamFramer", () => {
  it("returns coalesced messages one by one", () => {
    const framer = new SipStreamFramer();
    assert.deepEqual(framer.push(Buffer.from(noBody + withBody + noLength)), [noBody, withBody, noLength]);
    assert.equal(framer.buffered, 0);
  });

  it("reassembles a message split at every byte, even inside a UTF-8 character", () => {
    const framer = new SipStreamFramer();
    const bytes = Buffer.from(withBody);
    const out: string[] = [];
    for (let i = 0; i < bytes.length; i++) out.push(...framer.push(bytes.subarray(i, i + 1)));
    assert.deepEqual(out, [withBody]);
  });

  it("skips CRLF keep-alives between messages", () => {
    const framer = new SipStreamFramer();
    assert.deepEqual(framer.push(Buffer.from(`\r\n\r\n${noBody}\r\n`)), [noBody]);
    assert.deepEqual(framer.push(Buffer.from(`\r\n\r\n${noLength}`)), [noLength]);
    assert.equal(framer.buffered, 0);
  });

  it("treats a missing Content-Length as an empty body", () => {
    assert.deepEqual(new SipStreamFramer().push(Buffer.from(noLength + noBody)), [noLength, noBody]);
  });

  it("throws on a head longer than the limit without a blank line", () => {
    const framer = new SipStreamFramer();
    framer.push(Buffer.alloc(60 * 1024, "a"));
    assert.throws(() => framer.push(Buffer.alloc(5 * 1024, "a")), SipFramingError);
  });

  it("throws on an unreadable or oversized Content-Length", () => {
    assert.throws(
      () => new SipStreamFramer().push(Buffer.from("SIP/2.0 200 OK\r\nContent-Length: ten\r\n\r\n")),
      /unreadable Content-Length/,
    );
    assert.throws(
      () => new SipStreamFramer({ maxBodyBytes: 100 }).push(Buffer.from("SIP/2.0 200 OK\r\nContent-Length: 101\r\n\r\n")),
      /exceeds 100/,
    );
  });
});
