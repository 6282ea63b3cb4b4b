/**
 * Byte counts of H.264 access units, the same on both sides of the pipeline: the bench peer
 * counts what it sends (RTP payloads, RFC 6184) and the sink what arrives (FLV/AVCC NAL
 * units). Equal counts mean ffmpeg passed the frame on whole; a lost RTP packet shows as a
 * smaller count. Only slice NAL units (types 1–5) count: we add SEI, and ffmpeg may add or
 * drop parameter sets and delimiters.
 */

const isPicture = (type: number): boolean => type >= 1 && type <= 5;
const STAP_A = 24;
const FU_A = 28;

/** Picture bytes (NAL header included) carried by one RTP payload (single NAL, STAP-A or FU-A). */
export function pictureBytesOfRtpPayload(payload: Buffer): number {
  if (payload.length < 1) return 0;
  const type = (payload[0] as number) & 0x1f;
  if (type >= 1 && type <= 23) return isPicture(type) ? payload.length : 0;
  if (type === STAP_A) {
    let total = 0;
    let offset = 1;
    while (offset + 2 <= payload.length) {
      const size = payload.readUInt16BE(offset);
      offset += 2;
      if (size === 0 || offset + size > payload.length) break;
      if (isPicture((payload[offset] as number) & 0x1f)) total += size;
      offset += size;
    }
    return total;
  }
  if (type === FU_A && payload.length >= 2) {
    const header = payload[1] as number;
    if (!isPicture(header & 0x1f)) return 0;
    // The reassembled NAL has one header byte, made from the FU indicator and header.
    return payload.length - 2 + ((header & 0x80) !== 0 ? 1 : 0);
  }
  return 0;
}

/** Calls `visit` for each NAL unit of an AVCC sample (big-endian length prefixes of `lengthSize` bytes). */
export function forEachAvccNal(data: Buffer, lengthSize: number, visit: (nal: Buffer) => void): void {
  let offset = 0;
  while (offset + lengthSize <= data.length) {
    let size = 0;
    for (let i = 0; i < lengthSize; i++) size = size * 256 + (data[offset + i] as number);
    offset += lengthSize;
    if (size === 0 || offset + size > data.length) return;
    visit(data.subarray(offset, offset + size));
    offset += size;
  }
}

/** Picture bytes of one NAL unit as counted by {@link pictureBytesOfRtpPayload}. */
export function pictureBytesOfNal(nal: Buffer): number {
  return nal.length > 0 && isPicture((nal[0] as number) & 0x1f) ? nal.length : 0;
}
