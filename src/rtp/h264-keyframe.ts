/** NAL unit types of RFC 6184 that matter here. */
const NAL_IDR = 5;
const NAL_SPS = 7;
const STAP_A = 24;
const FU_A = 28;

function isKeyframeNal(type: number): boolean {
  return type === NAL_IDR || type === NAL_SPS;
}

/**
 * True when an H.264 RTP payload (RFC 6184) starts a keyframe: a single NAL unit of type 5
 * (IDR slice) or 7 (SPS), a STAP-A aggregating one of those, or the start fragment (S bit) of
 * an FU-A carrying one.
 *
 * @remarks
 * Only packetization modes 0 and 1 are looked at (what SIP phones send); STAP-B, MTAP and
 * FU-B give false. A truncated STAP-A is read as far as it is well-formed.
 */
export function isH264KeyframeStart(payload: Uint8Array): boolean {
  if (payload.length < 1) return false;
  const type = payload[0] & 0x1f;
  if (type >= 1 && type <= 23) return isKeyframeNal(type);
  if (type === STAP_A) {
    let offset = 1;
    while (offset + 2 < payload.length) {
      const size = (payload[offset] << 8) | payload[offset + 1];
      offset += 2;
      if (size === 0 || offset + size > payload.length) return false;
      if (isKeyframeNal(payload[offset] & 0x1f)) return true;
      offset += size;
    }
    return false;
  }
  if (type === FU_A) {
    if (payload.length < 2) return false;
    const fuHeader = payload[1];
    return (fuHeader & 0x80) !== 0 && isKeyframeNal(fuHeader & 0x1f);
  }
  return false;
}
