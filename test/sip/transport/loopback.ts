import * as dgram from "node:dgram";
import * as net from "node:net";
import type { SipJsLogger } from "../../../src/sip/transport";

/** A sip.js logger that prints nothing. */
export const quietSipLogger: SipJsLogger = { error: () => undefined, warn: () => undefined, log: () => undefined, debug: () => undefined };

/** A queue whose `next()` resolves with the next pushed item (or one already waiting). */
export class AsyncQueue<T> {
  private readonly items: T[] = [];
  private readonly waiters: Array<(item: T) => void> = [];

  push(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(item);
    else this.items.push(item);
  }

  next(): Promise<T> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  get length(): number {
    return this.items.length;
  }
}

/** A UDP socket on 127.0.0.1 standing in for a SIP server or peer. */
export class UdpPeer {
  readonly received = new AsyncQueue<{ text: string; port: number }>();
  private constructor(readonly socket: dgram.Socket) {
    socket.on("message", (data, rinfo) => this.received.push({ text: data.toString("utf8"), port: rinfo.port }));
  }

  static async open(): Promise<UdpPeer> {
    const socket = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    return new UdpPeer(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(text: string, port: number): Promise<void> {
    return new Promise((resolve, reject) =>
      this.socket.send(Buffer.from(text), port, "127.0.0.1", (error) => (error ? reject(error) : resolve())),
    );
  }

  /** Every datagram received within `ms` from now, as texts. */
  async receivedWithin(ms: number): Promise<string[]> {
    const texts: string[] = [];
    const deadline = Date.now() + ms;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) return texts;
      const item = await Promise.race([this.received.next(), new Promise<undefined>((r) => setTimeout(r, left))]);
      if (item === undefined) return texts;
      texts.push(item.text);
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

/** A TCP server on 127.0.0.1 that queues each accepted connection. */
export class TcpPeer {
  readonly connections = new AsyncQueue<net.Socket>();
  private readonly sockets = new Set<net.Socket>();
  private constructor(readonly server: net.Server) {
    server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      socket.on("error", () => undefined);
      this.connections.push(socket);
    });
  }

  static async open(server: net.Server = net.createServer()): Promise<TcpPeer> {
    const peer = new TcpPeer(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return peer;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Reads from `socket` until `length` bytes have arrived. */
export function readBytes(socket: net.Socket, length: number): Promise<string> {
  return new Promise((resolve) => {
    let data = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      data = Buffer.concat([data, chunk]);
      if (data.length >= length) {
        socket.off("data", onData);
        resolve(data.toString("utf8"));
      }
    };
    socket.on("data", onData);
  });
}

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
export async function closedTcpPort(): Promise<number> {
  const peer = await TcpPeer.open();
  const port = peer.port;
  await peer.close();
  return port;
}

/** A request the way sip.js 0.21 writes it: Via without port. */
export function sipjsRequest(method: string, branch: string, ruri: string, body = "", protocol = "UDP"): string {
  return (
    `${method} ${ruri} SIP/2.0\r\n` +
    `Via: SIP/2.0/${protocol} 127.0.0.1;branch=${branch};rport\r\n` +
    "Max-Forwards: 70\r\n" +
    "To: <sip:bob@127.0.0.1>\r\n" +
    "From: <sip:alice@127.0.0.1>;tag=t1\r\n" +
    "Call-ID: c1\r\n" +
    `CSeq: 1 ${method}\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

/** Counts the active handles that sockets and timers leave (Node's resource names). */
export function handleCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) {
    if (["UDPWrap", "TCPSocketWrap", "TCPServerWrap", "TLSWrap", "Timeout"].includes(name)) counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

/**
 * Waits (a bounded number of event-loop turns) until the handle counts equal `expected`, and
 * returns the last counts. Socket closes complete a turn or two after close().
 */
export async function handlesSettleTo(expected: Record<string, number>): Promise<Record<string, number>> {
  let counts = handleCounts();
  const same = (a: Record<string, number>, b: Record<string, number>): boolean =>
    [...new Set([...Object.keys(a), ...Object.keys(b)])].every((k) => (a[k] ?? 0) === (b[k] ?? 0));
  for (let i = 0; i < 200 && !same(counts, expected); i++) {
    await new Promise((resolve) => setImmediate(resolve));
    counts = handleCounts();
  }
  return counts;
}
