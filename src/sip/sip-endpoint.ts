import { maskSdpKeys } from "../srtp/mask-sdp-keys";
import {
  Inviter,
  Registerer,
  RegistererState,
  SessionState,
  TransportState,
  UserAgent,
  type Core,
  type LogConnector,
  type Session,
  type SessionDescriptionHandler,
} from "sip.js";
import { InvalidStateError } from "../errors";
import { TypedEmitter } from "../util/typed-emitter";
import { silentLogger, type Logger } from "../util/logger";
import type { ResolvedAccount } from "./account-options";
import { domainHostPort } from "./account-options";
import { isHandledProgressDrop, parseInviteProgress } from "./invite-progress";
import { localAddressFor } from "./local-address";
import type { MediaNegotiator } from "./media-negotiator";
import { logSdp } from "./sdp-log";
import { SdpSessionHandler } from "./sdp-session-handler";
import { SipTransport, type SipTransportOptions } from "./transport";
import { TransportRecovery } from "./transport-recovery";
import { createDnsLookup } from "./locate/dns-lookup";
import { locateServer } from "./locate/server-location";

/** Waits before each new REGISTER after a registration was lost (a failed refresh): doubling from 1 s to 30 s. */
export const REREGISTER_DELAYS_MS: readonly number[] = [1000, 2000, 4000, 8000, 16000, 30000];

export interface SipEndpointOptions {
  account: ResolvedAccount;
  /** Address to bind the SIP socket to (default 0.0.0.0). */
  localAddress?: string;
  /** Port to bind the SIP socket to over UDP (default 0: any free port). */
  localPort?: number;
  /** The address written into Via, Contact and SDP when behind NAT. */
  publicAddress?: string;
  /** How long a request may go unanswered before it fails with 408 (default 32000 ms, RFC 3261 64·T1). */
  requestTimeoutMs?: number;
  /** DNS servers for locating the registrar/proxy (RFC 3263), already checked; default the system's. */
  dnsServers?: string[];
  userAgentString?: string;
  logger?: Logger;
}

/** The result of one REGISTER exchange. */
export interface RegistrationResult {
  ok: boolean;
  sipStatus: number;
  sipMessage: string;
}

export type RegistrationStatus = "REGISTERED" | "UNREGISTERED" | "FAILED";

/** How {@link SipEndpoint.createInviter} sets up a session. */
export interface InviterSetup {
  /** Full header lines for the INVITE, e.g. `Supported: timer`. */
  extraHeaders?: string[];
  /** Names the session in the log (the call's id); default the SIP Call-ID. */
  logLabel?: string;
  /**
   * Every provisional response (101–199) to the INVITE until it is answered or fails, including those
   * sip.js drops for want of a Contact or To-tag (see invite-progress.ts). sip.js's own `onProgress`
   * sees only the others.
   */
  onProgress?: (response: Core.IncomingResponseMessage) => void;
}

export interface SipEndpointEvents extends Record<string, unknown[]> {
  registration: [RegistrationStatus, RegistrationResult];
  /** The TCP/TLS connection came back after a loss, on a new local port (the Contact changed). */
  reconnected: [];
}

/**
 * The SIP side of an account: one sip.js UserAgent over our own transport, its Registerer, and the
 * session description handler factory that connects each session to its call's media.
 */
export class SipEndpoint extends TypedEmitter<SipEndpointEvents> {
  private ua: UserAgent | undefined;
  private registerer: Registerer | undefined;
  private registering: Promise<RegistrationResult> | undefined;
  private readonly negotiators = new WeakMap<Session, MediaNegotiator>();
  private readonly handlers = new WeakMap<Session, SdpSessionHandler>();
  private readonly logLabels = new WeakMap<Session, string>();
  /** InviterSetup.onProgress of the sessions not yet answered, by SIP Call-ID. */
  private readonly progressListeners = new Map<string, { label: string; listener: (response: Core.IncomingResponseMessage) => void }>();
  private readonly logger: Logger;
  private address = "127.0.0.1";
  private closed = false;
  private recovery: TransportRecovery | undefined;
  /** Set once a REGISTER succeeded: from then on a lost registration is sought again (see `reRegisterLater`). */
  private keepRegistered = false;
  private reRegisterTimer: NodeJS.Timeout | undefined;
  private reRegisterAttempt = 0;

