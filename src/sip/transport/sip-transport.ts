import { TransportState, type Transport } from "sip.js";
import type { Logger } from "../../util/logger";
import { hopText, isAuthHost, refuseChallenge, type AuthHost } from "./challenge-guard";
import { firstHeader, headerValue, parseStartLine, topViaBranch, transactionKey } from "./message-head";
import { headerLimitExceeded } from "./message-limits";
import { requestHop, uriHop } from "./next-hop";
import { RequestTimers } from "./request-timers";
import type { SipChannel, SocketEndpoint } from "./sip-channel";
import {
  TRANSPORT_DEFAULTS,
  validateTransportOptions,
  type SipTransportOptions,
  type TimerClock,
} from "./sip-transport-options";
import { StreamChannel } from "./stream-channel";
import { statelessReply, synthesizeResponse } from "./synthesize-response";
import { TransportStateMachine } from "./transport-state-machine";
import { UdpChannel } from "./udp-channel";
import { addViaPort, stampReceived, stripViaPort } from "./via-rewrite";

/** The part of sip.js's `Logger` the transport uses (sip.js passes its own as the first constructor argument). */
export interface SipJsLogger {
  error(content: string): void;
  warn(content: string): void;
  log(content: string): void;
  debug(content: string): void;
}

/** How many INVITE branches to remember whose ACK must not go out (see `noAckFor`). */
const NO_ACK_MEMORY = 64;
/** The stateless answers of `answerUnsolicitedStatelessly`, by method. */
const UNSOLICITED_REPLIES: Readonly<Record<string, { statusCode: number; reasonPhrase: string }>> = {
  INVITE: { statusCode: 603, reasonPhrase: "Decline" },
  OPTIONS: { statusCode: 200, reasonPhrase: "OK" },
};

/** How many outstanding requests to remember whose challenges must not be answered. */
const NO_AUTH_MEMORY = 256;

const REAL_CLOCK: TimerClock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * The sip.js `Transport` over Node sockets: UDP, or one TCP/TLS connection to the server.
 *
 * @remarks
 * Follows the state rules of sip.js's `api/transport.ts`. On top of moving messages it does what
 * sip.js 0.21 leaves to a browser WebSocket or does not do at all (it has no UDP retransmission
 * and writes no port into Via):
 * - adds the local port to the top Via of requests and strips it from responses (via-rewrite.ts);
 * - over UDP, retransmits requests (Timers A/E) until any response (request-timers.ts);
 * - over every protocol, answers a request nobody answers within `requestTimeoutMs` with a
 *   synthesized 408, and when a connection breaks, answers each request waiting on it with a 503
 *   (RFC 3261 §8.1.3.1), delivered through `onMessage` before the state leaves Connected;
 * - does not send the ACK sip.js builds for such a synthesized response (no server ever saw it).
 * A rejected `send()` needs no synthesized response: sip.js's transaction turns it into a 503
 * itself (`Transaction.send` → `onTransportError`).
 * Deviation: after the network failed (not after `disconnect()`), `send()` reconnects first, so a
 * registration refresh can bring a dropped TCP/TLS connection back.
 */
export class SipTransport extends TransportStateMachine implements Transport {
  readonly protocol: string;

  private readonly options: SipTransportOptions;
  private readonly clock: TimerClock;
  private readonly timers: RequestTimers;
  private channel: SipChannel | undefined;
  private local: SocketEndpoint | undefined;
  private connectAttempt: Promise<void> | undefined;
  private disconnectAttempt: Promise<void> | undefined;
  /** Why the network went away, while it is away; `send()` then reconnects. */
  private lostError: Error | undefined;
  private disposed = false;
  /** Keys of requests whose `send()` has not settled: a lost connection rejects them instead. */
  private readonly inFlight = new Set<string>();
  /** INVITE branches answered by a synthesized final response: sip.js's ACK to it is dropped. */
  private readonly noAckFor = new Set<string>();
  /** Requests that went to a host the credentials are not for: transaction key → that host. */
  private readonly noAuthFor = new Map<string, string>();
  private readonly authHosts: readonly AuthHost[];

