import { RtcpReceiverInfo, RtcpRrPacket, uint24 } from "werift-rtp";

/**
 * One RR report block (RFC 3550 §6.4.1) with `packetsLost` as a signed number.
 * werift-rtp's `RtcpReceiverInfo` has the same fields, so it fits here too.
 */
export interface ReportBlock {
  ssrc: number;
  /** Fraction lost since the previous report, in 1/256. */
  fractionLost: number;
  /** Cumulative packets lost; negative when duplicates arrived. Clamped to 24 bits signed. */
  packetsLost: number;
  /** Extended highest sequence number received (cycles << 16 | max seq). */
  highestSequence: number;
  /** Interarrival jitter in timestamp units. */
  jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR received, or 0. */
  lsr: number;
  /** Delay since that SR in 1/65536 s, or 0. */
  dlsr: number;
}

/** RTCP packet type SDES and the CNAME item type (RFC 3550 §6.5). */
const SDES = 202;
const CNAME = 1;
/** An RR carries at most 31 report blocks (5-bit RC field). */
const MAX_BLOCKS = 31;

/**
 * A compound RTCP packet: RR (RFC 3550 §6.4.2) with up to 31 report blocks, then SDES CNAME
 * (§6.5.1), as §6.1 requires every compound packet to carry. Extra blocks beyond 31 are left out.
 */
export function buildReceiverReport(senderSsrc: number, blocks: readonly ReportBlock[], cname: string): Buffer {
  const reports = blocks.slice(0, MAX_BLOCKS).map(
    (b) =>
      new RtcpReceiverInfo({
        ssrc: b.ssrc >>> 0,
        fractionLost: clamp(Math.floor(b.fractionLost), 0, 255),
        // werift writes this field unsigned: hand it the 24-bit two's complement.
        packetsLost: uint24(clamp(Math.trunc(b.packetsLost), -0x800000, 0x7fffff)),
        highestSequence: b.highestSequence >>> 0,
        jitter: clamp(Math.floor(b.jitter), 0, 0xffffffff),
        lsr: b.lsr >>> 0,
        dlsr: b.dlsr >>> 0,
      }),
  );
  const rr = Buffer.from(new RtcpRrPacket({ ssrc: senderSsrc >>> 0, reports }).serialize());
  return Buffer.concat([rr, buildSdesCname(senderSsrc, cname)]);
}

/**
 * An SDES packet with one chunk holding one CNAME item.
 *
 * @remarks
 * Hand-built because werift-rtp's `SourceDescriptionChunk` omits the null octet that must end
 * the item list (RFC 3550 §6.5) whenever the items already end on a 32-bit boundary (e.g. a
 * 2- or 6-byte CNAME), which makes strict parsers reject the packet.
 */
export function buildSdesCname(ssrc: number, cname: string): Buffer {
  const text = Buffer.from(cname, "utf8");
  if (text.length === 0 || text.length > 255) {
    throw new RangeError(`An SDES CNAME holds 1 to 255 bytes, got ${text.length}`);
  }
  // SSRC + type + length + text + at least one null octet, padded to a multiple of 4.
  const chunkLength = Math.ceil((4 + 2 + text.length + 1) / 4) * 4;
  const buf = Buffer.alloc(4 + chunkLength);
  buf[0] = 0x81; // V=2, P=0, SC=1
  buf[1] = SDES;
  buf.writeUInt16BE(buf.length / 4 - 1, 2);
  buf.writeUInt32BE(ssrc >>> 0, 4);
  buf[8] = CNAME;
  buf[9] = text.length;
  text.copy(buf, 10);
  return buf;
}

function clamp(v: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, v));
}
