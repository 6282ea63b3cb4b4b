import { strict as assert } from "node:assert";
import { answerAgentOf } from "../../src/sip/answer-agent";

function response(status: string, cseq: string, extra = ""): string {
  return (
    `SIP/2.0 ${status}\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1;rport\r\n` +
    `From: <sip:alice@127.0.0.1>;tag=a1\r\nTo: <sip:bob@127.0.0.1>;tag=b1\r\nCall-ID: call-1\r\nCSeq: ${cseq}\r\n${extra}Content-Length: 0\r\n\r\n`
  );
}

describe("answerAgentOf (who answered an INVITE)", () => {
  it("reads User-Agent, else Server, of a 2xx to an INVITE, with its Call-ID", () => {
    assert.deepEqual(answerAgentOf(response("200 Ok", "1 INVITE", "User-Agent: Linphonec/5.1.65\r\n")), { callId: "call-1", agent: "Linphonec/5.1.65" });
    assert.deepEqual(answerAgentOf(response("202 Accepted", "3 INVITE", "Server: Acme SBC 2.1\r\n")), { callId: "call-1", agent: "Acme SBC 2.1" });
    assert.deepEqual(answerAgentOf(response("200 OK", "1 INVITE", "Server: proxy\r\nUser-Agent: baresip v3.0.0\r\n"))?.agent, "baresip v3.0.0");
    // Compact Call-ID (i:) and a folded value.
    const compact = response("200 OK", "1 INVITE", "User-Agent: Linphone Desktop/5.2\r\n (belle-sip/5.2)\r\n").replace("Call-ID: call-1", "i: call-2");
    assert.deepEqual(answerAgentOf(compact), { callId: "call-2", agent: "Linphone Desktop/5.2 (belle-sip/5.2)" });
  });

  it("ignores provisional and error responses, responses to other methods, requests and a 2xx that names no product", () => {
    assert.equal(answerAgentOf(response("180 Ringing", "1 INVITE", "User-Agent: Linphonec/5.1.65\r\n")), undefined);
    assert.equal(answerAgentOf(response("486 Busy Here", "1 INVITE", "User-Agent: Linphonec/5.1.65\r\n")), undefined);
    assert.equal(answerAgentOf(response("200 OK", "2 BYE", "User-Agent: Linphonec/5.1.65\r\n")), undefined);
    assert.equal(answerAgentOf(response("200 OK", "1 INVITE")), undefined);
    assert.equal(answerAgentOf("INVITE sip:bob@127.0.0.1 SIP/2.0\r\nUser-Agent: x\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n\r\n"), undefined);
  });
});