  constructor(private readonly options: SipEndpointOptions) {
    super();
    this.logger = options.logger ?? silentLogger;
  }

  /** The address media should be offered on (public address, or the local address that routes to the server). */
  get mediaAddress(): string {
    return this.address;
  }

  /** Whether the account is registered right now. */
  get registered(): boolean {
    return this.registerer?.state === RegistererState.Registered;
  }

  /** Opens the transport (binds the UDP socket or connects TCP/TLS). */
  async start(): Promise<void> {
    if (this.closed) throw new InvalidStateError("SIP endpoint is closed");
    if (this.ua) return;
    const a = this.options.account;
    const proxy = a.outboundProxy;
    const server = proxy ? { host: proxy.host, port: proxy.port } : { host: a.domain, port: a.port };
    const dns = createDnsLookup(this.options.dnsServers, (message) => this.logger.log("warn", "sip", message));
    const portGiven = (proxy ? proxy.portGiven : a.portGiven) ?? false;
    const targets = await locateServer({ ...server, portGiven, transport: a.transport }, dns);
    if (this.closed) throw new InvalidStateError("SIP endpoint is closed");
    if (targets.length !== 1 || targets[0].host !== server.host || targets[0].port !== server.port) {
      this.logger.log("info", "sip", `${server.host} is at ${targets.map((t) => `${t.host}:${t.port}`).join(", ")} (RFC 3263, in this order)`);
    }
    this.address = this.options.publicAddress ?? (await localAddressFor(targets[0].host, targets[0].port));
    const transportOptions: SipTransportOptions = {
      protocol: a.transport,
      server,
      targets,
      forceServer: a.outboundProxy !== undefined,
      localAddress: this.options.localAddress,
      localPort: this.options.localPort,
      publicAddress: this.address,
      requestTimeoutMs: this.options.requestTimeoutMs,
      tlsRejectUnauthorized: a.tlsRejectUnauthorized,
      authHosts: a.authHosts,
      // This engine only places calls: a new INVITE or OPTIONS gets one stateless response no
      // larger than needed (see the option's remarks for what sip.js would send).
      answerUnsolicitedStatelessly: true,
      onResponse: (message) => this.onResponse(message),
      logger: this.logger,
    };
    const uri = UserAgent.makeURI(`sip:${a.login}@${a.domain}`);
    if (!uri) throw new InvalidStateError(`cannot build a SIP URI from login and domain`);
    // sip.js may log whole messages: an SDP in them carries SRTP keys, which never reach a log.
    const logConnector: LogConnector = (level, category, _label, content) => {
      const quiet = level === "log" || isHandledProgressDrop(content);
      this.logger.log(quiet ? "debug" : level, category, maskSdpKeys(content));
    };
    const ua = new UserAgent({
      uri,
      displayName: a.displayName === undefined ? undefined : quotedStringContent(a.displayName),
      authorizationUsername: a.authenticationName,
      authorizationPassword: a.password,
      transportConstructor: SipTransport,
      transportOptions,
      viaHost: this.address,
      forceRport: true,
      contactParams: { transport: a.transport },
      userAgentString: this.options.userAgentString ?? "sipcast",
      logBuiltinEnabled: false,
      logConnector,
      logLevel: "log",
      preloadedRouteSet: a.outboundProxy ? [`sip:${a.outboundProxy.host}:${a.outboundProxy.port};lr`] : [],
      sessionDescriptionHandlerFactory: (session: Session): SessionDescriptionHandler => this.handlerFor(session),
      // The transport answers a new INVITE itself (one stateless 603); should one still reach sip.js
      // (e.g. over a stream transport), it would send 180 Ringing before our delegate declines it.
      sendInitialProvisionalResponse: false,
      delegate: {
        // This engine only places calls; an incoming INVITE is declined rather than left ringing.
        onInvite: (invitation) => {
          void invitation.reject({ statusCode: 603, reasonPhrase: "Decline" }).catch(() => undefined);
        },
      },
    });
    this.ua = ua;
    // sip.js 0.21 writes no port into Contact unless `ua.contact.uri.port` is set; the transport only
    // knows its port once bound, and over
    // TCP/TLS it changes with every reconnect.
    const transport = ua.transport as SipTransport;
    transport.stateChange.addListener((state) => {
      if (state === TransportState.Connected) ua.contact.uri.port = transport.localPort;
    });
    await ua.start();
    ua.contact.uri.port = transport.localPort;
    this.recovery = new TransportRecovery({ transport, logger: this.logger, onRecovered: () => this.onReconnected() });
  }

