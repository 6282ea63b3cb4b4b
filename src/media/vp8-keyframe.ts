/**
 * True when a VP8 RTP payload (RFC 7741) starts a key frame: the first packet of partition 0
 * (S=1, PID=0) whose VP8 payload header has the P bit clear (RFC 6386 §9.1: 0 = key frame).
 *
 * @remarks Hand-written: werift-rtp's Vp8RtpPayload parses the descriptor but needs a whole
 * packet object per call; this reads the few bits the gate needs. A truncated descriptor gives false.
 */
export function isVp8KeyframeStart(payload: Uint8Array): boolean {
  if (payload.length < 1) return false;
  const b0 = payload[0];
  const start = (b0 & 0x10) !== 0;
  const partition = b0 & 0x07;
  if (!start || partition !== 0) return false;
  let offset = 1;
  if ((b0 & 0x80) !== 0) {
    // X: an extension byte follows with I (picture id), L (TL0PICIDX), T/K (TID/KEYIDX).
    if (payload.length <= offset) return false;
    const x = payload[offset++];
    if ((x & 0x80) !== 0) {
      if (payload.length <= offset) return false;
      offset += (payload[offset] & 0x80) !== 0 ? 2 : 1; // M bit: 15-bit picture id
    }
    if ((x & 0x40) !== 0) offset += 1;
    if ((x & 0x30) !== 0) offset += 1;
  }
  if (payload.length <= offset) return false;
  return (payload[offset] & 0x01) === 0;
}
