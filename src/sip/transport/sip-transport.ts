import { isIP } from "node:net";
import { TransportState, type Transport } from "sip.js";
import type { Logger } from "../../util/logger";
import { hopText, isAuthHost, refuseChallenge, type AuthHost } from "./challenge-guard";
import { firstHeader, headerValue, parseStartLine, topViaBranch, transactionKey } from "./message-head";
import { headerLimitExceeded } from "./message-limits";
import { requestHop, uriHop } from "./next-hop";
import { RequestTimers } from "./request-timers";
import type { SipChannel, SocketEndpoint } from "./sip-channel";
import type { SipHop } from "./sip-transport-options";
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

/** How many outstanding requests to remember that may still move to another target. */
const FAILOVER_MEMORY = 256;

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
  /** Where `server` is (RFC 3263), best first, and the one in use. */
  private readonly targets: readonly SipHop[];
  private targetIndex = 0;
  /** Out-of-dialog requests that may still move on: transaction key → the request, the target index it went to, and its moves so far. */
  private readonly failover = new Map<string, { request: string; from: number; moves: number }>();
  /** Requests moved on: transaction key → the target left behind, whose late responses are dropped. */
  private readonly leftBehind = new Map<string, SipHop>();

  constructor(sipLogger: SipJsLogger, options: SipTransportOptions) {
    validateTransportOptions(options);
    const logger = options.logger ?? adaptLogger(sipLogger);
    super(logger);
    this.options = options;
    this.protocol = options.protocol.toUpperCase();
    this.clock = options.clock ?? REAL_CLOCK;
    this.targets = options.targets ?? [options.server];
    // The located servers are the server (its SRV targets belong to the domain): their challenges are answered.
    this.authHosts = [...(options.authHosts ?? [options.server]), ...(options.targets ?? []).map((t) => ({ host: t.host, port: t.port }))];
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
        onTimeout: (request) => this.onRequestTimeout(request),
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

  /** Why the network went away (a dropped connection, a failed reconnect), while it is away; undefined otherwise. */
  get lostReason(): Error | undefined {
    return this.lostError;
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
    const key = start.kind === "request" ? this.track(text) : undefined;
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

  /** Connects to the target in use; one that cannot be reached gives way to the next, each tried once (`tried` so far). */
  private async openChannel(tried = 1): Promise<void> {
    const channel = this.createChannel();
    this.channel = channel;
    let local: SocketEndpoint;
    try {
      local = await channel.open();
    } catch (error) {
      const reason = new Error(`${this.protocol} connect to ${this.serverText()} failed: ${asError(error).message}`);
      channel.close();
      const current = this.channel === channel && this.state === TransportState.Connecting;
      // RFC 3263 §4.3: a server that cannot be reached gives way to the next one. After the last, the
      // next attempt starts again from the one this attempt started with.
      if (current && this.targets.length > 1) this.moveOn(this.targetIndex, reason.message);
      if (current && tried < this.targets.length) return this.openChannel(tried + 1);
      if (current) {
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
        { server: o.server, nextHop: (hop) => this.locate(hop), forceServer: o.forceServer, localAddress: o.localAddress, localPort: o.localPort },
        handlers,
      );
    }
    return new StreamChannel(
      {
        tls: o.protocol === "tls",
        server: this.target,
        localAddress: o.localAddress,
        connectTimeoutMs: o.requestTimeoutMs ?? TRANSPORT_DEFAULTS.requestTimeoutMs,
        tlsRejectUnauthorized: o.tlsRejectUnauthorized ?? true,
        // The certificate is the domain's, wherever its SRV records point (RFC 3263 §4.4 leaves TLS to the domain name).
        tlsServerName: o.tlsServerName ?? (isIP(o.server.host) === 0 ? o.server.host : undefined),
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
      if (this.fromLeftBehind(text, from)) return;
      this.timers.responseReceived(text);
      if (this.failOverOnResponse(text, start.statusCode)) return;
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
    this.failover.clear();
    this.leftBehind.clear();
    const channel = this.channel;
    this.channel = undefined;
    channel?.close();
  }

  private serverText(): string {
    const target = this.target;
    const named = `${this.options.server.host}:${this.options.server.port}`;
    return target === this.options.server ? named : `${named} (${hopText(target)})`;
  }

  /** The located server in use. */
  private get target(): SipHop {
    return this.targets[this.targetIndex];
  }

  /** A hop that is the configured server goes to the located one. */
  private locate(hop: SipHop): SipHop {
    const server = this.options.server;
    return hop.port === server.port && hop.host.toLowerCase() === server.host.toLowerCase() ? this.target : hop;
  }

  /**
   * Starts a request's timers. An out-of-dialog request to the server while another target is left
   * gets the failover wait and is remembered, so that its timeout (or 503) moves it on.
   */
  private track(request: string, moves = 0): string | undefined {
    const start = parseStartLine(request);
    const canMove =
      moves < this.targets.length - 1 &&
      start?.kind === "request" &&
      start.method !== "ACK" &&
      start.method !== "CANCEL" &&
      !hasToTag(request) &&
      (this.options.protocol !== "udp" || this.locate(requestHop(request, this.options.server, this.options.forceServer)) === this.target);
    if (!canMove) return this.timers.track(request);
    const key = this.timers.track(request, this.options.failoverTimeoutMs ?? TRANSPORT_DEFAULTS.failoverTimeoutMs);
    if (key) {
      this.failover.set(key, { request, from: this.targetIndex, moves });
      if (this.failover.size > FAILOVER_MEMORY) this.failover.delete(this.failover.keys().next().value as string);
    }
    return key;
  }

  /**
   * Moves from target `from` to the next one, after the last back to the first (unless another
   * request already moved on from it). Later requests go to the new one too.
   */
  private moveOn(from: number, why: string): void {
    if (from !== this.targetIndex) return;
    const left = this.target;
    this.targetIndex = (this.targetIndex + 1) % this.targets.length;
    this.log("warn", `${hopText(left)} for ${this.options.server.host}:${this.options.server.port}: ${why}; trying ${hopText(this.target)}`);
  }

  private onRequestTimeout(request: string): void {
    const key = transactionKey(request);
    const entry = key === undefined ? undefined : this.failover.get(key);
    if (key === undefined || entry === undefined || !this.resend(key, entry, "no response")) {
      this.answerLocally(request, 408, "Request Timeout");
    }
  }

  /** A 503 to a non-INVITE request that may move on (an INVITE's 503 would need our ACK: it only moves on a timeout). */
  private failOverOnResponse(response: string, statusCode: number): boolean {
    const key = transactionKey(response);
    const entry = key === undefined ? undefined : this.failover.get(key);
    if (key === undefined || entry === undefined || statusCode < 200) return false;
    this.failover.delete(key);
    const start = parseStartLine(entry.request);
    if (statusCode !== 503 || (start?.kind === "request" && start.method === "INVITE")) return false;
    return this.resend(key, entry, "503 Service Unavailable");
  }

  /**
   * Sends `request` again to the next target, with the same branch (RFC 3263 §4.3 asks for a new
   * transaction; sip.js keys its transaction on the branch, and the new server never saw the old one).
   */
  private resend(key: string, entry: { request: string; from: number; moves: number }, why: string): boolean {
    this.failover.delete(key);
    const { request, from } = entry;
    const left = this.targets[from];
    if (this.state !== TransportState.Connected) return false;
    this.moveOn(from, why);
    this.leftBehind.set(key, left);
    if (this.leftBehind.size > FAILOVER_MEMORY) this.leftBehind.delete(this.leftBehind.keys().next().value as string);
    if (this.options.protocol !== "udp") {
      // Over TCP/TLS the request cannot follow (its Via and Contact name this connection's port): it
      // fails with a 503, the connection is dropped, and the reconnect (and what sip.js sends next) goes to the new target.
      this.answerLocally(request, 503, "Service Unavailable", [`Reason: SIP ;cause=503 ;text="${why} from ${hopText(left)}"`]);
      this.channel?.close();
      this.lose(new Error(`${why} from ${hopText(left)}`));
      return true;
    }
    this.track(request, entry.moves + 1);
    this.channel?.send(request).catch((error: unknown) => this.log("debug", `resend failed: ${asError(error).message}`));
    return true;
  }

  /** A late response from a target this request moved away from. */
  private fromLeftBehind(response: string, from: SocketEndpoint): boolean {
    const key = transactionKey(response);
    const left = key === undefined ? undefined : this.leftBehind.get(key);
    return left !== undefined && left.host === from.address && left.port === from.port;
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
