import * as dgram from "node:dgram";
import { RtpHeader, RtpPacket } from "werift-rtp";

/**
 * Binds a UDP socket on 127.0.0.1 (port 0: any free port). `address` may name another loopback
 * address (Linux routes all of 127.0.0.0/8 to lo): a sender whose address is not the peer's.
 */
export function bindUdp(port = 0, address = "127.0.0.1"): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket("udp4");
    socket.once("error", reject);
    socket.bind({ address, port, exclusive: true }, () => {
      socket.off("error", reject);
      resolve(socket);
    });
  });
}

export function portOf(socket: dgram.Socket): number {
  return socket.address().port;
}

export function closeQuietly(...sockets: dgram.Socket[]): void {
  for (const socket of sockets) {
    try {
      socket.close();
    } catch {
      // already closed
    }
  }
}

/** Sends and resolves once the datagram is handed to the kernel. */
export function sendTo(socket: dgram.Socket, data: Buffer, port: number): Promise<void> {
  return new Promise((resolve, reject) =>
    socket.send(data, port, "127.0.0.1", (error) => (error ? reject(error) : resolve())),
  );
}

export interface Received {
  data: Buffer;
  port: number;
}

/**
 * Collects a socket's datagrams; next() resolves with the next one. The timeout only turns a
 * missing datagram into a failure message instead of mocha's generic one.
 */
export class Inbox {
  readonly #items: Received[] = [];
  readonly #waiters: Array<(r: Received) => void> = [];

  constructor(socket: dgram.Socket) {
    socket.on("message", (data, rinfo) => {
      const item = { data, port: rinfo.port };
      const waiter = this.#waiters.shift();
      if (waiter) waiter(item);
      else this.#items.push(item);
    });
  }

  get size(): number {
    return this.#items.length;
  }

  next(timeoutMs = 5000): Promise<Received> {
    const item = this.#items.shift();
    if (item) return Promise.resolve(item);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no datagram within ${timeoutMs} ms`)), timeoutMs);
      this.#waiters.push((r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
  }
}

/** Polls `condition` on every event-loop turn until true; fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

export interface RtpSpec {
  payloadType: number;
  sequenceNumber: number;
  timestamp?: number;
  ssrc?: number;
  marker?: boolean;
  payload?: Buffer;
}

/** Serializes an RTP packet with werift-rtp. */
export function rtp(spec: RtpSpec): Buffer {
  const header = new RtpHeader({
    payloadType: spec.payloadType,
    sequenceNumber: spec.sequenceNumber,
    timestamp: spec.timestamp ?? spec.sequenceNumber * 160,
    ssrc: spec.ssrc ?? 0xcafebabe,
    marker: spec.marker ?? false,
  });
  return Buffer.from(new RtpPacket(header, spec.payload ?? Buffer.from([0xde, 0xad, 0xbe, 0xef])).serialize());
}
