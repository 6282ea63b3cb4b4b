import { firstHeader, firstValue, headerValue, parseStartLine } from "./message-head";
import type { SipHop } from "./sip-transport-options";

/**
 * Where a datagram goes (RFC 3261 §18.1.1 and §18.2.2, without RFC 3263 DNS SRV/NAPTR: a host
 * name is resolved by the socket's A-record lookup).
 */

/** Parses the host and port of a `sip:`/`sips:` URI, with or without `<>` and a display name. */
export function uriHop(uri: string): SipHop | undefined {
  const lt = uri.indexOf("<");
  const gt = uri.indexOf(">", lt);
  const bare = lt < 0 ? uri : uri.slice(lt + 1, gt < 0 ? undefined : gt);
  const m = /^\s*(sips?):(?:[^@;?]*@)?(\[[^\]]+\]|[^:;?>\s]+)(?::(\d+))?/i.exec(bare);
  if (!m) return undefined;
  const host = m[2].startsWith("[") ? m[2].slice(1, -1) : m[2];
  const port = m[3] ? Number(m[3]) : m[1].toLowerCase() === "sips" ? 5061 : 5060;
  return { host, port };
}

/**
 * The next hop of an outgoing request: `server` when an outbound proxy is forced, else the first
 * Route (loose routing), else the Request-URI, else `server`.
 */
export function requestHop(text: string, server: SipHop, forceServer: boolean): SipHop {
  if (forceServer) return server;
  const route = firstHeader(text, "route");
  if (route) return uriHop(firstValue(headerValue(text, route))) ?? server;
  const start = parseStartLine(text);
  return (start?.kind === "request" ? uriHop(start.uri) : undefined) ?? server;
}

/**
 * The destination of an outgoing response: the top Via's `received`/`rport` when present,
 * else its sent-by host and port (default 5060).
 */
export function responseHop(text: string): SipHop | undefined {
  const via = firstHeader(text, "via");
  if (!via) return undefined;
  const parm = firstValue(headerValue(text, via));
  const m = /^SIP\s*\/\s*2\.0\s*\/\s*[A-Za-z]+\s+(\[[^\]]+\]|[^\s;:,]+)(?:\s*:\s*(\d+))?/i.exec(parm);
  if (!m) return undefined;
  const received = /;\s*received\s*=\s*([^;\s]+)/i.exec(parm)?.[1];
  const rport = /;\s*rport\s*=\s*(\d+)/i.exec(parm)?.[1];
  const sentHost = m[1].startsWith("[") ? m[1].slice(1, -1) : m[1];
  return {
    host: received ?? sentHost,
    port: Number(rport ?? m[2] ?? 5060),
  };
}
