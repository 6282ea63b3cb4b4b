import assert from "node:assert/strict";
import * as net from "node:net";
import { TransportState } from "sip.js";
import { SipTransport } from "../../src/sip/transport";
import { TransportRecovery } from "../../src/sip/transport-recovery";
import { silentLogger } from "../../src/util/logger";
import { TcpPeer, quietSipLogger } from "./transport/loopback";

/** Reconnecting a dropped TCP connection with nothing to send (transport-recovery.ts), on loopback. */
describe("TransportRecovery", () => {
  let transport: SipTransport | undefined;
  let recovery: TransportRecovery | undefined;

  afterEach(async () => {
    recovery?.close();
    await transport?.dispose();
    transport = undefined;
    recovery = undefined;
  });

  function watch(port: number, delaysMs: number[]): { recovered: number[] } {
    const t = new SipTransport(quietSipLogger, { protocol: "tcp", server: { host: "127.0.0.1", port }, forceServer: false, localAddress: "127.0.0.1" });
    transport = t;
    const seen = { recovered: [] as number[] };
    recovery = new TransportRecovery({ transport: t, logger: silentLogger, delaysMs, onRecovered: () => seen.recovered.push(t.localPort) });
    return seen;
  }

  it("the server drops the connection: a new one at once, on a new local port, and onRecovered is called", async () => {
    const peer = await TcpPeer.open();
    try {
      const seen = watch(peer.port, [0]);
      await transport!.connect();
      const first = await peer.connections.next();
      const oldPort = transport!.localPort;
      first.destroy();
      const second = await peer.connections.next();
      for (let i = 0; i < 100 && seen.recovered.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(transport!.state, TransportState.Connected);
      assert.deepEqual(seen.recovered, [second.remotePort]);
      assert.notEqual(second.remotePort, oldPort);
    } finally {
      await peer.close();
    }
  });

  it("the server is away for a while: attempts after the given waits until it listens again; none after close()", async () => {
    const peer = await TcpPeer.open();
    const port = peer.port;
    const seen = watch(port, [0, 100]);
    await transport!.connect();
    await peer.connections.next();
    await peer.close(); // drops the connection; nothing listens now
    await new Promise((r) => setTimeout(r, 350)); // at least two attempts fail
    assert.equal(transport!.state, TransportState.Disconnected);
    const back = net.createServer();
    const accepted = new Promise<net.Socket>((resolve) => back.once("connection", resolve));
    await new Promise<void>((resolve) => back.listen(port, "127.0.0.1", resolve));
    try {
      const socket = await accepted;
      for (let i = 0; i < 100 && seen.recovered.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(seen.recovered, [socket.remotePort]);
      recovery!.close();
      socket.destroy();
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(transport!.state, TransportState.Disconnected, "closed: no more attempts");
    } finally {
      await new Promise<void>((resolve) => back.close(() => resolve()));
    }
  });
});
