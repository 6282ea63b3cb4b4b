import * as dgram from "node:dgram";
import { isIPv4, isIPv6 } from "node:net";

/** The records of one name, as the test DNS server answers them. */
export interface DnsZoneEntry {
  A?: string[];
  AAAA?: string[];
  SRV?: Array<{ priority: number; weight: number; port: number; target: string }>;
  NAPTR?: Array<{ order: number; preference: number; flags: string; service: string; regexp: string; replacement: string }>;
}

/** A running {@link startDnsServer}. */
export interface DnsServer {
  port: number;
  /** "127.0.0.1:<port>", as `dnsServers` takes it. */
  address: string;
  /** Every question asked, as "TYPE name", in order. */
  queries: string[];
  stop(): Promise<void>;
}

const TYPES: Record<number, keyof DnsZoneEntry> = { 1: "A", 28: "AAAA", 33: "SRV", 35: "NAPTR" };

/**
 * A tiny authoritative DNS server on 127.0.0.1 (UDP) for the RFC 3263 tests: answers A, AAAA, SRV
 * and NAPTR questions from `zone` (names lower case, without the final dot); NXDOMAIN for an unknown
 * name, an empty answer (NODATA) for a known name without records of the type.
 */
export async function startDnsServer(zone: Record<string, DnsZoneEntry>): Promise<DnsServer> {
  const socket = dgram.createSocket("udp4");
  const queries: string[] = [];
  socket.on("message", (query, rinfo) => {
    const reply = answer(query, zone, queries);
    if (reply) socket.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => resolve());
  });
  const port = socket.address().port;
  return { port, address: `127.0.0.1:${port}`, queries, stop: () => new Promise((resolve) => socket.close(() => resolve())) };
}

function answer(query: Buffer, zone: Record<string, DnsZoneEntry>, queries: string[]): Buffer | undefined {
  if (query.length < 12 || query.readUInt16BE(4) !== 1) return undefined;
  const { name, end } = readName(query, 12);
  if (end + 4 > query.length) return undefined;
  const type = query.readUInt16BE(end);
  const question = query.subarray(12, end + 4);
  const kind = TYPES[type];
  queries.push(`${kind ?? type} ${name}`);
  const entry = zone[name.toLowerCase()];
  const rdatas = entry && kind ? rdataOf(entry, kind) : [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0);
  // QR, opcode 0, AA, RD copied; RA; rcode 3 (NXDOMAIN) for an unknown name.
  header.writeUInt16BE(0x8400 | (query.readUInt16BE(2) & 0x0100) | 0x0080 | (entry ? 0 : 3), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(rdatas.length, 6);
  const records = rdatas.map((rdata) => {
    const fixed = Buffer.alloc(12);
    fixed.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
    fixed.writeUInt16BE(type, 2);
    fixed.writeUInt16BE(1, 4);
    fixed.writeUInt32BE(60, 6);
    fixed.writeUInt16BE(rdata.length, 10);
    return Buffer.concat([fixed, rdata]);
  });
  return Buffer.concat([header, question, ...records]);
}

function rdataOf(entry: DnsZoneEntry, kind: keyof DnsZoneEntry): Buffer[] {
  switch (kind) {
    case "A":
      return (entry.A ?? []).filter((a) => isIPv4(a)).map((a) => Buffer.from(a.split(".").map(Number)));
    case "AAAA":
      return (entry.AAAA ?? []).filter((a) => isIPv6(a)).map(ipv6Bytes);
    case "SRV":
      return (entry.SRV ?? []).map((r) => Buffer.concat([u16(r.priority), u16(r.weight), u16(r.port), encodeName(r.target)]));
    case "NAPTR":
      return (entry.NAPTR ?? []).map((r) =>
        Buffer.concat([u16(r.order), u16(r.preference), charString(r.flags), charString(r.service), charString(r.regexp), encodeName(r.replacement)]),
      );
  }
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n, 0);
  return b;
}

function charString(text: string): Buffer {
  return Buffer.concat([Buffer.from([text.length]), Buffer.from(text, "latin1")]);
}

function encodeName(name: string): Buffer {
  const labels = name.replace(/\.$/, "").split(".").filter((l) => l !== "");
  return Buffer.concat([...labels.map((l) => charString(l)), Buffer.from([0])]);
}

function ipv6Bytes(address: string): Buffer {
  const [head, tail] = address.split("::");
  const parts = (s: string | undefined): string[] => (s ? s.split(":") : []);
  const h = parts(head);
  const t = tail === undefined ? [] : parts(tail);
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t];
  return Buffer.concat(groups.map((g) => u16(parseInt(g, 16))));
}

/** Reads an uncompressed name (questions are never compressed). */
function readName(buf: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let i = offset;
  while (i < buf.length && buf[i] !== 0) {
    const len = buf[i];
    labels.push(buf.toString("latin1", i + 1, i + 1 + len));
    i += 1 + len;
  }
  return { name: labels.join("."), end: i + 1 };
}
