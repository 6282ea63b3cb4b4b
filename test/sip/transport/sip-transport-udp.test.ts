import assert from "node:assert/strict";
import { TransportState } from "sip.js";
import { SipTransport, type SipTransportOptions } from "../../../src/sip/transport";
import { routeSourceAddress } from "../../../src/sip/transport/route-source";
import { FakeClock } from "./fake-clock";
import { AsyncQueue, UdpPeer, handleCounts, handlesSettleTo, quietSipLogger, sipjsRequest } from "./loopback";

describe("SipTransport over UDP (loopback)", () => {
  let peer: UdpPeer;
  let transport: SipTransport | undefined;
  let delivered: AsyncQueue<string>;

  function open(options: Partial<SipTransportOptions> = {}): Promise<SipTransport> {
    transport = new SipTransport(quietSipLogger, {
      protocol: "udp",
      server: { host: "127.0.0.1", port: peer.port },
      forceServer: true,
      localAddress: "127.0.0.1",
      ...options,
    });
    delivered = new AsyncQueue<string>();
    transport.onMessage = (m) => delivered.push(m);
    return transport.connect().then(() => transport as SipTransport);
  }

  beforeEach(async () => {
    peer = await UdpPeer.open();
  });

  afterEach(async () => {
    await transport?.dispose();
    transport = undefined;
    await peer.close();
  });

  it("sends an INVITE with its port in Via, retransmits it on Timer A, and stops on a 100", async () => {
    const clock = new FakeClock();
    const t = await open({ clock });
    assert.equal(t.protocol, "UDP");
    assert.equal(t.localAddress, "127.0.0.1");
    assert.ok(t.localPort > 0);
    const invite = sipjsRequest("INVITE", "z9hG4bK1", `sip:bob@127.0.0.1:${peer.port}`, "v=0\r\n");
    const onWire = invite.replace("127.0.0.1;branch", `127.0.0.1:${t.localPort};branch`);
    await t.send(invite);
    const first = await peer.received.next();
    assert.equal(first.text, onWire);
    assert.equal(first.port, t.localPort);
    clock.advance(500);
    assert.equal((await peer.received.next()).text, onWire);
    clock.advance(1000);
    assert.equal((await peer.received.next()).text, onWire);
    assert.equal(clock.pending, 2, "Timer A and the request timeout");

    const trying = onWire.replace(/^INVITE \S+ SIP\/2.0/, "SIP/2.0 100 Trying").replace(/Max-Forwards: 70\r\n/, "");
    await peer.send(trying, t.localPort);
    assert.equal(await delivered.next(), trying.replace(`127.0.0.1:${t.localPort};`, "127.0.0.1;"));
    assert.equal(clock.pending, 0, "no retransmission or timeout left");
    clock.advance(60000);
    const options = sipjsRequest("OPTIONS", "z9hG4bK2", `sip:bob@127.0.0.1:${peer.port}`);
    await t.send(options);
    assert.match((await peer.received.next()).text, /^OPTIONS /, "the next datagram is not an INVITE copy");
  });

  it("routes a response to the request's received/rport", async () => {
    const t = await open();
    const bye =
      `BYE sip:alice@127.0.0.1:${t.localPort} SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.200:5099;rport;branch=z9hG4bKbye\r\n` +
      "From: <sip:bob@x>;tag=b\r\nTo: <sip:alice@x>;tag=a\r\nCall-ID: c9\r\nCSeq: 5 BYE\r\nContent-Length: 0\r\n\r\n";
    await peer.send(bye, t.localPort);
    const stamped = await delivered.next();
    assert.match(stamped, new RegExp(`^Via: SIP/2.0/UDP 192.0.2.200:5099;branch=z9hG4bKbye;received=127.0.0.1;rport=${peer.port}\r$`, "m"));
    const via = /^Via: .*$/m.exec(stamped)?.[0] ?? "";
    const ok = `SIP/2.0 200 OK\r\n${via}\r\nCSeq: 5 BYE\r\nContent-Length: 0\r\n\r\n`;
    await t.send(ok);
    assert.equal((await peer.received.next()).text, ok);
  });

  it("drops datagrams that are not SIP and keeps working", async () => {
    const t = await open();
    await peer.send("hello", t.localPort);
    await peer.send("\r\n\r\n", t.localPort);
    const ping = `OPTIONS sip:alice@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bKp\r\nCSeq: 1 OPTIONS\r\n\r\n`;
    await peer.send(ping, t.localPort);
    assert.equal(await delivered.next(), ping.replace(";branch=z9hG4bKp", `;branch=z9hG4bKp;received=127.0.0.1;rport=${peer.port}`));
    assert.equal(delivered.length, 0);
  });

  it("delivers a synthesized 408 when nothing answers within requestTimeoutMs, and sends no ACK for it", async () => {
    const t = await open({ requestTimeoutMs: 300 });
    const invite = sipjsRequest("INVITE", "z9hG4bKto", `sip:bob@127.0.0.1:${peer.port}`);
    await t.send(invite);
    assert.equal(
      await delivered.next(),
      "SIP/2.0 408 Request Timeout\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKto;rport\r\n" +
        "From: <sip:alice@127.0.0.1>;tag=t1\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
    );
    const ack = sipjsRequest("ACK", "z9hG4bKto", `sip:bob@127.0.0.1:${peer.port}`);
    await t.send(ack);
    await t.send(sipjsRequest("OPTIONS", "z9hG4bKo2", `sip:bob@127.0.0.1:${peer.port}`));
    assert.match((await peer.received.next()).text, /^INVITE /);
    assert.match((await peer.received.next()).text, /^OPTIONS /, "the ACK to the local 408 never went out");
  });

  it("follows the transport state machine and rejects send() when disconnected", async () => {
    transport = new SipTransport(quietSipLogger, {
      protocol: "udp",
      server: { host: "127.0.0.1", port: peer.port },
      forceServer: false,
      localAddress: "127.0.0.1",
    });
    const t = transport;
    const events: string[] = [];
    t.stateChange.addListener((s) => events.push(s));
    t.onConnect = () => events.push(`onConnect:${t.state}`);
    t.onDisconnect = (e) => events.push(`onDisconnect:${t.state}:${e === undefined ? "no error" : "error"}`);
    assert.equal(t.state, TransportState.Disconnected);
    await assert.rejects(t.send(sipjsRequest("OPTIONS", "z9hG4bKs", "sip:127.0.0.1")), /UDP transport is Disconnected/);
    const connecting = t.connect();
    assert.equal(t.state, TransportState.Connecting);
    await connecting;
    assert.equal(t.isConnected(), true);
    const disconnecting = t.disconnect();
    assert.equal(t.state, TransportState.Disconnecting);
    await disconnecting;
    assert.deepEqual(events, [
      "Connecting",
      "Connected",
      "onConnect:Connected",
      "Disconnecting",
      "onDisconnect:Disconnecting:no error",
      "Disconnected",
    ]);
    await assert.rejects(t.send(sipjsRequest("OPTIONS", "z9hG4bKs", "sip:127.0.0.1")), /Disconnected/);
    await t.dispose();
    await assert.rejects(t.connect(), /disposed/);
  });

  it("leaves no socket or timer behind after dispose()", async () => {
    await new Promise((resolve) => setImmediate(resolve)); // mocha starts its own test timer after the first await
    const before = handleCounts();
    const t = await open({ t1Ms: 20 });
    await t.send(sipjsRequest("INVITE", "z9hG4bKh", `sip:bob@127.0.0.1:${peer.port}`));
    await peer.received.next();
    assert.ok((handleCounts().UDPWrap ?? 0) > (before.UDPWrap ?? 0));
    await t.dispose();
    transport = undefined;
    assert.deepEqual(await handlesSettleTo(before), before);
  });

  it("finds the local address that routes to the server", async () => {
    assert.equal(await routeSourceAddress("127.0.0.1", peer.port, "udp4"), "127.0.0.1");
  });
});
