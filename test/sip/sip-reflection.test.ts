import assert from "node:assert/strict";
import { SipEndpoint } from "../../src/sip/sip-endpoint";
import { resolveAccount } from "../../src/sip/account-options";
import { freePort } from "../harness";
import { UdpPeer } from "./transport/loopback";


function options(enginePort: number, via: string): string {
  return [
    `OPTIONS sip:alice@127.0.0.1:${enginePort} SIP/2.0`,
    via,
    "Max-Forwards: 70",
    "From: <sip:a@127.0.0.1>;tag=1",
    "To: <sip:alice@127.0.0.1>",
    "Call-ID: r1",
    "CSeq: 1 OPTIONS",
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
}

function invite(enginePort: number, via: string): string {
  return [
    `INVITE sip:alice@127.0.0.1:${enginePort} SIP/2.0`,
    via,
    "Max-Forwards: 70",
    "From: <sip:a@127.0.0.1>;tag=2",
    "To: <sip:alice@127.0.0.1>",
    "Call-ID: r2",
    "CSeq: 1 INVITE",
    "Contact: <sip:a@127.0.0.1>",
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
}

const bytes = (texts: string[]): number => texts.reduce((n, t) => n + Buffer.byteLength(t), 0);

describe("SIP: responses to unsolicited requests go to the packet's real source", () => {
  let endpoint: SipEndpoint;
  let registrar: UdpPeer;
  let attacker: UdpPeer;
  let victim: UdpPeer;
  let enginePort: number;

  beforeEach(async () => {
    registrar = await UdpPeer.open();
    attacker = await UdpPeer.open();
    victim = await UdpPeer.open();
    enginePort = await freePort();
    const account = resolveAccount({ login: "alice", domain: "127.0.0.1", port: registrar.port, registerRequired: false });
    endpoint = new SipEndpoint({ account, localAddress: "127.0.0.1", localPort: enginePort });
    await endpoint.start();
  });

  afterEach(async () => {
    await endpoint.close(200);
    await Promise.all([registrar.close(), attacker.close(), victim.close()]);
  });

  for (const [method, build] of [
    ["OPTIONS", options],
    ["INVITE", invite],
  ] as const) {
    it(`answers a ${method} with a forged received/rport once, to its source, never to the named victim`, async () => {
      const forged = `Via: SIP/2.0/UDP 127.0.0.1:${victim.port};branch=z9hG4bK${method};received=127.0.0.1;rport=${victim.port}`;
      const request = build(enginePort, forged);
      await attacker.send(request, enginePort);
      const [toAttacker, toVictim] = await Promise.all([attacker.receivedWithin(1500), victim.receivedWithin(1500)]);
      assert.deepEqual(toVictim, [], "the victim socket received a response");
      assert.ok(toAttacker.length > 0, "no response reached the real source");
      assert.match(toAttacker[0], /^SIP\/2\.0 [1-6]\d\d /);
      assert.match(toAttacker[0], new RegExp(`;received=127\\.0\\.0\\.1;rport=${attacker.port}`));
      // What a source that spoofs its address could reflect: one response, no larger than the request.
      const factor = bytes(toAttacker) / Buffer.byteLength(request);
      assert.equal(toAttacker.length, 1, "more than one response");
      assert.ok(factor <= 1, `amplification ${factor.toFixed(2)}x`);
      console.log(`      ${method} (${toAttacker.map((t) => t.split("\r\n")[0].slice(8)).join(", ")}): ${Buffer.byteLength(request)} bytes in, ${bytes(toAttacker)} bytes out in ${toAttacker.length} datagram(s): ${factor.toFixed(2)}x`);
    });
  }
});