  /** The connection is back on a new port: the registrar learns the new Contact now, not at the next refresh. */
  private onReconnected(): void {
    if (this.closed) return;
    if (this.keepRegistered) void this.register();
    this.safeEmit("reconnected");
  }

  /**
   * A registration that worked once and was then lost (a refresh that timed out or got a 5xx while
   * the registrar restarted, or a transport error) is sought again after growing waits. sip.js
   * itself gives up after one failed refresh and stays unregistered. Other refusals (401/403 with
   * these credentials, 404) are final: they are reported and not repeated.
   */
  private reRegisterLater(): void {
    if (this.closed || !this.keepRegistered || this.reRegisterTimer || this.registering) return;
    const delay = REREGISTER_DELAYS_MS[Math.min(this.reRegisterAttempt, REREGISTER_DELAYS_MS.length - 1)];
    this.reRegisterAttempt++;
    this.logger.log("warn", "sip", `registration lost: registering again in ${delay} ms`);
    this.reRegisterTimer = setTimeout(() => {
      this.reRegisterTimer = undefined;
      void this.register().then((result) => {
        if (!result.ok && isTransient(result.sipStatus)) this.reRegisterLater();
      });
    }, delay);
  }

  private handlerFor(session: Session): SdpSessionHandler {
    const negotiator = this.negotiators.get(session);
    if (!negotiator) throw new InvalidStateError("session has no media negotiator");
    const label = this.logLabels.get(session) ?? session.id;
    const handler = new SdpSessionHandler(negotiator, (exchange, sdp) => logSdp(this.logger, label, exchange, sdp));
    this.handlers.set(session, handler);
    return handler;
  }

  /** A response from the network, before sip.js: a provisional one to a ringing INVITE goes to its session's onProgress. */
  private onResponse(message: string): void {
    const ua = this.ua;
    if (!ua || this.progressListeners.size === 0) return;
    const response = parseInviteProgress(message, ua.getLogger("sip.Parser"));
    const entry = response && this.progressListeners.get(response.callId);
    if (!response || !entry) return;
    if (response.body && /^application\/sdp/i.test(response.getHeader("Content-Type") ?? "")) {
      logSdp(this.logger, entry.label, "early SDP received", response.body);
    }
    entry.listener(response);
  }

  /**
   * Points a session's Contact at the transport's current port: sip.js 0.21.2 writes the Contact string
   * of the INVITE into every later in-dialog request (Session._contact, set once by Inviter), so a
   * re-INVITE after a reconnect would still name the dead port. Built as Inviter builds it.
   */
  adoptCurrentContact(session: Session): void {
    const ua = this.ua;
    if (!ua) return;
    session._contact = ua.contact.toString({ anonymous: false, outbound: !ua.contact.pubGruu });
  }

  /** The last SDP error of a session (e.g. NO_COMMON_CODECS), which sip.js itself only answers with a BYE. */
  sdpErrorOf(session: Session): Error | undefined {
    return this.handlers.get(session)?.lastError;
  }

