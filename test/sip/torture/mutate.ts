import type { Prng } from "./prng";

/** The largest UDP payload over IPv4 (65535 − 20 IP − 8 UDP). */
export const MAX_UDP_PAYLOAD = 65507;

/** One generated datagram and how it was made (printed when a run fails). */
export interface Garbage {
  kind: string;
  bytes: Buffer;
}

const CRLF = Buffer.from("\r\n");

/** Splits a message into its head lines (without CRLF) and its body. */
function split(message: Buffer): { lines: Buffer[]; body: Buffer } {
  const end = message.indexOf("\r\n\r\n");
  const head = end < 0 ? message : message.subarray(0, end);
  const body = end < 0 ? Buffer.alloc(0) : message.subarray(end + 4);
  const lines: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const nl = head.indexOf(CRLF, pos);
    if (nl < 0) {
      lines.push(head.subarray(pos));
      break;
    }
    lines.push(head.subarray(pos, nl));
    pos = nl + 2;
  }
  return { lines, body };
}

function join(lines: Buffer[], body: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (const l of lines) parts.push(l, CRLF);
  parts.push(CRLF, body);
  return Buffer.concat(parts);
}

/** Replaces the value of every header named `name` (case-insensitive, long form only). */
function setHeader(message: Buffer, name: string, value: string | Buffer): Buffer {
  const { lines, body } = split(message);
  const prefix = `${name.toLowerCase()}:`;
  // The name is what comes before the first colon, trailing blanks dropped. (A regex such as /\s+:/ over the
  // whole line is quadratic on a 45 KB line of blanks: seconds of this test's own CPU, counted as the engine's.)
  const nameOf = (l: Buffer): string => {
    const text = l.toString("latin1");
    const colon = text.indexOf(":");
    return colon < 0 ? "" : `${text.slice(0, colon).trimEnd().toLowerCase()}:`;
  };
  const out = lines.map((l) => (nameOf(l) === prefix ? Buffer.concat([Buffer.from(`${name}: `), Buffer.from(value)]) : l));
  return join(out, body);
}

const BOGUS_LENGTHS = ["-1", "999999", "4294967296", "18446744073709551617", "abc", "", "0x10", "1e3", " 5 5", "65536", "0"];
const BOGUS_CSEQ = ["2147483648", "4294967295", "4294967296", "18446744073709551616", "99999999999999999999999", "-1", "0", "x", "", "1.5"];
const NON_UTF8 = [[0xff], [0xfe, 0xff], [0xc3, 0x28], [0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xc0, 0xaf], [0x00], [0x0d], [0x0a]];

/**
 * Mutations of a SIP message as an attacker or a broken peer might send them. Each returns the new
 * datagram; every one stays within {@link MAX_UDP_PAYLOAD} bytes.
 */
