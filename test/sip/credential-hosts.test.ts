import assert from "node:assert/strict";
import { Engine } from "../../src/call/engine";
import { CallStatus } from "../../src/call/call-status";
import { waitForStatus } from "../call/helpers/wait-for-status";
import { UdpPeer } from "./transport/loopback";

/** The lines of `request` named `name` (lower case, long form). */
function headers(request: string, name: string): string[] {
  return request.split("\r\n").filter((l) => l.toLowerCase().startsWith(`${name}:`));
}

/** A 401 (or a proxy's 407) echoing the INVITE's Via/From/To/Call-ID/CSeq, with a digest challenge. */
function unauthorized(request: string, proxy = false): string {
  return [
    proxy ? "SIP/2.0 407 Proxy Authentication Required" : "SIP/2.0 401 Unauthorized",
    ...headers(request, "via"),
    ...headers(request, "from"),
    ...headers(request, "to").map((l) => `${l};tag=evil`),
    ...headers(request, "call-id"),
    ...headers(request, "cseq"),
    `${proxy ? "Proxy" : "WWW"}-Authenticate: Digest realm="127.0.0.1", nonce="0123456789abcdef", algorithm=MD5, qop="auth"`,
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
}

/**
 * A SIP server named in the callee that challenges every INVITE: collects the requests it gets
 * and answers each INVITE with a 401 (an ACK needs no answer).
 */
function challengeEverything(server: UdpPeer, seen: string[], proxy = false): { stop(): void } {
  let on = true;
  void (async () => {
    while (on) {
      const { text, port } = await server.received.next();
      if (!on) return;
      seen.push(text);
      if (text.startsWith("INVITE ")) await server.send(unauthorized(text, proxy), port);
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

  function startEngine(authHosts?: string[], outboundProxy?: string): Engine {
    engine = new Engine({
      account: { login: "alice", password: "s3cret-pw", domain: "127.0.0.1", port: registrar.port, registerRequired: false, authHosts, outboundProxy },
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

  it("through an outbound proxy: answers its 407 for a callee at the domain, not for a callee elsewhere", async () => {
    const seen: string[] = [];
    const proxy = challengeEverything(stranger, seen, true);
    const e = startEngine(undefined, `127.0.0.1:${stranger.port}`);
    await waitForStatus(e.call({ callee: "uas", hasVideo: false }), CallStatus.FAILED, 10000);
    const elsewhere = await waitForStatus(e.call({ callee: "sip:x@evil.example", hasVideo: false }), CallStatus.FAILED, 10000);
    await new Promise((r) => setTimeout(r, 500));
    proxy.stop();
    const invites = seen.filter((t) => t.startsWith("INVITE "));
    const toDomain = invites.filter((t) => t.startsWith("INVITE sip:uas@127.0.0.1 "));
    const toEvil = invites.filter((t) => t.startsWith("INVITE sip:x@evil.example "));
    assert.equal(toDomain.filter((t) => /^proxy-authorization\s*:\s*digest /im.test(t)).length, 1, "the proxy's challenge for the domain was not answered");
    assert.equal(toEvil.length, 1, "the INVITE to evil.example was retried");
    assert.doesNotMatch(toEvil[0], /^proxy-authorization\s*:/im);
    assert.equal(elsewhere.reason, "AUTHENTICATION_FAILED");
    assert.match(elsewhere.sipMessage, /challenge from evil\.example:5060 not answered/);
  });
});