  /**
   * Sends REGISTER (answering the digest challenge) and resolves with the final response.
   * Concurrent callers share one exchange. sip.js refreshes the registration before it expires.
   */
  register(): Promise<RegistrationResult> {
    if (!this.ua) return Promise.reject(new InvalidStateError("SIP endpoint not started"));
    if (this.registering) return this.registering;
    const a = this.options.account;
    if (!this.registerer) {
      const registrar = UserAgent.makeURI(`sip:${domainHostPort(a)}`);
      this.registerer = new Registerer(this.ua, { expires: a.registerExpires, registrar });
      this.registerer.stateChange.addListener((state) => {
        if (state === RegistererState.Registered) {
          this.keepRegistered = true;
          this.reRegisterAttempt = 0;
          this.safeEmit("registration", "REGISTERED", { ok: true, sipStatus: 200, sipMessage: "OK" });
        }
        if (state === RegistererState.Unregistered && !this.registering) {
          this.safeEmit("registration", "UNREGISTERED", { ok: false, sipStatus: 0, sipMessage: "" });
          this.reRegisterLater();
        }
      });
    }
    const registerer = this.registerer;
    const attempt = new Promise<RegistrationResult>((resolve) => {
      registerer
        .register({
          requestDelegate: {
            onAccept: (r) => resolve({ ok: true, sipStatus: r.message.statusCode ?? 200, sipMessage: r.message.reasonPhrase ?? "OK" }),
            onReject: (r) => resolve({ ok: false, sipStatus: r.message.statusCode ?? 0, sipMessage: r.message.reasonPhrase ?? "" }),
          },
        })
        .catch((error: unknown) => resolve({ ok: false, sipStatus: 0, sipMessage: String(error) }));
    }).then((result) => {
      this.registering = undefined;
      if (!result.ok) this.safeEmit("registration", "FAILED", result);
      // A refresh sip.js sent on its own failed while this one ran: the retry waits for its turn.
      if (!result.ok && isTransient(result.sipStatus) && registerer.state !== RegistererState.Registered) this.reRegisterLater();
      return result;
    });
    this.registering = attempt;
    return attempt;
  }

  /** A new outgoing session to `target` whose SDP is handled by `negotiator`. Call `invite()` on it. */
  createInviter(target: string, negotiator: MediaNegotiator, setup: InviterSetup = {}): Inviter {
    if (!this.ua || this.closed) throw new InvalidStateError("SIP endpoint not started");
    const uri = UserAgent.makeURI(target);
    if (!uri) throw new InvalidStateError(`not a SIP URI: ${target}`);
    const inviter = new Inviter(this.ua, uri, { earlyMedia: false, extraHeaders: setup.extraHeaders ?? [] });
    this.negotiators.set(inviter, negotiator);
    const callId = inviter.request.callId;
    const label = setup.logLabel ?? callId;
    this.logLabels.set(inviter, label);
    const listener = setup.onProgress;
    if (listener) {
      this.progressListeners.set(callId, { label, listener });
      inviter.stateChange.addListener((state) => {
        if (state === SessionState.Established || state === SessionState.Terminated) this.progressListeners.delete(callId);
      });
    }
    return inviter;
  }

  /** Unregisters (waiting at most `timeoutMs`) and stops the user agent and its transport. Idempotent. */
  async close(timeoutMs = 2000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.recovery?.close();
    if (this.reRegisterTimer) clearTimeout(this.reRegisterTimer);
    this.reRegisterTimer = undefined;
    const ua = this.ua;
    const registerer = this.registerer;
    if (registerer && registerer.state === RegistererState.Registered) {
      await withTimeout(
        new Promise<void>((resolve) => {
          registerer.stateChange.addListener((s) => s === RegistererState.Unregistered && resolve());
          registerer.unregister().catch(() => resolve());
        }),
        timeoutMs,
      );
    }
    // dispose() waits for an outstanding REGISTER to finish: bounded, so a dead registrar cannot stall shutdown.
    if (registerer) await withTimeout(registerer.dispose().catch(() => undefined), timeoutMs);
    if (ua) await withTimeout(ua.stop().catch(() => undefined), timeoutMs);
    this.progressListeners.clear();
    this.removeAllListeners();
  }
}

/**
 * The inside of an RFC 3261 quoted-string (§25.1: `"` and `\\` are written as quoted-pairs) for a
 * display name. sip.js 0.21.2 writes From as `"` + displayName + `" <uri>` without escaping anything
 * (NameAddrHeader.toString), so the name is escaped here, before it is handed over; CR, LF and NUL,
 * which no quoted-string may hold, were already refused by resolveAccount.
 */
export function quotedStringContent(name: string): string {
  return name.replace(/["\\]/g, (c) => `\\${c}`);
}

/** A REGISTER failure worth repeating: no answer / transport error (0, 408) or a server error (5xx). */
function isTransient(sipStatus: number): boolean {
  return sipStatus === 0 || sipStatus === 408 || sipStatus >= 500;
}

function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void p.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
