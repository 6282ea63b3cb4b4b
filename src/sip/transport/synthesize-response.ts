import { randomBytes } from "node:crypto";
import { firstHeader, headerLines, headerValue } from "./message-head";
import { stripViaPort } from "./via-rewrite";

/**
 * Builds the final response that stands for a transaction failure the network never answered
 * (RFC 3261 §8.1.3.1: a timeout counts as 408, a fatal transport error as 503).
 *
 * @remarks
 * It copies the request's Via, From, To, Call-ID and CSeq (RFC 3261 §8.2.6.2) so sip.js matches it
 * to the client transaction like a real response, strips the port it would otherwise drop the
 * response for, and carries no body. Folded header lines are unfolded; the rest is copied as is.
 *
 * @param request - The request exactly as it was sent.
 * @param extraHeaders - Whole header lines to add, e.g. `Reason: SIP;cause=503;text="Transport Error"`.
 */
export function synthesizeResponse(
  request: string,
  statusCode: number,
  reasonPhrase: string,
  extraHeaders: string[] = [],
): string {
  return stripViaPort(responseCopying(request, statusCode, reasonPhrase, extraHeaders));
}

/**
 * A final response to an incoming request, sent without creating any transaction (RFC 3261
 * §8.2.6.2): the request's Via (as stamped with its real source), From, To (with a tag added when it
 * has none), Call-ID and CSeq, no body. Nothing but these lines, so it is never much larger than
 * the request itself.
 */
export function statelessReply(request: string, statusCode: number, reasonPhrase: string): string {
  const text = responseCopying(request, statusCode, reasonPhrase, []);
  const to = firstHeader(text, "to");
  if (!to || /;\s*tag\s*=/i.test(headerValue(text, to))) return text;
  return `${text.slice(0, to.end)};tag=${randomBytes(6).toString("hex")}${text.slice(to.end)}`;
}

function responseCopying(request: string, statusCode: number, reasonPhrase: string, extraHeaders: string[]): string {
  const copied = headerLines(request).filter((h) => ["via", "from", "to", "call-id", "cseq"].includes(h.name));
  const order = ["via", "from", "to", "call-id", "cseq"];
  copied.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name) || a.start - b.start);
  const lines = copied.map((h) => request.slice(h.start, h.end).replace(/\r?\n[ \t]+/g, " "));
  return [`SIP/2.0 ${statusCode} ${reasonPhrase}`, ...lines, ...extraHeaders, "Content-Length: 0", "", ""].join("\r\n");
}
