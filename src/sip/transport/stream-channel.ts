import * as net from "node:net";
import * as tls from "node:tls";
import type { Logger } from "../../util/logger";
import type { SipChannel, SipChannelHandlers, SocketEndpoint } from "./sip-channel";
import type { SipHop, TimerClock } from "./sip-transport-options";
import { SipStreamFramer } from "./stream-framer";

/** Settings of {@link StreamChannel}. */
export interface StreamChannelOptions {
  tls: boolean;
  server: SipHop;
  /** Local address to connect from (ephemeral port). */
  localAddress?: string;
  /** Give up connecting after this long. */
  connectTimeoutMs: number;
  tlsRejectUnauthorized: boolean;
  tlsServerName?: string;
  clock: TimerClock;
  logger: Logger;
}

/**
 * One TCP or TLS connection to the server that carries every SIP message both ways
 * (RFC 3261 §18: responses and in-dialog requests reuse it). Incoming bytes are cut into messages
 * by {@link SipStreamFramer}; a framing error drops the connection.
 */
export class StreamChannel implements SipChannel {
  private socket: net.Socket | undefined;
  private closed = false;
  /** Fails an `open()` still in progress when close() comes first. */
  private abortOpen: ((error: Error) => void) | undefined;
  private readonly framer = new SipStreamFramer();

  constructor(
    private readonly options: StreamChannelOptions,
    private readonly handlers: SipChannelHandlers,
  ) {}

  open(): Promise<SocketEndpoint> {
    const { server, localAddress, clock } = this.options;
    const socket = this.options.tls
      ? tls.connect(this.tlsOptions())
      : net.connect({ host: server.host, port: server.port, localAddress });
    this.socket = socket;
    const readyEvent = this.options.tls ? "secureConnect" : "connect";
    return new Promise<SocketEndpoint>((resolve, reject) => {
      const fail = (error: Error): void => {
        this.abortOpen = undefined;
        clock.clearTimeout(timer);
        socket.off(readyEvent, ready);
        this.close();
        reject(error);
      };
      const ready = (): void => {
        this.abortOpen = undefined;
        clock.clearTimeout(timer);
        socket.off("error", fail);
        socket.off("close", closedEarly);
        if (this.closed) return reject(new Error("connection closed while connecting"));
        this.attach(socket);
        resolve({ address: socket.localAddress ?? "", port: socket.localPort ?? 0 });
      };
      const closedEarly = (): void => fail(new Error("connection closed while connecting"));
      const { connectTimeoutMs } = this.options;
      const timer = clock.setTimeout(
        () => fail(new Error(`connect timed out after ${connectTimeoutMs} ms`)),
        connectTimeoutMs,
      );
      this.abortOpen = fail;
      socket.once(readyEvent, ready);
      socket.once("error", fail);
      socket.once("close", closedEarly);
    });
  }

  private tlsOptions(): tls.ConnectionOptions {
    const { server, localAddress } = this.options;
    // tls.connect passes socket.connect() options such as localAddress on (Node docs); its type omits them.
    const options: tls.ConnectionOptions & net.TcpSocketConnectOpts = {
      host: server.host,
      port: server.port,
      localAddress,
      // SNI must be a name: Node rejects IP literals as servername.
      servername: this.options.tlsServerName ?? (net.isIP(server.host) ? undefined : server.host),
      rejectUnauthorized: this.options.tlsRejectUnauthorized,
    };
    return options;
  }

  send(message: string): Promise<void> {
    const socket = this.socket;
    if (!socket || this.closed || socket.destroyed) return Promise.reject(new Error("connection is not open"));
    return new Promise((resolve, reject) => {
      socket.write(message, "utf8", (error) => {
        if (error) reject(new Error(`write failed: ${error.message}`));
        else resolve();
      });
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const abort = this.abortOpen;
    this.abortOpen = undefined;
    const socket = this.socket;
    this.socket = undefined;
    abort?.(new Error("connection closed while connecting"));
    if (!socket) return;
    socket.removeAllListeners("data");
    socket.removeAllListeners("close");
    socket.removeAllListeners("error");
    socket.on("error", () => undefined); // errors after close are expected and of no interest
    socket.destroy();
  }

  private attach(socket: net.Socket): void {
    let lastError: Error | undefined;
    socket.on("error", (error) => (lastError = error));
    socket.on("close", () => this.lose(lastError ?? new Error("connection closed by the server")));
    socket.on("data", (chunk: Buffer) => {
      let messages: string[];
      try {
        messages = this.framer.push(chunk);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.options.logger.log("error", "sip.transport", `dropping connection: ${message}`);
        this.lose(error instanceof Error ? error : new Error(message));
        return;
      }
      const from = { address: socket.remoteAddress ?? "", port: socket.remotePort ?? 0 };
      for (const text of messages) {
        if (this.closed) return;
        this.handlers.onMessage(text, from);
      }
    });
  }

  private lose(error: Error): void {
    if (this.closed) return;
    this.close();
    this.handlers.onLost(error);
  }
}
