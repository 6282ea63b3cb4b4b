/**
 * Just enough SIP message handling for the bench peer (RFC 3261 §7): a start line, headers
 * kept in order (multi-valued ones such as Via stay separate lines), a body. Not a general
 * parser: the peer only talks to sip.js and Kamailio on loopback.
 */

/** A parsed request or response. */
export interface SipMessage {
  /** For requests: INVITE, ACK, …; undefined for responses. */
  method?: string;
  requestUri?: string;
  /** For responses. */
  status?: number;
  reason?: string;
  /** [name as written, value] in order. */
  headers: Array<[string, string]>;
  body: string;
}

const COMPACT: Record<string, string> = { v: "via", f: "from", t: "to", i: "call-id", m: "contact", l: "content-length", c: "content-type", k: "supported" };

/** The canonical lower-case name of a header (compact forms expanded). */
export function canonicalName(name: string): string {
  const lower = name.toLowerCase();
  return COMPACT[lower] ?? lower;
}

/** Parses one datagram; undefined when it is not SIP. */
export function parseSip(data: Buffer): SipMessage | undefined {
  const text = data.toString("utf8");
  const split = text.indexOf("\r\n\r\n");
  const head = split < 0 ? text : text.slice(0, split);
  const body = split < 0 ? "" : text.slice(split + 4);
  const lines = head.split("\r\n");
  const start = lines.shift() ?? "";
  const headers: Array<[string, string]> = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && headers.length > 0) {
      const last = headers[headers.length - 1] as [string, string];
      last[1] += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon > 0) headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  const response = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(start);
  if (response) return { status: Number(response[1]), reason: response[2], headers, body };
  const request = /^([A-Z]+) (\S+) SIP\/2\.0$/.exec(start);
  if (request) return { method: request[1], requestUri: request[2], headers, body };
  return undefined;
}

/** The first value of a header, undefined when absent. */
export function header(msg: SipMessage, name: string): string | undefined {
  const wanted = canonicalName(name);
  return msg.headers.find(([n]) => canonicalName(n) === wanted)?.[1];
}

/** Every value of a header, in order. */
export function headers(msg: SipMessage, name: string): string[] {
  const wanted = canonicalName(name);
  return msg.headers.filter(([n]) => canonicalName(n) === wanted).map(([, v]) => v);
}

/** The user part of a SIP URI inside a header value or a bare URI (`"x" <sip:user@host>;tag=1` → user). */
export function uriUser(value: string): string | undefined {
  return /sips?:([^@;>\s]+)@/i.exec(value)?.[1];
}

/**
 * A response to `request`: Via, From, Call-ID, CSeq and Record-Route copied (§8.2.6.2,
 * §12.1.1), To copied with `toTag` added when it has none.
 */
export function buildResponse(request: SipMessage, status: number, reason: string, o: { toTag?: string; extra?: string[]; body?: string; contentType?: string } = {}): string {
  const lines = [`SIP/2.0 ${status} ${reason}`];
  for (const v of headers(request, "via")) lines.push(`Via: ${v}`);
  for (const rr of headers(request, "record-route")) lines.push(`Record-Route: ${rr}`);
  lines.push(`From: ${header(request, "from") ?? ""}`);
  const to = header(request, "to") ?? "";
  lines.push(`To: ${o.toTag !== undefined && !/;tag=/i.test(to) ? `${to};tag=${o.toTag}` : to}`);
  lines.push(`Call-ID: ${header(request, "call-id") ?? ""}`);
  lines.push(`CSeq: ${header(request, "cseq") ?? ""}`);
  lines.push(...(o.extra ?? []));
  const body = o.body ?? "";
  if (body !== "") lines.push(`Content-Type: ${o.contentType ?? "application/sdp"}`);
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join("\r\n")}\r\n\r\n${body}`;
}
