import { ConfigError } from "../../errors";
import type { Logger } from "../../util/logger";
import type { AuthHost } from "./challenge-guard";

/** The transport protocol of a SIP account. */
export type SipTransportProtocol = "udp" | "tcp" | "tls";

/** A host (name or IP literal, without brackets) and port. */
export interface SipHop {
  host: string;
  port: number;
}

/** Timer functions; injectable so unit tests can drive time by hand. */
export interface TimerClock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Options of {@link SipTransport}, passed by sip.js as `transportOptions`. */
export interface SipTransportOptions {
  protocol: SipTransportProtocol;
  /**
   * The registrar/proxy: TCP/TLS connect here; UDP sends requests here when they have no Route
   * and `forceServer` is set or routing finds nothing.
   */
  server: SipHop;
  /**
   * Where `server` really is, best first (RFC 3263: its SRV targets' addresses); default `[server]`.
   * TCP/TLS connect to the first that accepts; UDP sends what goes to `server` to the current one.
   * Out-of-dialog requests move on to the next on a timeout of `failoverTimeoutMs` (and non-INVITE
   * ones also on a 503); challenges from any of them are answered (they are the server).
   */
  targets?: SipHop[];
  /** How long a request to one of several `targets` waits for any response before the next is tried; default 4000 (8·T1). */
  failoverTimeoutMs?: number;
  /** true when an outbound proxy is configured: every request goes to `server`, whatever its Route/Request-URI. */
  forceServer: boolean;
  /** Bind address; default "0.0.0.0" for UDP; TCP/TLS bind an ephemeral port on it when given. */
  localAddress?: string;
  /** UDP bind port; default 0 (ephemeral). */
  localPort?: number;
  /** Address written into Via sent-by (NAT); default: the local address that routes to `server`. */
  publicAddress?: string;
  /** RFC 3261 Timer B/F equivalent: no response within this time gives a synthesized 408; default 32000. */
  requestTimeoutMs?: number;
  /** RFC 3261 T1 (first UDP retransmission interval); default 500. */
  t1Ms?: number;
  /** RFC 3261 T2 (cap of non-INVITE retransmission intervals); default 4000. */
  t2Ms?: number;
  /** Verify the TLS server certificate; default true. false allows self-signed certificates. */
  tlsRejectUnauthorized?: boolean;
  /** SNI and certificate name for TLS; default the server host when it is a name. */
  tlsServerName?: string;
  /**
   * Hosts whose 401/407 challenges are answered: a request's Request-URI and its next hop must
   * both be one of them (see challenge-guard.ts). Default: `server` alone.
   */
  authHosts?: AuthHost[];
  /**
   * Answer new incoming requests (no To tag) of an engine that only places calls without sip.js:
   * INVITE with 603 Decline, OPTIONS with 200 OK, each one datagram copying only the request's
   * Via, From, To, Call-ID and CSeq, and no transaction state. sip.js would send 100, 180 and 603
   * to an INVITE (3× the request's bytes) and a 200 with Allow/Accept/Supported to an OPTIONS
   * (1.6×): with a spoofed source address that makes the host a reflection amplifier.
   * Default false.
   */
  answerUnsolicitedStatelessly?: boolean;
  /**
   * Sees every response from the network just before sip.js gets it (Via port already stripped).
   * For what sip.js checks strictly and drops: a `180 Ringing` without Contact, which RFC 3261
   * §12.1.1 requires and linphone 5.1 leaves out. An observer that throws is logged and ignored.
   */
  onResponse?: (message: string) => void;
  /** Where the transport logs; default: the sip.js logger it is constructed with. */
  logger?: Logger;
  /** Injectable timers for unit tests; default the global ones. */
  clock?: TimerClock;
}

/** Default timer values (RFC 3261 §17.1.1.1 and Timer B = 64·T1). */
export const TRANSPORT_DEFAULTS = {
  requestTimeoutMs: 32000,
  failoverTimeoutMs: 4000,
  t1Ms: 500,
  t2Ms: 4000,
} as const;

/** Checks the options sip.js passes untyped (`transportOptions: any`); throws ConfigError naming the field. */
export function validateTransportOptions(
  options: SipTransportOptions | undefined,
): asserts options is SipTransportOptions {
  if (!options || !["udp", "tcp", "tls"].includes(options.protocol)) {
    throw new ConfigError(`transportOptions.protocol must be "udp", "tcp" or "tls"`);
  }
  const { server } = options;
  if (!server || typeof server.host !== "string" || server.host === "") {
    throw new ConfigError("transportOptions.server.host is required");
  }
  if (!Number.isInteger(server.port) || server.port < 1 || server.port > 65535) {
    throw new ConfigError("transportOptions.server.port must be an integer 1-65535");
  }
  for (const a of options.authHosts ?? []) {
    if (!a || typeof a.host !== "string" || a.host === "" || (a.port !== undefined && !Number.isInteger(a.port))) {
      throw new ConfigError("transportOptions.authHosts: each entry needs a host and an optional integer port");
    }
  }
  if (options.onResponse !== undefined && typeof options.onResponse !== "function") {
    throw new ConfigError("transportOptions.onResponse must be a function");
  }
  for (const t of options.targets ?? []) {
    if (!t || typeof t.host !== "string" || t.host === "" || !Number.isInteger(t.port) || t.port < 1 || t.port > 65535) {
      throw new ConfigError("transportOptions.targets: each entry needs a host and a port 1-65535");
    }
  }
  if (options.targets !== undefined && options.targets.length === 0) throw new ConfigError("transportOptions.targets must not be empty");
  for (const name of ["requestTimeoutMs", "failoverTimeoutMs", "t1Ms", "t2Ms"] as const) {
    const value = options[name];
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new ConfigError(`transportOptions.${name} must be a positive number`);
    }
  }
}