  constructor(sipLogger: SipJsLogger, options: SipTransportOptions) {
    validateTransportOptions(options);
    const logger = options.logger ?? adaptLogger(sipLogger);
    super(logger);
    this.options = options;
    this.protocol = options.protocol.toUpperCase();
    this.clock = options.clock ?? REAL_CLOCK;
    this.authHosts = options.authHosts ?? [options.server];
    this.timers = new RequestTimers(
      {
        t1Ms: options.t1Ms ?? TRANSPORT_DEFAULTS.t1Ms,
        t2Ms: options.t2Ms ?? TRANSPORT_DEFAULTS.t2Ms,
        timeoutMs: options.requestTimeoutMs ?? TRANSPORT_DEFAULTS.requestTimeoutMs,
        retransmit: options.protocol === "udp",
        clock: this.clock,
      },
      {
        onRetransmit: (request) => this.retransmit(request),
        onTimeout: (request) => this.answerLocally(request, 408, "Request Timeout"),
      },
    );
  }

  /** The local port (UDP bound port, or the TCP/TLS connection's port); 0 before `connect()` resolves. */
  get localPort(): number {
    return this.local?.port ?? 0;
  }

  /** The address used in Via: `publicAddress`, else the local address that reaches the server (after `connect()`). */
  get localAddress(): string {
    return this.options.publicAddress ?? this.local?.address ?? this.options.localAddress ?? "0.0.0.0";
  }

  connect(): Promise<void> {
    if (this.disposed) return Promise.reject(new Error("transport is disposed"));
    if (this.state === TransportState.Connected) return Promise.resolve();
    if (this.state === TransportState.Connecting && this.connectAttempt) return this.connectAttempt;
    try {
      this.transition(TransportState.Connecting);
    } catch (error) {
      return Promise.reject(asError(error));
    }
    const attempt = this.openChannel().finally(() => {
      if (this.connectAttempt === attempt) this.connectAttempt = undefined;
    });
    this.connectAttempt = attempt;
    return attempt;
  }

  disconnect(): Promise<void> {
    if (this.state === TransportState.Disconnected) return Promise.resolve();
    if (this.state === TransportState.Disconnecting && this.disconnectAttempt) return this.disconnectAttempt;
    try {
      this.transition(TransportState.Disconnecting);
    } catch (error) {
      return Promise.reject(asError(error));
    }
    this.lostError = undefined;
    this.shutdown();
    const attempt = Promise.resolve().then(() => {
      this.disconnectAttempt = undefined;
      if (this.state !== TransportState.Disconnecting) throw new Error("connect() was called while disconnecting");
      this.transition(TransportState.Disconnected);
    });
    this.disconnectAttempt = attempt;
    return attempt;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.disconnect().catch((error: unknown) => this.log("warn", `disconnect on dispose: ${String(error)}`));
    this.shutdown();
    this.emitter.removeAllListeners();
  }

  async send(message: string): Promise<void> {
    const start = parseStartLine(message);
    if (!start) throw new Error("refusing to send a message that is not SIP");
    if (start.kind === "request" && start.method === "ACK" && this.dropAck(message)) return;
    if (this.state !== TransportState.Connected) await this.reconnectForSend();
    const channel = this.channel;
    const local = this.local;
    if (!channel || !local) throw new Error(`${this.protocol} transport is not connected`);
    const text = start.kind === "request" ? addViaPort(message, local.port) : message;
    if (start.kind === "request" && start.method !== "ACK" && start.method !== "CANCEL") this.guardCredentials(text, start.uri);
    const key = start.kind === "request" ? this.timers.track(text) : undefined;
    if (key) this.inFlight.add(key);
    try {
      await channel.send(text);
    } catch (error) {
      if (key) this.timers.stop(key);
      throw new Error(`${this.protocol} send failed: ${asError(error).message}`);
    } finally {
      if (key) this.inFlight.delete(key);
    }
    // The connection broke while this was being written: the request is lost with it.
    if (this.channel !== channel) {
      if (key) this.timers.stop(key);
      throw new Error(`${this.protocol} connection lost while sending`);
    }
  }

