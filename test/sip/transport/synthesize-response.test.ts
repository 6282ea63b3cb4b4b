import assert from "node:assert/strict";
import { synthesizeResponse } from "../../../src/sip/transport/synthesize-response";

describe("synthesizeResponse", () => {
  it("builds a 408 from the request's Via, From, To, Call-ID and CSeq with the Via port stripped", () => {
    const request = [
      "INVITE sip:bob@192.0.2.9 SIP/2.0",
      "Via: SIP/2.0/UDP 192.0.2.5:40123;branch=z9hG4bK77;rport",
      "Max-Forwards: 70",
      "To: <sip:bob@192.0.2.9>",
      "From: <sip:alice@example.com>;tag=abc",
      "Call-ID: 42@x",
      "CSeq: 3 INVITE",
      "Content-Type: application/sdp",
      "Content-Length: 4",
      "",
      "v=0\n",
    ].join("\r\n");
    assert.equal(
      synthesizeResponse(request, 408, "Request Timeout"),
      "SIP/2.0 408 Request Timeout\r\n" +
        "Via: SIP/2.0/UDP 192.0.2.5;branch=z9hG4bK77;rport\r\n" +
        "From: <sip:alice@example.com>;tag=abc\r\n" +
        "To: <sip:bob@192.0.2.9>\r\n" +
        "Call-ID: 42@x\r\n" +
        "CSeq: 3 INVITE\r\n" +
        "Content-Length: 0\r\n\r\n",
    );
  });

  it("keeps compact names, unfolds folded lines and appends extra headers", () => {
    const request = "BYE sip:b SIP/2.0\nv: SIP/2.0/TCP h;branch=z9hG4bK1\nf: <sip:a>\n ;tag=1\nt: <sip:b>\ni: c\nCSeq: 9 BYE\n\n";
    assert.equal(
      synthesizeResponse(request, 503, "Service Unavailable", ['Reason: SIP ;cause=503 ;text="Transport Error"']),
      "SIP/2.0 503 Service Unavailable\r\nv: SIP/2.0/TCP h;branch=z9hG4bK1\r\nf: <sip:a> ;tag=1\r\nt: <sip:b>\r\n" +
        'i: c\r\nCSeq: 9 BYE\r\nReason: SIP ;cause=503 ;text="Transport Error"\r\nContent-Length: 0\r\n\r\n',
    );
  });
});
