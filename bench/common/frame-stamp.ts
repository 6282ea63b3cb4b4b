/**
 * The mark the bench peer puts in front of every video frame it sends: an H.264 SEI NAL unit
 * (user_data_unregistered, payload type 5) carrying the frame's counter, its index in the
 * recording and the peer's send time. ffmpeg copies H.264 (`-c:v copy`), so the SEI reaches
 * the RTMP sink inside the FLV video tag; the sink reads it and knows which frame of which
 * call arrived, and how long after it was sent.
 *
 * @remarks
 * The payload is hex text after an ASCII UUID: no byte is 0x00, so no emulation-prevention
 * bytes are needed and no start code can appear inside (ffmpeg splits Annex B at 00 00 01).
 */

/** user_data_unregistered UUID: 16 ASCII bytes, none of them zero. */
const UUID = Buffer.from("sipcast-bench-v1", "latin1");
const TEXT_LENGTH = 24;
const SEI_PAYLOAD_SIZE = UUID.length + TEXT_LENGTH;

/** What a stamp carries. */
export interface FrameStamp {
  /** Frames sent on this call before this one (from 0). */
  counter: number;
  /** Index of the frame in the recording. */
  frameIndex: number;
  /** CLOCK_MONOTONIC time of sending, in microseconds. */
  sentUs: number;
}

/** The SEI NAL unit (header byte included) for `stamp`. */
export function buildStampNal(stamp: FrameStamp): Buffer {
  const text =
    (stamp.counter >>> 0).toString(16).padStart(8, "0") +
    (stamp.frameIndex & 0xffff).toString(16).padStart(4, "0") +
    Math.floor(stamp.sentUs).toString(16).padStart(12, "0").slice(-12);
  const nal = Buffer.allocUnsafe(3 + SEI_PAYLOAD_SIZE + 1);
  nal[0] = 0x06; // forbidden 0, nal_ref_idc 0, type 6 (SEI)
  nal[1] = 5; // payload type: user_data_unregistered
  nal[2] = SEI_PAYLOAD_SIZE;
  UUID.copy(nal, 3);
  nal.write(text, 3 + UUID.length, "latin1");
  nal[nal.length - 1] = 0x80; // rbsp_trailing_bits
  return nal;
}

/** Reads our stamp from one NAL unit (header byte first), undefined for any other NAL. */
export function parseStampNal(nal: Buffer): FrameStamp | undefined {
  if (nal.length < 3 + SEI_PAYLOAD_SIZE || ((nal[0] as number) & 0x1f) !== 6 || nal[1] !== 5 || nal[2] !== SEI_PAYLOAD_SIZE) return undefined;
  if (!nal.subarray(3, 3 + UUID.length).equals(UUID)) return undefined;
  const text = nal.toString("latin1", 3 + UUID.length, 3 + SEI_PAYLOAD_SIZE);
  return {
    counter: parseInt(text.slice(0, 8), 16),
    frameIndex: parseInt(text.slice(8, 12), 16),
    sentUs: parseInt(text.slice(12), 16),
  };
}