  private async openChannel(): Promise<void> {
    const channel = this.createChannel();
    this.channel = channel;
    let local: SocketEndpoint;
    try {
      local = await channel.open();
    } catch (error) {
      const reason = new Error(`${this.protocol} connect to ${this.serverText()} failed: ${asError(error).message}`);
      channel.close();
      if (this.channel === channel && this.state === TransportState.Connecting) {
        this.channel = undefined;
        this.lostError = reason;
        this.transition(TransportState.Disconnected, reason);
      }
      throw reason;
    }
    if (this.channel !== channel || this.state !== TransportState.Connecting) {
      channel.close();
      throw new Error("connect() aborted by disconnect()");
    }
    this.local = { address: this.options.publicAddress ?? local.address, port: local.port };
    this.lostError = undefined;
    this.log("info", `${this.protocol} ready on ${local.address}:${local.port}, server ${this.serverText()}`);
    this.transition(TransportState.Connected);
  }

  private createChannel(): SipChannel {
    const o = this.options;
    const handlers = {
      onMessage: (text: string, from: SocketEndpoint) => this.receive(text, from),
      onLost: (error: Error) => this.lose(error),
    };
    if (o.protocol === "udp") {
      return new UdpChannel(
        { server: o.server, forceServer: o.forceServer, localAddress: o.localAddress, localPort: o.localPort },
        handlers,
      );
    }
    return new StreamChannel(
      {
        tls: o.protocol === "tls",
        server: o.server,
        localAddress: o.localAddress,
        connectTimeoutMs: o.requestTimeoutMs ?? TRANSPORT_DEFAULTS.requestTimeoutMs,
        tlsRejectUnauthorized: o.tlsRejectUnauthorized ?? true,
        tlsServerName: o.tlsServerName,
        clock: this.clock,
        logger: this.logger,
      },
      handlers,
    );
  }

  private async reconnectForSend(): Promise<void> {
    const canReconnect = !this.disposed && this.lostError !== undefined;
    if (canReconnect && this.state === TransportState.Disconnected) {
      this.log("info", `reconnecting to ${this.serverText()} to send`);
      await this.connect().catch((error: unknown) => {
        throw new Error(`${this.protocol} transport cannot reconnect: ${asError(error).message}`);
      });
    } else if (canReconnect && this.state === TransportState.Connecting && this.connectAttempt) {
      await this.connectAttempt;
    } else {
      throw new Error(`${this.protocol} transport is ${this.state}`);
    }
  }

  private receive(text: string, from: SocketEndpoint): void {
    if (this.state !== TransportState.Connected) return;
    const start = parseStartLine(text);
    if (!start) {
      const sample = JSON.stringify(text.slice(0, 40));
      this.log("debug", `dropping non-SIP data from ${from.address}:${from.port}: ${sample}`);
      return;
    }
    const overLimit = headerLimitExceeded(text);
    if (overLimit) {
      this.log("debug", `dropping a message from ${from.address}:${from.port} with ${overLimit}`);
      return;
    }
    if (start.kind === "response") {
      this.timers.responseReceived(text);
      const response = stripViaPort(this.checkChallenge(text, start.statusCode));
      this.observeResponse(response);
      this.deliver(response);
    } else {
      const stamped = stampReceived(text, from.address, from.port);
      const reply = UNSOLICITED_REPLIES[start.method];
      if (reply && this.options.answerUnsolicitedStatelessly && !hasToTag(stamped)) {
        this.replyStatelessly(stamped, reply.statusCode, reply.reasonPhrase);
        return;
      }
      this.deliver(stamped);
    }
  }

  private observeResponse(response: string): void {
    const observer = this.options.onResponse;
    if (!observer) return;
    try {
      observer(response);
    } catch (error) {
      this.log("error", `onResponse threw: ${asError(error).message}`);
    }
  }

  /**
   * Remembers a request whose Request-URI (the UAS that would send a 401) or next hop (the proxy
   * that would send a 407) is not an auth host: its challenges go unanswered. A Request-URI that is
   * no sip:/sips: URI (tel:) counts as a stranger too.
   */
  private guardCredentials(request: string, uri: string): void {
    const key = transactionKey(request);
    if (!key) return;
    const server = this.options.server;
    const target = uriHop(uri);
    const next = this.options.protocol === "udp" ? requestHop(request, server, this.options.forceServer) : server;
    if (!target) this.remember(key, uri.slice(0, 64));
    else if (!isAuthHost(target, this.authHosts)) this.remember(key, hopText(target));
    else if (!isAuthHost(next, this.authHosts)) this.remember(key, hopText(next));
  }

