import assert from "node:assert/strict";
import type * as net from "node:net";
import { TransportState } from "sip.js";
import { SipTransport, type SipTransportOptions } from "../../../src/sip/transport";
import { ConfigError } from "../../../src/errors";
import type { LogLevel } from "../../../src/util/logger";
import { FakeClock } from "./fake-clock";
import {
  AsyncQueue,
  TcpPeer,
  closedTcpPort,
  handleCounts,
  handlesSettleTo,
  quietSipLogger,
  readBytes,
  sipjsRequest,
} from "./loopback";

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("SipTransport over TCP (loopback)", () => {
  let peer: TcpPeer;
  let transport: SipTransport | undefined;
  let delivered: AsyncQueue<string>;
  let disconnects: AsyncQueue<Error | undefined>;
  let logs: Array<[LogLevel, string]>;

  function make(port: number, options: Partial<SipTransportOptions> = {}): SipTransport {
    logs = [];
    transport = new SipTransport(quietSipLogger, {
      protocol: "tcp",
      server: { host: "127.0.0.1", port },
      forceServer: true,
      logger: { log: (level, _category, message) => logs.push([level, message]) },
      ...options,
    });
    delivered = new AsyncQueue<string>();
    disconnects = new AsyncQueue<Error | undefined>();
    transport.onMessage = (m) => delivered.push(m);
    transport.onDisconnect = (e) => disconnects.push(e);
    return transport;
  }

  beforeEach(async () => {
    peer = await TcpPeer.open();
  });

  afterEach(async () => {
    await transport?.dispose();
    transport = undefined;
    await peer.close();
  });

  it("writes whole messages with the Via port and reassembles a response split in 3 chunks", async () => {
    const t = make(peer.port);
    await t.connect();
    assert.equal(t.protocol, "TCP");
    const conn = await peer.connections.next();
    assert.equal(t.localPort, conn.remotePort);
    assert.equal(t.localAddress, "127.0.0.1");
    const register = sipjsRequest("REGISTER", "z9hG4bKr", "sip:127.0.0.1", "", "TCP");
    const message = sipjsRequest("MESSAGE", "z9hG4bKm", "sip:bob@127.0.0.1", "héllo", "TCP");
    const withPort = (m: string): string => m.replace("127.0.0.1;branch", `127.0.0.1:${t.localPort};branch`);
    const expected = withPort(register) + withPort(message);
    const received = readBytes(conn, Buffer.byteLength(expected));
    await t.send(register);
    await t.send(message);
    assert.equal(await received, expected);

    const body = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n";
    const ok =
      `SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP 127.0.0.1:${t.localPort};branch=z9hG4bKm;rport=${t.localPort};received=127.0.0.1\r\n` +
      `CSeq: 1 MESSAGE\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const bytes = Buffer.from(ok);
    for (const [from, to] of [[0, 20], [20, bytes.length - 10], [bytes.length - 10, bytes.length]]) {
      conn.write(bytes.subarray(from, to));
      await tick();
    }
    assert.equal(await delivered.next(), ok.replace(`127.0.0.1:${t.localPort};branch`, "127.0.0.1;branch"));
  });

  it("rejects connect() and send() when the connection is refused (sip.js turns the rejection into a 503)", async () => {
    const t = make(await closedTcpPort());
    await assert.rejects(t.connect(), /TCP connect to 127\.0\.0\.1:\d+ failed: .*ECONNREFUSED/);
    assert.equal(t.state, TransportState.Disconnected);
    await assert.rejects(t.send(sipjsRequest("REGISTER", "z9hG4bKr", "sip:127.0.0.1")), /cannot reconnect: .*ECONNREFUSED/);
    assert.equal(t.state, TransportState.Disconnected);
    assert.equal(delivered.length, 0, "no synthesized response: a rejected send is reported by sip.js itself");
  });

  it("answers waiting requests with a 503 when the connection breaks, and a later send() reconnects", async () => {
    const t = make(peer.port);
    await t.connect();
    const conn = await peer.connections.next();
    const invite = sipjsRequest("INVITE", "z9hG4bKi", "sip:bob@127.0.0.1", "", "TCP");
    const arrived = readBytes(conn, Buffer.byteLength(invite) + String(t.localPort).length + 1);
    await t.send(invite);
    await arrived;
    conn.destroy();
    assert.equal(
      await delivered.next(),
      "SIP/2.0 503 Service Unavailable\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKi;rport\r\n" +
        "From: <sip:alice@127.0.0.1>;tag=t1\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\n" +
        'Reason: SIP ;cause=503 ;text="Transport Error"\r\nContent-Length: 0\r\n\r\n',
    );
    const error = await disconnects.next();
    assert.ok(error instanceof Error);
    assert.equal(t.state, TransportState.Disconnected);
    // sip.js answers the 503 to an INVITE with an ACK: it is dropped, not an error.
    await t.send(sipjsRequest("ACK", "z9hG4bKi", "sip:bob@127.0.0.1", "", "TCP"));

    const options = sipjsRequest("OPTIONS", "z9hG4bKo", "sip:127.0.0.1", "", "TCP");
    const sending = t.send(options);
    const again = await peer.connections.next();
    const text = await readBytes(again, Buffer.byteLength(options) + String(t.localPort).length + 1);
    await sending;
    assert.match(text, /^OPTIONS sip:127\.0\.0\.1 SIP\/2\.0\r\n/, "the ACK was not sent; the OPTIONS came over a new connection");
    assert.equal(t.state, TransportState.Connected);
  });

  it("delivers a synthesized 408 when the server never answers within requestTimeoutMs", async () => {
    const t = make(peer.port, { requestTimeoutMs: 300 });
    await t.connect();
    await t.send(sipjsRequest("REGISTER", "z9hG4bKt", "sip:127.0.0.1", "", "TCP"));
    assert.match(await delivered.next(), /^SIP\/2\.0 408 Request Timeout\r\nVia: SIP\/2\.0\/TCP 127\.0\.0\.1;branch=z9hG4bKt;rport\r\n/);
  });

  it("drops the connection on an oversized header and logs an error", async () => {
    const t = make(peer.port);
    await t.connect();
    const conn: net.Socket = await peer.connections.next();
    conn.write(Buffer.alloc(70 * 1024, "x"));
    const error = await disconnects.next();
    assert.match(String(error?.message), /no end of SIP headers within 65536 bytes/);
    assert.ok(logs.some(([level, message]) => level === "error" && /dropping connection/.test(message)));
    assert.equal(t.state, TransportState.Disconnected);
  });

  it("gives up connecting after requestTimeoutMs (here a TLS handshake the server never answers)", async () => {
    const clock = new FakeClock();
    const t = make(peer.port, { protocol: "tls", clock, requestTimeoutMs: 5000 });
    const connecting = t.connect();
    await peer.connections.next(); // TCP is up; the TLS handshake waits forever
    clock.advance(4999);
    assert.equal(t.state, TransportState.Connecting);
    clock.advance(1);
    await assert.rejects(connecting, /TLS connect to 127\.0\.0\.1:\d+ failed: connect timed out after 5000 ms/);
    assert.equal(t.state, TransportState.Disconnected);
    assert.equal(clock.pending, 0);
  });

  it("rejects connect() when disconnect() comes first", async () => {
    const t = make(peer.port, { protocol: "tls" });
    const states: string[] = [];
    t.stateChange.addListener((s) => states.push(s));
    const connecting = t.connect();
    await peer.connections.next();
    const disconnecting = t.disconnect();
    assert.equal(t.state, TransportState.Disconnecting);
    await assert.rejects(connecting, /closed while connecting/);
    await disconnecting;
    assert.deepEqual(states, ["Connecting", "Disconnecting", "Disconnected"]);
  });

  it("throws ConfigError on unusable options", () => {
    const server = { host: "127.0.0.1", port: 5060 };
    assert.throws(() => new SipTransport(quietSipLogger, { protocol: "ws" as "udp", server, forceServer: false }), ConfigError);
    assert.throws(() => new SipTransport(quietSipLogger, { protocol: "tcp", server: { host: "", port: 5060 }, forceServer: false }), /server\.host/);
    assert.throws(() => new SipTransport(quietSipLogger, { protocol: "udp", server: { host: "h", port: 0 }, forceServer: false }), /server\.port/);
    assert.throws(() => new SipTransport(quietSipLogger, { protocol: "udp", server, forceServer: false, t1Ms: -1 }), /t1Ms/);
  });

  it("leaves no socket or timer behind after dispose()", async () => {
    await tick(); // mocha starts its own test timer after the first await
    const before = handleCounts();
    const t = make(peer.port);
    await t.connect();
    const conn = await peer.connections.next();
    await t.send(sipjsRequest("REGISTER", "z9hG4bKh", "sip:127.0.0.1", "", "TCP"));
    await t.dispose();
    transport = undefined;
    conn.destroy();
    assert.deepEqual(await handlesSettleTo(before), before);
  });
});
