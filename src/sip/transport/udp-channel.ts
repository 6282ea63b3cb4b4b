import * as dgram from "node:dgram";
import { isIPv6 } from "node:net";
import { parseStartLine } from "./message-head";
import { requestHop, responseHop } from "./next-hop";
import { routeSourceAddress } from "./route-source";
import type { SipChannel, SipChannelHandlers, SocketEndpoint } from "./sip-channel";
import type { SipHop } from "./sip-transport-options";

/** Settings of {@link UdpChannel}. */
export interface UdpChannelOptions {
  server: SipHop;
  /** Where a datagram for `hop` really goes (the located server for `server`); default: `hop` itself. */
  nextHop?: (hop: SipHop) => SipHop;
  forceServer: boolean;
  /** Bind address; default the wildcard address. */
  localAddress?: string;
  /** Bind port; default 0 (any free port). */
  localPort?: number;
}

/**
 * One UDP socket for every SIP message. Requests go to their next hop (outbound proxy, Route or
 * Request-URI), responses to the top Via's received/rport or sent-by (see next-hop.ts).
 */
export class UdpChannel implements SipChannel {
  private socket: dgram.Socket | undefined;
  private closed = false;
  /** Rejects a bind still in progress when close() comes first. */
  private abortOpen: ((error: Error) => void) | undefined;
  private readonly family: "udp4" | "udp6";

  constructor(
    private readonly options: UdpChannelOptions,
    private readonly handlers: SipChannelHandlers,
  ) {
    this.family = isIPv6(options.localAddress ?? this.hop(options.server).host) ? "udp6" : "udp4";
  }

  async open(): Promise<SocketEndpoint> {
    const socket = dgram.createSocket(this.family);
    this.socket = socket;
    const bindAddress = this.options.localAddress ?? (this.family === "udp6" ? "::" : "0.0.0.0");
    await new Promise<void>((resolve, reject) => {
      this.abortOpen = reject;
      socket.once("error", reject);
      socket.bind(this.options.localPort ?? 0, bindAddress, () => {
        socket.off("error", reject);
        resolve();
      });
    }).finally(() => (this.abortOpen = undefined));
    if (this.closed) throw new Error("UDP channel closed while binding");
    socket.on("error", (error) => this.lose(error));
    socket.on("message", (data, rinfo) => {
      this.handlers.onMessage(data.toString("utf8"), { address: rinfo.address, port: rinfo.port });
    });
    const bound = socket.address();
    const wildcard = bound.address === "0.0.0.0" || bound.address === "::";
    const server = this.hop(this.options.server);
    const address = wildcard ? await routeSourceAddress(server.host, server.port, this.family) : bound.address;
    if (this.closed) throw new Error("UDP channel closed while binding");
    return { address, port: bound.port };
  }

  send(message: string): Promise<void> {
    const socket = this.socket;
    if (!socket || this.closed) return Promise.reject(new Error("UDP socket is not open"));
    const start = parseStartLine(message);
    const { server, forceServer } = this.options;
    const hop = start?.kind === "request" ? this.hop(requestHop(message, server, forceServer)) : responseHop(message);
    if (!hop) return Promise.reject(new Error("cannot route a message without a top Via"));
    return new Promise((resolve, reject) => {
      socket.send(Buffer.from(message, "utf8"), hop.port, hop.host, (error) => {
        if (error) reject(new Error(`UDP send to ${hop.host}:${hop.port} failed: ${error.message}`));
        else resolve();
      });
    });
  }

  private hop(hop: SipHop): SipHop {
    return this.options.nextHop ? this.options.nextHop(hop) : hop;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.abortOpen?.(new Error("UDP channel closed while binding"));
    const socket = this.socket;
    this.socket = undefined;
    if (!socket) return;
    socket.removeAllListeners("message");
    socket.removeAllListeners("error");
    socket.on("error", () => undefined); // a late send error must not become an uncaught exception
    try {
      socket.close();
    } catch {
      // not bound yet or already closed: nothing left to release
    }
  }

  private lose(error: Error): void {
    if (this.closed) return;
    this.close();
    this.handlers.onLost(error);
  }
}