  private remember(key: string, host: string): void {
    this.noAuthFor.set(key, host);
    if (this.noAuthFor.size > NO_AUTH_MEMORY) this.noAuthFor.delete(this.noAuthFor.keys().next().value as string);
  }

  /** A 401/407 to a request that went to a stranger loses its challenge (the credentials stay home). */
  private checkChallenge(response: string, statusCode: number): string {
    if (statusCode < 200) return response;
    const key = transactionKey(response);
    const stranger = key === undefined ? undefined : this.noAuthFor.get(key);
    if (key !== undefined) this.noAuthFor.delete(key);
    if (stranger === undefined || (statusCode !== 401 && statusCode !== 407)) return response;
    const why = `challenge from ${stranger} not answered: the credentials are only sent to the account's registrar, proxy and authHosts`;
    this.log("warn", `${statusCode} ${why}`);
    return refuseChallenge(response, why);
  }

  /** Answers a new request with one small response, sent to its real source; sip.js never sees it. */
  private replyStatelessly(request: string, statusCode: number, reasonPhrase: string): void {
    this.channel
      ?.send(statelessReply(request, statusCode, reasonPhrase))
      .catch((error: unknown) => this.log("debug", `${statusCode} to an unsolicited request not sent: ${asError(error).message}`));
  }

  private retransmit(request: string): void {
    this.channel
      ?.send(request)
      .catch((error: unknown) => this.log("debug", `retransmission failed: ${asError(error).message}`));
  }

  /** Hands sip.js the final response the network never gave (408 on timeout, 503 on a lost connection). */
  private answerLocally(request: string, statusCode: number, reason: string, extraHeaders: string[] = []): void {
    if (this.state !== TransportState.Connected) return;
    const start = parseStartLine(request);
    const what = start?.kind === "request" ? start.method : "request";
    this.log("warn", `no response to ${what}: synthesizing ${statusCode} ${reason}`);
    const branch = topViaBranch(request);
    if (start?.kind === "request" && start.method === "INVITE" && branch) {
      this.noAckFor.add(branch);
      if (this.noAckFor.size > NO_ACK_MEMORY) this.noAckFor.delete(this.noAckFor.values().next().value as string);
    }
    this.deliver(synthesizeResponse(request, statusCode, reason, extraHeaders));
  }

  private dropAck(ack: string): boolean {
    const branch = topViaBranch(ack);
    if (!branch || !this.noAckFor.delete(branch)) return false;
    this.log("debug", "not sending the ACK to a locally synthesized response");
    return true;
  }

  private lose(error: Error): void {
    if (this.state !== TransportState.Connected) return;
    this.log("warn", `${this.protocol} connection to ${this.serverText()} lost: ${error.message}`);
    this.channel = undefined;
    for (const request of this.timers.drain()) {
      const key = transactionKey(request);
      if (key && this.inFlight.has(key)) continue; // its send() rejects instead
      this.answerLocally(request, 503, "Service Unavailable", ['Reason: SIP ;cause=503 ;text="Transport Error"']);
    }
    this.lostError = error;
    this.transition(TransportState.Disconnected, error);
  }

  /** Releases every socket and timer; the state is left to the caller. */
  private shutdown(): void {
    this.timers.dispose();
    this.inFlight.clear();
    this.noAckFor.clear();
    this.noAuthFor.clear();
    const channel = this.channel;
    this.channel = undefined;
    channel?.close();
  }

  private serverText(): string {
    return `${this.options.server.host}:${this.options.server.port}`;
  }
}

function hasToTag(request: string): boolean {
  const to = firstHeader(request, "to");
  return to !== undefined && /;\s*tag\s*=/i.test(headerValue(request, to));
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

function adaptLogger(sip: SipJsLogger): Logger {
  return {
    log: (level, _category, message) => (level === "info" ? sip.log(message) : sip[level](message)),
  };
}
