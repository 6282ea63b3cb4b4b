import { PictureLossIndication, RtcpPayloadSpecificFeedback } from "werift-rtp";

/** RTCP packet type of payload-specific feedback (RFC 4585 §6.1). */
const PSFB = 206;
/** FMT of Full Intra Request (RFC 5104 §4.3.1). */
const FMT_FIR = 4;

/**
 * Picture Loss Indication (RFC 4585 §6.3.1), 12 bytes: asks the sender of `mediaSsrc` for a
 * keyframe. Uses werift-rtp's serializer, which a test against baresip showed to work.
 */
export function buildPli(senderSsrc: number, mediaSsrc: number): Buffer {
  const feedback = new PictureLossIndication({ senderSsrc: senderSsrc >>> 0, mediaSsrc: mediaSsrc >>> 0 });
  return Buffer.from(new RtcpPayloadSpecificFeedback({ feedback }).serialize());
}

/**
 * Full Intra Request (RFC 5104 §4.3.1), 20 bytes, for peers that ignore PLI.
 *
 * @remarks
 * Built by hand because werift-rtp parses FIR but does not export its FIR class.
 * Layout: PSFB header with FMT=4, SSRC of packet sender, SSRC of media source = 0 (§4.3.1.2:
 * "not used and SHALL be set to 0"), then one FCI entry: the target SSRC, the command sequence
 * number (mod 256, increment per new request, §4.3.1.1) and 3 reserved zero bytes.
 */
export function buildFir(senderSsrc: number, mediaSsrc: number, seqNr: number): Buffer {
  const buf = Buffer.alloc(20);
  buf[0] = 0x80 | FMT_FIR; // V=2, P=0, FMT=4
  buf[1] = PSFB;
  buf.writeUInt16BE(buf.length / 4 - 1, 2);
  buf.writeUInt32BE(senderSsrc >>> 0, 4);
  buf.writeUInt32BE(0, 8);
  buf.writeUInt32BE(mediaSsrc >>> 0, 12);
  buf[16] = seqNr & 0xff;
  return buf;
}