const MUTATIONS: Record<string, (m: Buffer, r: Prng) => Buffer> = {
  bitflip: (m, r) => {
    const out = Buffer.from(m);
    const flips = 1 + r.int(8);
    for (let i = 0; i < flips && out.length > 0; i++) out[r.int(out.length)] ^= 1 << r.int(8);
    return out;
  },
  truncate: (m, r) => m.subarray(0, r.int(m.length)),
  duplicateHeader: (m, r) => {
    const { lines, body } = split(m);
    if (lines.length < 2) return m;
    const i = 1 + r.int(lines.length - 1);
    const copies = Array.from({ length: 1 + r.int(40) }, () => lines[i]);
    return join([...lines.slice(0, i), ...copies, ...lines.slice(i)], body);
  },
  removeHeader: (m, r) => {
    const { lines, body } = split(m);
    if (lines.length < 2) return m;
    const i = 1 + r.int(lines.length - 1);
    return join([...lines.slice(0, i), ...lines.slice(i + 1)], body);
  },
  hugeHeader: (m, r) => {
    const { lines, body } = split(m);
    const room = Math.max(0, MAX_UDP_PAYLOAD - m.length - 64);
    const size = Math.min(room, 1 + r.int(r.next() < 0.3 ? 60_000 : 4_000));
    const name = r.pick(["X-Huge", "Via", "Subject", "Contact", "Call-ID", "Route", "To"]);
    const value = Buffer.alloc(size, r.pick(["a", " ", ";", ",", "<", "\t", "%"]));
    const i = 1 + r.int(Math.max(1, lines.length - 1));
    return join([...lines.slice(0, i), Buffer.concat([Buffer.from(`${name}: `), value]), ...lines.slice(i)], body);
  },
  headerFlood: (m, r) => {
    // Many values of a header sip.js parses value by value (Contact, Record-Route, Via, Route).
    const { lines, body } = split(m);
    const line = Buffer.from(r.pick(["Record-Route: <sip:h;lr>", "Contact: <sip:a@h>", "Via: SIP/2.0/UDP h;branch=z9hG4bKx", "Route: <sip:h;lr>", "Allow: INVITE,ACK,BYE"]));
    const n = Math.min(1 + r.int(2500), Math.floor((MAX_UDP_PAYLOAD - m.length) / (line.length + 2)));
    return join([lines[0], ...Array.from({ length: n }, () => line), ...lines.slice(1)], body);
  },
  bogusContentLength: (m, r) => setHeader(m, "Content-Length", r.pick(BOGUS_LENGTHS)),
  cseqOverflow: (m, r) => {
    const method = /\r\nCSeq:\s*\S*\s+(\S+)/i.exec(m.toString("latin1"))?.[1] ?? "INFO";
    return setHeader(m, "CSeq", `${r.pick(BOGUS_CSEQ)} ${r.next() < 0.8 ? method : r.pick(["INVITE", "BYE", "ACK", "CANCEL", "FOO"])}`);
  },
  nonUtf8: (m, r) => {
    const out: Buffer[] = [];
    let pos = 0;
    for (let i = 0, n = 1 + r.int(6); i < n; i++) {
      const at = pos + r.int(Math.max(1, m.length - pos));
      out.push(m.subarray(pos, at), Buffer.from(r.pick(NON_UTF8)));
      pos = at;
    }
    out.push(m.subarray(pos));
    return Buffer.concat(out);
  },
  zeroLength: () => Buffer.alloc(0),
  max64k: (m, r) => {
    const filler = r.next() < 0.5 ? r.bytes(MAX_UDP_PAYLOAD - m.length) : Buffer.alloc(MAX_UDP_PAYLOAD - m.length, "A");
    return r.next() < 0.5 ? Buffer.concat([m, filler]) : Buffer.concat([m.subarray(0, m.indexOf("\r\n") + 2), Buffer.from("X: "), filler]).subarray(0, MAX_UDP_PAYLOAD);
  },
  randomBytes: (_m, r) => r.bytes(r.int(2000)),
  startLineSwap: (m, r) => {
    const { lines, body } = split(m);
    const start = r.pick([
      "SIP/2.0 200 OK",
      "SIP/2.0 180 Ringing",
      "SIP/2.0 999 Nope",
      "SIP/2.0 100",
      "SIP/3.0 200 OK",
      "BYE sip:x SIP/2.0",
      "INVITE sip:alice@127.0.0.1 SIP/2.0",
      "ACK sip:x SIP/2.0",
      "CANCEL sip:x SIP/2.0",
      "PRACK sip:x SIP/2.0",
      "UPDATE sip:x SIP/2.0",
      "NOTIFY sip:x SIP/2.0",
      "REFER sip:x SIP/2.0",
      "MESSAGE sip:x SIP/2.0",
      "SUBSCRIBE sip:x SIP/2.0",
      "X sip: SIP/2.0",
      "",
    ]);
    return join([Buffer.from(start), ...lines.slice(1)], body);
  },
  controlChars: (m, r) => {
    const out = Buffer.from(m);
    for (let i = 0, n = 1 + r.int(10); i < n && out.length > 0; i++) out[r.int(out.length)] = r.pick([0x00, 0x0d, 0x0a, 0x09, 0x20, 0x3a, 0x3b, 0x2c, 0x22, 0x3c]);
    return out;
  },
  folding: (m, r) => {
    const { lines, body } = split(m);
    const i = 1 + r.int(Math.max(1, lines.length - 1));
    const folds = Array.from({ length: 1 + r.int(200) }, () => Buffer.from(r.pick([" ", "\t", " ;", "  ,", " x"])));
    return join([...lines.slice(0, i + 1), ...folds, ...lines.slice(i + 1)], body);
  },
};

/** Every mutation's name. */
export const MUTATION_KINDS: readonly string[] = Object.keys(MUTATIONS);

/** One mutated datagram from one of `bases`, sometimes mutated twice. */
export function mutated(bases: readonly Buffer[], r: Prng): Garbage {
  let bytes = r.pick(bases);
  const kinds: string[] = [];
  for (let i = 0, n = r.next() < 0.2 ? 2 : 1; i < n; i++) {
    const kind = r.pick(MUTATION_KINDS);
    kinds.push(kind);
    bytes = MUTATIONS[kind](bytes, r);
  }
  return { kind: kinds.join("+"), bytes: bytes.length > MAX_UDP_PAYLOAD ? bytes.subarray(0, MAX_UDP_PAYLOAD) : bytes };
}
