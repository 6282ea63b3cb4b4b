/**
 * The packets of a compound RTCP datagram (RFC 3550 §6.1), in order, each as a view of `buf`
 * cut by its own length field; stops before a packet that would run past the end. The bytes
 * after the last one yielded (a malformed tail) are the caller's to judge.
 *
 * @remarks Read by hand rather than with werift-rtp's parser where the packets must stay exactly
 * as the peer sent them (forwarded or replayed to ffmpeg).
 */
export function* rtcpPackets(buf: Buffer): Generator<Buffer> {
  for (let offset = 0; offset + 4 <= buf.length; ) {
    const length = (buf.readUInt16BE(offset + 2) + 1) * 4;
    if (offset + length > buf.length) return;
    yield buf.subarray(offset, offset + length);
    offset += length;
  }
}
