import assert from "node:assert/strict";
import { Engine } from "../../src/call/engine";
import { CallStatus } from "../../src/call/call-status";
import { waitForStatus } from "../call/helpers/wait-for-status";
import { UdpPeer } from "./transport/loopback";

/** The lines of `request` named `name` (lower case, long form). */
function headers(request: string, name: string): string[] {
  return request.split("\r\n").filter((l) => l.toLowerCase().startsWith(`${name}:`));
}

/** A 401 echoing the INVITE's Via/From/To/Call-ID/CSeq, with a digest challenge. */
function unauthorized(request: string): string {
  return [
    "SIP/2.0 401 Unauthorized",
    ...headers(request, "via"),
    ...headers(request, "from"),
    ...headers(request, "to").map((l) => `${l};tag=evil`),
    ...headers(request, "call-id"),
    ...headers(request, "cseq"),
    'WWW-Authenticate: Digest realm="127.0.0.1", nonce="0123456789abcdef", algorithm=MD5, qop="auth"',
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
}

/**
 * A SIP server named in the callee that challenges every INVITE: collects the requests it gets
 * and answers each INVITE with a 401 (an ACK needs no answer).
 */
function challengeEverything(server: UdpPeer, seen: string[]): { stop(): void } {
  let on = true;
  void (async () => {
    while (on) {
      const { text, port } = await server.received.next();
      if (!on) return;
      seen.push(text);
      if (text.startsWith("INVITE ")) await server.send(unauthorized(text), port);
    }
  })();
  return { stop: () => (on = false) };
}

describe("SIP: credentials only answer challenges from the account's own hosts", () => {
  let registrar: UdpPeer;
  let stranger: UdpPeer;
  let engine: Engine | undefined;

  beforeEach(async () => {
    registrar = await UdpPeer.open();
    stranger = await UdpPeer.open();
  });

  afterEach(async () => {
    await engine?.close();
    engine = undefined;
    await Promise.all([registrar.close(), stranger.close()]);
  });

  function startEngine(authHosts?: string[]): Engine {
    engine = new Engine({
      account: { login: "alice", password: "s3cret-pw", domain: "127.0.0.1", port: registrar.port, registerRequired: false, authHosts },
      localAddress: "127.0.0.1",
      rtpPortRange: { min: 30000, max: 30999 },
    });
    return engine;
  }

  it("sends no Authorization to a host named in the callee that answers 401, and the call FAILS saying why", async () => {
    const seen: string[] = [];
    const server = challengeEverything(stranger, seen);
    const call = startEngine().call({ callee: `sip:x@127.0.0.1:${stranger.port}`, hasVideo: false });
    const failed = await waitForStatus(call, CallStatus.FAILED, 10000);
    // Room for a retried INVITE to arrive if one were sent.
    await new Promise((r) => setTimeout(r, 500));
    server.stop();
    const invites = seen.filter((t) => t.startsWith("INVITE "));
    assert.equal(invites.length, 1, "the INVITE was retried");
    assert.equal(seen.filter((t) => /^(proxy-)?authorization\s*:/im.test(t)).length, 0, "a request carried credentials");
    assert.equal(failed.reason, "AUTHENTICATION_FAILED");
    assert.equal(failed.sipStatus, 401);
    assert.match(failed.sipMessage, new RegExp(`challenge from 127\\.0\\.0\\.1:${stranger.port} not answered`));
  });

  it("answers that host's challenge once authHosts lists it", async () => {
    const seen: string[] = [];
    const server = challengeEverything(stranger, seen);
    const call = startEngine([`127.0.0.1:${stranger.port}`]).call({ callee: `sip:x@127.0.0.1:${stranger.port}`, hasVideo: false });
    await waitForStatus(call, CallStatus.FAILED, 10000);
    server.stop();
    const withCredentials = seen.filter((t) => t.startsWith("INVITE ") && /^authorization\s*:\s*digest /im.test(t));
    assert.equal(withCredentials.length, 1, "the challenge was not answered");
  });
});
