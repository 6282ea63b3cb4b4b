import { RtcpSenderInfo, RtcpSrPacket } from "werift-rtp";
import { rtcpPackets } from "./rtcp-compound";

/** RTCP packet type SR (RFC 3550 §6.4.1); an SR without report blocks is 28 bytes. */
const SR = 200;
const SR_MIN_SIZE = 28;
/** Seconds from the NTP epoch (1900) to the Unix epoch (1970). */
const NTP_UNIX_OFFSET_S = 2208988800n;

/**
 * The first SR packet of a compound RTCP datagram, as its own bytes (a copy), or undefined.
 *
 * @remarks
 * What is kept is the SR exactly as the peer sent it (report blocks, profile extensions), to be
 * replayed to ffmpeg: hence {@link rtcpPackets}, not werift-rtp's parser.
 */
export function findSenderReport(compound: Uint8Array): Buffer | undefined {
  const buf = Buffer.from(compound.buffer, compound.byteOffset, compound.byteLength);
  for (const packet of rtcpPackets(buf)) {
    if (packet[0] >> 6 !== 2) return undefined;
    if (packet[1] === SR && packet.length >= SR_MIN_SIZE) return Buffer.from(packet);
  }
  return undefined;
}

/** The sender SSRC of an SR packet (as {@link findSenderReport} returns it). */
export function senderReportSsrc(sr: Uint8Array): number {
  return Buffer.from(sr.buffer, sr.byteOffset, sr.byteLength).readUInt32BE(4);
}

/** A 64-bit NTP timestamp for an instant given in Unix epoch milliseconds. */
export function ntpFromEpochMs(epochMs: number): bigint {
  const seconds = Math.floor(epochMs / 1000);
  const fraction = Math.min(2 ** 32 - 1, Math.round(((epochMs - seconds * 1000) / 1000) * 2 ** 32));
  return ((BigInt(seconds) + NTP_UNIX_OFFSET_S) << 32n) + BigInt(fraction);
}

/** A bare SR (no report blocks, zero packet and octet counts) saying that `rtpTimestamp` is at `ntp`. */
export function buildSenderReport(ssrc: number, ntp: bigint, rtpTimestamp: number): Buffer {
  const senderInfo = new RtcpSenderInfo({ ntpTimestamp: ntp, rtpTimestamp: rtpTimestamp >>> 0, packetCount: 0, octetCount: 0 });
  return Buffer.from(new RtcpSrPacket({ ssrc: ssrc >>> 0, senderInfo }).serialize());
}
