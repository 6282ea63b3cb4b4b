import { RtcpRrPacket } from "werift-rtp";
import { rtcpPackets } from "./rtcp-compound";

/** RTCP packet type BYE (RFC 3550 §6.6). */
const BYE = 203;

/**
 * A bare RTCP BYE (RFC 3550 §6.6) for up to 31 SSRCs, without a reason.
 *
 * @remarks
 * Hand-built: werift-rtp has no BYE class. A single-SSRC BYE is only 8 bytes, and ffmpeg
 * ignores RTCP datagrams shorter than 12 bytes: send {@link buildCompoundBye} on the wire.
 */
export function buildBye(ssrcs: readonly number[]): Buffer {
  if (ssrcs.length === 0 || ssrcs.length > 31) {
    throw new RangeError(`An RTCP BYE carries 1 to 31 SSRCs, got ${ssrcs.length}`);
  }
  const buf = Buffer.alloc(4 + 4 * ssrcs.length);
  buf[0] = 0x80 | ssrcs.length; // V=2, P=0, SC
  buf[1] = BYE;
  buf.writeUInt16BE(ssrcs.length, 2);
  ssrcs.forEach((ssrc, i) => buf.writeUInt32BE(ssrc >>> 0, 4 + 4 * i));
  return buf;
}

/**
 * An empty RR from `reporterSsrc` followed by a BYE for `ssrcs`: the compound form RFC 3550
 * §6.1 requires, and at least 16 bytes, so ffmpeg (which skips RTCP under 12 bytes) sees it.
 */
export function buildCompoundBye(reporterSsrc: number, ssrcs: readonly number[]): Buffer {
  const rr = Buffer.from(new RtcpRrPacket({ ssrc: reporterSsrc >>> 0, reports: [] }).serialize());
  return Buffer.concat([rr, buildBye(ssrcs)]);
}

/**
 * Removes the BYE packets from a compound RTCP datagram and returns the rest (undefined when
 * nothing is left). A malformed tail is kept as it is.
 *
 * @remarks
 * For forwarding to ffmpeg: it counts BYEs over all its streams and ends when the count reaches
 * the number of streams, so a peer's BYE (e.g. on an SSRC change) could end the whole input.
 */
export function stripRtcpBye(buf: Buffer): Buffer | undefined {
  const kept: Buffer[] = [];
  let offset = 0;
  for (const packet of rtcpPackets(buf)) {
    if (packet[1] !== BYE) kept.push(packet);
    offset += packet.length;
  }
  if (offset < buf.length) kept.push(buf.subarray(offset));
  if (kept.length === 0) return undefined;
  return kept.length === 1 && kept[0].length === buf.length ? buf : Buffer.concat(kept);
}
