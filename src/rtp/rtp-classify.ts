import { RtpPacket } from "werift-rtp";

/** Smallest RTP header (RFC 3550 §5.1) and smallest RTCP packet (header + SSRC). */
const RTP_HEADER_SIZE = 12;
const RTCP_MIN_SIZE = 8;

/**
 * True when a datagram is RTCP rather than RTP: version 2 and a second byte in 192–223, the
 * range RFC 5761 §4 reserves so that RTP and RTCP can share a port (rtcp-mux).
 */
export function looksLikeRtcp(buf: Uint8Array): boolean {
  return buf.length >= RTCP_MIN_SIZE && buf[0] >> 6 === 2 && buf[1] >= 192 && buf[1] <= 223;
}

/** Payload type of an RTP datagram, read without parsing the rest. */
export function rtpPayloadType(buf: Uint8Array): number {
  return buf[1] & 0x7f;
}

/**
 * Parses an RTP datagram with werift-rtp, or returns undefined when it is not version 2,
 * too short, or its CSRC/extension/padding lengths run past the end.
 */
export function parseRtp(buf: Buffer): RtpPacket | undefined {
  if (buf.length < RTP_HEADER_SIZE || buf[0] >> 6 !== 2) return undefined;
  try {
    const packet = RtpPacket.deSerialize(buf);
    if (packet.header.payloadOffset > buf.length) return undefined;
    return packet;
  } catch {
    // werift reads past the end of malformed packets and throws a RangeError
    return undefined;
  }
}
