import { headerLines } from "./message-head";

/** Most header values an incoming message may carry: header lines plus the extra values their commas separate. */
export const SIP_MAX_HEADER_VALUES = 256;
/** Most Contact, Route and Record-Route values an incoming message may carry, together. */
export const SIP_MAX_ROUTE_VALUES = 64;

const ROUTE_LIKE = new Set(["contact", "route", "record-route"]);

/**
 * Why an incoming message has more header values than the transport hands to sip.js, or
 * `undefined` when it is within the limits.
 *
 * @remarks
 * sip.js 0.21 parses each Contact and Record-Route value and then copies the whole list of that
 * header for every value it adds (`IncomingMessage.getHeaders` inside the parse loop): its cost
 * grows with the square of their number. One 59 KB datagram of 2,000 `Record-Route: <sip:h;lr>`
 * lines took about a second of the event loop, during which no call's media moved. Real messages
 * carry a handful of such values (a REGISTER 200 lists one Contact per binding of the account;
 * RFC 4475's long torture request has 45 header lines in all), so the limits leave room to spare.
 * Commas inside quoted strings count too: an overcount, never an undercount. Counting is one
 * linear pass over the head.
 */
export function headerLimitExceeded(text: string): string | undefined {
  const crlf = text.indexOf("\r\n\r\n");
  const lf = text.indexOf("\n\n");
  const headEnd = crlf < 0 ? (lf < 0 ? text.length : lf) : lf < 0 ? crlf : Math.min(crlf, lf);
  let values = count(text, "\n", 0, headEnd) + count(text, ",", 0, headEnd);
  if (values > SIP_MAX_HEADER_VALUES) return `more than ${SIP_MAX_HEADER_VALUES} header values`;
  values = 0;
  for (const line of headerLines(text)) {
    if (ROUTE_LIKE.has(line.name)) values += 1 + count(text, ",", line.valueStart, line.end);
  }
  if (values > SIP_MAX_ROUTE_VALUES) return `more than ${SIP_MAX_ROUTE_VALUES} Contact/Route/Record-Route values`;
  return undefined;
}

function count(text: string, char: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf(char, from); i >= 0 && i < to; i = text.indexOf(char, i + 1)) n++;
  return n;
}
