/**
 * Just enough of a SIP message head to route, match and rewrite messages in the transport.
 *
 * @remarks
 * sip.js has a full parser, but it builds message objects and loses the original bytes; the
 * transport must rewrite single headers byte-exactly and match responses before sip.js sees them,
 * so it scans the raw text itself. Offsets are indexes into the message string.
 */

/** One header field of a message head, with its position in the message text. */
export interface HeaderLine {
  /** Lower-case long form of the name (`v` → `via`). */
  name: string;
  /** Index of the first character of the line. */
  start: number;
  /** Index just after the colon: the value starts here (may begin with whitespace). */
  valueStart: number;
  /** Index of the line break ending the field (after any folded continuation lines). */
  end: number;
}

/** The first line of a message. */
export type StartLine =
  | { kind: "request"; method: string; uri: string }
  | { kind: "response"; statusCode: number };

const COMPACT: Record<string, string> = {
  v: "via",
  f: "from",
  t: "to",
  i: "call-id",
  l: "content-length",
  m: "contact",
  c: "content-type",
};

const REQUEST_LINE = /^([A-Za-z]+) (\S+) SIP\/2\.0\r?\n/;
const STATUS_LINE = /^SIP\/2\.0 ([1-6]\d\d) [^\r\n]*\r?\n/;

/** Parses the start line; `undefined` when the text does not begin like a SIP request or response. */
export function parseStartLine(text: string): StartLine | undefined {
  const status = STATUS_LINE.exec(text);
  if (status) return { kind: "response", statusCode: Number(status[1]) };
  const request = REQUEST_LINE.exec(text);
  if (request) return { kind: "request", method: request[1].toUpperCase(), uri: request[2] };
  return undefined;
}

/** Every header field of the head, in order. Lines starting with whitespace continue the previous field. */
export function headerLines(text: string): HeaderLine[] {
  const lines: HeaderLine[] = [];
  let pos = text.indexOf("\n") + 1;
  if (pos === 0) return lines;
  while (pos < text.length) {
    const nl = text.indexOf("\n", pos);
    const lineEnd = nl < 0 ? text.length : nl;
    const contentEnd = lineEnd > pos && text[lineEnd - 1] === "\r" ? lineEnd - 1 : lineEnd;
    if (contentEnd === pos) break; // the blank line ending the head
    const first = text[pos];
    const previous = lines[lines.length - 1];
    if ((first === " " || first === "\t") && previous) {
      previous.end = contentEnd;
    } else {
      const colon = text.indexOf(":", pos);
      if (colon > pos && colon < contentEnd) {
        const raw = text.slice(pos, colon).trim().toLowerCase();
        lines.push({ name: COMPACT[raw] ?? raw, start: pos, valueStart: colon + 1, end: contentEnd });
      }
    }
    if (nl < 0) break;
    pos = nl + 1;
  }
  return lines;
}

/** The first header field called `name` (long lower-case form), if any. */
export function firstHeader(text: string, name: string): HeaderLine | undefined {
  return headerLines(text).find((h) => h.name === name);
}

/** The value of a header field with folding whitespace collapsed to single spaces. */
export function headerValue(text: string, line: HeaderLine): string {
  return text.slice(line.valueStart, line.end).replace(/\r?\n[ \t]+/g, " ").trim();
}

/** The first of the comma-separated values of a header value (no quoted commas occur in Via). */
export function firstValue(value: string): string {
  const comma = value.indexOf(",");
  return (comma < 0 ? value : value.slice(0, comma)).trim();
}

/** The branch parameter of the top Via, if any. */
export function topViaBranch(text: string): string | undefined {
  const via = firstHeader(text, "via");
  if (!via) return undefined;
  const m = /;\s*branch\s*=\s*([^;,\s]+)/i.exec(firstValue(headerValue(text, via)));
  return m ? m[1] : undefined;
}

/** The method named in the CSeq header (upper case), if any. */
export function cseqMethod(text: string): string | undefined {
  const cseq = firstHeader(text, "cseq");
  if (!cseq) return undefined;
  const m = /^\d+\s+(\S+)/.exec(headerValue(text, cseq));
  return m ? m[1].toUpperCase() : undefined;
}

/**
 * The key matching a response to its request (RFC 3261 §17.1.3): top Via branch and CSeq method.
 * A CANCEL shares its INVITE's branch but not its method.
 */
export function transactionKey(text: string): string | undefined {
  const branch = topViaBranch(text);
  const method = cseqMethod(text);
  return branch && method ? `${branch} ${method}` : undefined;
}
