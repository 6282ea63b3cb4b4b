import * as dgram from "node:dgram";

/** What the engine's SIP socket tried to send, summed (a bounded record, so it does not weigh on heap measurements). */
export interface EgressTally {
  datagrams: number;
  bytes: number;
  /** Datagrams swallowed because their destination was not an allowed 127.0.0.1 port. */
  blocked: number;
  /** Count per "host:port". */
  byDestination: Map<string, number>;
  /** Count per start line (method or status), e.g. "SIP/2.0 481" or "BYE". */
  byKind: Map<string, number>;
}

function emptyTally(): EgressTally {
  return { datagrams: 0, bytes: 0, blocked: 0, byDestination: new Map(), byKind: new Map() };
}

/**
 * Watches the datagrams that one local UDP port (the engine's SIP port) sends, in this process.
 *
 * @remarks
 * Torture messages carry foreign Via hosts (the RFC's example.com, 192.0.2.x) and mutations can
 * turn any address into another: the engine's answers to them must never leave loopback, nor hit
 * whatever listens on 127.0.0.1:5060. Only the listed 127.0.0.1 ports receive real datagrams;
 * every other send is recorded and reported to the caller as done, without touching the network
 * (no DNS lookup either). Replaces `dgram.Socket.prototype.send` until `restore()`.
 */
export class EgressGuard {
  tally: EgressTally = emptyTally();
  /** Called with the text of each datagram that really goes out. */
  onSent: ((text: string, port: number) => void) | undefined;
  private readonly original = dgram.Socket.prototype.send;

  constructor(
    private readonly watchedPort: number,
    private readonly allowedPorts: ReadonlySet<number>,
  ) {
    const guard = this;
    const original = this.original;
    type Send = (this: dgram.Socket, ...args: unknown[]) => void;
    const patched: Send = function (...args) {
      if (localPort(this) !== guard.watchedPort) return (original as unknown as Send).apply(this, args);
      // The engine calls send(buffer, port, host, callback).
      const [msg, port, host, callback] = args as [Buffer | string, number, string, ((error: Error | null) => void) | undefined];
      const bytes = Buffer.isBuffer(msg) ? msg : Buffer.from(String(msg));
      const allowed = host === "127.0.0.1" && guard.allowedPorts.has(port);
      guard.count(bytes, `${String(host)}:${port}`, allowed);
      if (allowed) {
        guard.onSent?.(bytes.toString("utf8"), port);
        return (original as unknown as Send).apply(this, args);
      }
      if (typeof callback === "function") process.nextTick(() => callback(null));
    };
    dgram.Socket.prototype.send = patched as unknown as typeof dgram.Socket.prototype.send;
  }

  /** Returns the tally so far and starts a new one. */
  take(): EgressTally {
    const t = this.tally;
    this.tally = emptyTally();
    return t;
  }

  private count(bytes: Buffer, destination: string, allowed: boolean): void {
    const t = this.tally;
    t.datagrams++;
    t.bytes += bytes.length;
    if (!allowed) t.blocked++;
    t.byDestination.set(destination, (t.byDestination.get(destination) ?? 0) + 1);
    const head = bytes.toString("latin1", 0, 40);
    const kind = head.startsWith("SIP/2.0 ") ? head.slice(0, 11) : head.split(" ")[0];
    t.byKind.set(kind, (t.byKind.get(kind) ?? 0) + 1);
  }

  restore(): void {
    dgram.Socket.prototype.send = this.original;
  }
}

function localPort(socket: dgram.Socket): number | undefined {
  try {
    return socket.address().port;
  } catch {
    return undefined; // not bound yet
  }
}
