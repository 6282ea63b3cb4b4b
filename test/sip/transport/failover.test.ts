import assert from "node:assert/strict";
import * as net from "node:net";
import { SipTransport, type SipTransportOptions } from "../../../src/sip/transport";
import { FakeClock } from "./fake-clock";
import { AsyncQueue, TcpPeer, UdpPeer, quietSipLogger, sipjsRequest } from "./loopback";

/** A response to `request` (its Via, From, To, Call-ID, CSeq), with `extra` header lines. */
function reply(request: string, status: string, extra: string[] = []): string {
  const head = request.split("\r\n").filter((l) => /^(via|from|to|call-id|cseq):/i.test(l));
  return [`SIP/2.0 ${status}`, ...head, ...extra, "Content-Length: 0", "", ""].join("\r\n");
}

const SERVER = { host: "sip.test", port: 5060 };

/** The transport's failover between the located targets of one server name (RFC 3263 §4.3), on loopback. */
describe("SipTransport: moving to the next located target", () => {
  let first: UdpPeer;
  let second: UdpPeer;
  let transport: SipTransport | undefined;
  let delivered: AsyncQueue<string>;

  async function open(options: Partial<SipTransportOptions>): Promise<SipTransport> {
    const t = new SipTransport(quietSipLogger, {
      protocol: "udp",
      server: SERVER,
      targets: [
        { host: "127.0.0.1", port: first.port },
        { host: "127.0.0.1", port: second.port },
      ],
      forceServer: false,
      localAddress: "127.0.0.1",
      ...options,
    });
    transport = t;
    delivered = new AsyncQueue<string>();
    t.onMessage = (m) => delivered.push(m);
    await t.connect();
    return t;
  }

  beforeEach(async () => {
    first = await UdpPeer.open();
    second = await UdpPeer.open();
  });

  afterEach(async () => {
    await transport?.dispose();
    transport = undefined;
    await first.close();
    await second.close();
  });

  it("UDP: a REGISTER to the server goes to the first target, then after failoverTimeoutMs without an answer to the second; a late answer of the first is dropped", async () => {
    const clock = new FakeClock();
    const t = await open({ clock, failoverTimeoutMs: 3000 });
    const register = sipjsRequest("REGISTER", "z9hG4bKr1", "sip:sip.test");
    await t.send(register);
    const toFirst = await first.received.next();
    assert.match(toFirst.text, /^REGISTER sip:sip\.test /);
    clock.advance(3000);
    const toSecond = await second.received.next();
    assert.equal(toSecond.text, toFirst.text, "the same request, same branch");
    // The first one wakes up and answers: not for sip.js any more. The second's answer is.
    await first.send(reply(toFirst.text, "200 OK"), t.localPort);
    await second.send(reply(toSecond.text, "401 Unauthorized", ['WWW-Authenticate: Digest realm="sip.test", nonce="n1"']), t.localPort);
    assert.match(await delivered.next(), /^SIP\/2.0 401 /);
    assert.equal(delivered.length, 0);
    // The second stays in use.
    await t.send(sipjsRequest("OPTIONS", "z9hG4bKo1", "sip:sip.test"));
    assert.match((await second.received.next()).text, /^OPTIONS /);
  });

  it("UDP: a 503 to a REGISTER moves it on at once; the last target's 503 goes to sip.js", async () => {
    const t = await open({});
    await t.send(sipjsRequest("REGISTER", "z9hG4bKr2", "sip:sip.test"));
    const r = await first.received.next();
    await first.send(reply(r.text, "503 Service Unavailable"), t.localPort);
    const again = await second.received.next();
    assert.match(again.text, /^REGISTER /);
    await second.send(reply(again.text, "503 Service Unavailable"), t.localPort);
    assert.match(await delivered.next(), /^SIP\/2.0 503 /, "no target left: sip.js gets the 503");
  });

  it("UDP: an INVITE for a user at the domain that gets no answer moves on too, as does its CANCEL's next hop", async () => {
    const clock = new FakeClock();
    const t = await open({ clock });
    await t.send(sipjsRequest("INVITE", "z9hG4bKi2", "sip:bob@sip.test", "v=0\r\n"));
    assert.match((await first.received.next()).text, /^INVITE /);
    clock.advance(4000);
    assert.match((await second.received.next()).text, /^INVITE sip:bob@sip\.test /);
    await t.send(sipjsRequest("CANCEL", "z9hG4bKi2", "sip:bob@sip.test"));
    assert.match((await second.received.next()).text, /^CANCEL /);
  });

  it("UDP: a 503 to an INVITE is given to sip.js (the ACK of a non-2xx is its transaction's), not moved", async () => {
    const t = await open({});
    await t.send(sipjsRequest("INVITE", "z9hG4bKi1", "sip:bob@sip.test", "v=0\r\n"));
    const invite = await first.received.next();
    await first.send(reply(invite.text, "503 Service Unavailable"), t.localPort);
    assert.match(await delivered.next(), /^SIP\/2.0 503 /);
    assert.equal(second.received.length, 0);
  });

  it("UDP: a challenge from the located target of the account's domain is answered (the target belongs to the domain)", async () => {
    // authHosts holds the domain only; the in-dialog request goes to the target's address (a Record-Route).
    const t = await open({ authHosts: [{ host: "sip.test", port: 5060 }] });
    const bye = sipjsRequest("BYE", "z9hG4bKb1", "sip:bob@sip.test").replace("To: <sip:bob@127.0.0.1>", "To: <sip:bob@127.0.0.1>;tag=x").replace("Max-Forwards: 70\r\n", `Max-Forwards: 70\r\nRoute: <sip:127.0.0.1:${first.port};lr>\r\n`);
    await t.send(bye);
    const got = await first.received.next();
    await first.send(reply(got.text, "407 Proxy Authentication Required", ['Proxy-Authenticate: Digest realm="sip.test", nonce="n2"']), t.localPort);
    assert.match(await delivered.next(), /^SIP\/2.0 407 Proxy Authentication Required\r\n[\s\S]*Proxy-Authenticate: Digest/, "the challenge is kept for sip.js to answer");
  });

  it("UDP: a request whose next hop is not the server (another host in its URI) is not moved", async () => {
    const clock = new FakeClock();
    const stranger = await UdpPeer.open();
    try {
      const t = await open({ clock });
      await t.send(sipjsRequest("OPTIONS", "z9hG4bKs1", `sip:bob@127.0.0.1:${stranger.port}`));
      assert.match((await stranger.received.next()).text, /^OPTIONS /);
      clock.advance(32000);
      assert.match(await delivered.next(), /^SIP\/2.0 408 /);
      assert.equal(second.received.length, 0);
    } finally {
      await stranger.close();
    }
  });

  it("UDP: after the last target, the next out-of-dialog request starts over at the first", async () => {
    const clock = new FakeClock();
    const t = await open({ clock });
    await t.send(sipjsRequest("REGISTER", "z9hG4bKw1", "sip:sip.test"));
    await first.received.next();
    clock.advance(4000);
    const atSecond = await second.received.next();
    await second.send(reply(atSecond.text, "200 OK"), t.localPort);
    assert.match(await delivered.next(), /^SIP\/2.0 200 /);
    // The second goes quiet for the refresh: it moves back to the first, and no further.
    await t.send(sipjsRequest("REGISTER", "z9hG4bKw2", "sip:sip.test"));
    await second.received.next();
    clock.advance(4000);
    // (The first got retransmissions of the first REGISTER before it moved on: skip them.)
    let atFirst = await first.received.next();
    while (atFirst.text.includes("branch=z9hG4bKw1")) atFirst = await first.received.next();
    assert.match(atFirst.text, /branch=z9hG4bKw2/);
    clock.advance(32000);
    assert.match(await delivered.next(), /^SIP\/2.0 408 /, "each target tried once: then the usual 408");
  });

  it("TCP: a 503 to a REGISTER gives sip.js a 503 and drops the connection; the next connection goes to the next target", async () => {
    const one = await TcpPeer.open();
    const two = await TcpPeer.open();
    try {
      const t = new SipTransport(quietSipLogger, {
        protocol: "tcp",
        server: SERVER,
        targets: [
          { host: "127.0.0.1", port: one.port },
          { host: "127.0.0.1", port: two.port },
        ],
        forceServer: false,
        localAddress: "127.0.0.1",
      });
      transport = t;
      const got = new AsyncQueue<string>();
      t.onMessage = (m) => got.push(m);
      await t.connect();
      const conn = await one.connections.next();
      const register = sipjsRequest("REGISTER", "z9hG4bKt1", "sip:sip.test", "", "TCP");
      const arrived = new Promise<string>((resolve) => conn.once("data", (d: Buffer) => resolve(d.toString("utf8"))));
      await t.send(register);
      conn.write(reply(await arrived, "503 Service Unavailable"));
      assert.match(await got.next(), /^SIP\/2.0 503 Service Unavailable\r\n[\s\S]*Reason: SIP ;cause=503 ;text="503 Service Unavailable from 127\.0\.0\.1:\d+"/);
      assert.equal(t.state, "Disconnected");
      const sending = t.send(sipjsRequest("REGISTER", "z9hG4bKt2", "sip:sip.test", "", "TCP"));
      const next = await two.connections.next();
      await sending;
      assert.equal(next.remotePort, t.localPort);
    } finally {
      await transport?.dispose();
      transport = undefined;
      await one.close();
      await two.close();
    }
  });

  it("TCP: a refused connection moves to the next target at once", async () => {
    const refused = net.createServer();
    await new Promise<void>((resolve) => refused.listen(0, "127.0.0.1", resolve));
    const deadPort = (refused.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => refused.close(() => resolve()));
    const live = await TcpPeer.open();
    try {
      const t = new SipTransport(quietSipLogger, {
        protocol: "tcp",
        server: SERVER,
        targets: [
          { host: "127.0.0.1", port: deadPort },
          { host: "127.0.0.1", port: live.port },
        ],
        forceServer: false,
        localAddress: "127.0.0.1",
      });
      transport = t;
      await t.connect();
      const socket = await live.connections.next();
      assert.equal(socket.remotePort, t.localPort);
    } finally {
      await transport?.dispose();
      transport = undefined;
      await live.close();
    }
  });
});
