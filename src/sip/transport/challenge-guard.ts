import { headerLines } from "./message-head";
import type { SipHop } from "./sip-transport-options";

/** A host whose digest challenges are answered; without a port, any port of it. */
export interface AuthHost {
  host: string;
  port?: number;
}

/**
 * Which digest challenges get an answer.
 *
 * @remarks
 * sip.js answers every 401/407 with the account's credentials, whoever sent it: a call to
 * `x@attacker` would hand the attacker a digest response to guess the password from offline. A
 * challenge is only answered when the request went to an allowed host both by its Request-URI
 * (the UAS that sends a 401) and by its next hop (the proxy that sends a 407). Anything else is
 * given to sip.js without its challenge header, so sip.js treats it as a plain rejection.
 */

function sameHost(a: string, b: string): boolean {
  const bare = (h: string): string => h.replace(/^\[|\]$/g, "").toLowerCase();
  return bare(a) === bare(b);
}

/** Whether `hop` is one of `allowed` (same host, and same port when the entry names one). */
export function isAuthHost(hop: SipHop | undefined, allowed: readonly AuthHost[]): boolean {
  if (!hop) return false;
  return allowed.some((a) => sameHost(a.host, hop.host) && (a.port === undefined || a.port === hop.port));
}

/** `host:port` as written in a message (IPv6 in brackets). */
export function hopText(hop: SipHop): string {
  return `${hop.host.includes(":") ? `[${hop.host}]` : hop.host}:${hop.port}`;
}

/**
 * A 401/407 response made unanswerable: its WWW-Authenticate and Proxy-Authenticate lines are
 * removed and its reason phrase says why, so the call ends with a reason a user can act on.
 * The body and every other byte stay as they were.
 */
export function refuseChallenge(response: string, why: string): string {
  let text = response;
  const challenges = headerLines(text)
    .filter((h) => h.name === "www-authenticate" || h.name === "proxy-authenticate")
    .reverse();
  for (const h of challenges) {
    const lineBreak = text.startsWith("\r\n", h.end) ? 2 : 1;
    text = text.slice(0, h.start) + text.slice(h.end + lineBreak);
  }
  const eol = text.search(/\r?\n/);
  if (eol < 0) return text;
  return `${text.slice(0, eol)} (${why.replace(/[\r\n]/g, " ")})${text.slice(eol)}`;
}
