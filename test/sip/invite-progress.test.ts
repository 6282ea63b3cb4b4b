import { strict as assert } from "node:assert";
import { Core } from "sip.js";
import { isHandledProgressDrop, parseInviteProgress } from "../../src/sip/invite-progress";

const logger = new Core.LoggerFactory().getLogger("test");

function response(status: string, cseq: string, extra = "", body = ""): string {
  return (
    `SIP/2.0 ${status}\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1;rport\r\n` +
    `From: <sip:alice@127.0.0.1>;tag=a1\r\nTo: <sip:bob@127.0.0.1>;tag=b1\r\nCall-ID: call-1\r\nCSeq: ${cseq}\r\n${extra}` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

describe("parseInviteProgress (the 1xx sip.js may drop)", () => {
  it("parses a 180 without Contact and a 183 with an SDP, as sip.js parses them", () => {
    const ringing = parseInviteProgress(response("180 Ringing", "1 INVITE"), logger);
    assert.ok(ringing);
    assert.equal(ringing.statusCode, 180);
    assert.equal(ringing.reasonPhrase, "Ringing");
    assert.equal(ringing.callId, "call-1");
    assert.equal(ringing.hasHeader("Contact"), false);
    const sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
    const progress = parseInviteProgress(response("183 Session Progress", "2 INVITE", "Content-Type: application/sdp\r\n", sdp), logger);
    assert.equal(progress?.statusCode, 183);
    assert.equal(progress?.body, sdp);
  });

  it("ignores 100 Trying, final responses, provisional responses to other methods and requests", () => {
    assert.equal(parseInviteProgress(response("100 Trying", "1 INVITE"), logger), undefined);
    assert.equal(parseInviteProgress(response("200 OK", "1 INVITE"), logger), undefined);
    assert.equal(parseInviteProgress(response("486 Busy Here", "1 INVITE"), logger), undefined);
    assert.equal(parseInviteProgress(response("180 Ringing", "1 OPTIONS"), logger), undefined);
    assert.equal(parseInviteProgress("INVITE sip:bob@127.0.0.1 SIP/2.0\r\nCSeq: 1 INVITE\r\n\r\n", logger), undefined);
  });

  it("recognises sip.js's complaints about the 1xx it drops, and only those", () => {
    assert.equal(isHandledProgressDrop("Non-100 1xx INVITE response received without a Contact header field, dropping."), true);
    assert.equal(isHandledProgressDrop("Non-100 1xx INVITE response received without a to tag, dropping."), true);
    assert.equal(isHandledProgressDrop("2xx INVITE response received without a Contact header field, dropping."), false);
  });
});
