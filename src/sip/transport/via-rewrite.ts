import { firstHeader, type HeaderLine } from "./message-head";

/**
 * Byte-exact rewrites of the top Via header that bridge sip.js and a real network.
 *
 * @remarks
 * sip.js writes `Via: SIP/2.0/UDP <viaHost>;branch=…` without a port and drops any response whose
 * top Via carries a port (sip.js 0.21's UserAgent, checked against Kamailio). The transport therefore adds its port on the way out and
 * strips it on the way in. Only the top Via's first value is touched; every other byte (line
 * breaks, other headers, the body and so Content-Length) stays as it was.
 */

/** `SIP/2.0/UDP` + host + optional `:port` at the start of a via-parm. */
const SENT_BY = /^(\s*SIP\s*\/\s*2\.0\s*\/\s*[A-Za-z]+\s+)(\[[^\]]*\]|[^\s;:,]+)(\s*:\s*\d+)?/i;

interface TopVia {
  line: HeaderLine;
  /** Index in the message where the host ends (where `:port` sits or would go). */
  hostEnd: number;
  /** The sent-by host as written. */
  host: string;
  /** The `:port` text as written (with any whitespace), or "". */
  portText: string;
  /** Index just after the top via-parm (its parameters end here). */
  parmEnd: number;
}

function topVia(text: string): TopVia | undefined {
  const line = firstHeader(text, "via");
  if (!line) return undefined;
  const value = text.slice(line.valueStart, line.end);
  const m = SENT_BY.exec(value);
  if (!m) return undefined;
  const comma = value.indexOf(",");
  let parmEnd = comma < 0 ? value.length : comma;
  while (parmEnd > 0 && /\s/.test(value[parmEnd - 1])) parmEnd--;
  const hostEnd = line.valueStart + m[1].length + m[2].length;
  return { line, hostEnd, host: m[2], portText: m[3] ?? "", parmEnd: line.valueStart + parmEnd };
}

/** Adds `:port` to the top Via sent-by of an outgoing request when it has none. */
export function addViaPort(text: string, port: number): string {
  const via = topVia(text);
  if (!via || via.portText !== "") return text;
  return `${text.slice(0, via.hostEnd)}:${port}${text.slice(via.hostEnd)}`;
}

/** Removes the port from the top Via sent-by of an incoming response (keeps `rport`/`received`). */
export function stripViaPort(text: string): string {
  const via = topVia(text);
  if (!via || via.portText === "") return text;
  return text.slice(0, via.hostEnd) + text.slice(via.hostEnd + via.portText.length);
}

/**
 * Records where an incoming request really came from (RFC 3261 §18.2.1, RFC 3581): every
 * `received` and `rport` the sender wrote is removed and `;received=<address>;rport=<port>` of the
 * packet's real source is appended. sip.js copies the Via into its responses, and the transport
 * routes responses by these parameters, so a reply goes back where the request came from: to a
 * sender behind NAT, and never to a third party a forged `received`/`rport` names (which would
 * make the engine a reflector). `rport` is set even when not asked for, so responses over UDP
 * always go to the source port.
 */
export function stampReceived(text: string, address: string, port: number): string {
  const via = topVia(text);
  if (!via) return text;
  const params = text.slice(via.hostEnd + via.portText.length, via.parmEnd);
  const kept = params.replace(/\s*;\s*(?:received|rport)(?:\s*=\s*[^;\s]*)?(?=\s*(;|$))/gi, "");
  const newParams = `${kept};received=${address};rport=${port}`;
  return text.slice(0, via.hostEnd + via.portText.length) + newParams + text.slice(via.parmEnd);
}
