/**
 * One 20 ms frame of silence for an audio codec, or undefined when we cannot make one.
 *
 * @remarks Checked with Debian's ffmpeg 5.1 decoders on this machine:
 * - PCMU: 0xFF is μ-law zero; PCMA: 0xD5 is A-law zero (ITU-T G.711).
 * - G722: repeated 0xFF decodes to |sample| ≤ 3 (−80 dBFS), and reaches that within ~50 ms even
 *   after random bytes, so it needs no encoder state. 160 bytes per 20 ms (64 kbit/s).
 * - opus: `F8 FF FE` is a 20 ms CELT fullband mono frame that decodes to digital zero (the frame
 *   WebRTC stacks send for muted tracks); a mono frame is valid in a stereo (`opus/48000/2`) session.
 */
export function silenceFrame(codec: string, ptimeMs = 20): Buffer | undefined {
  switch (codec.toUpperCase()) {
    case "PCMU":
      return Buffer.alloc((8000 * ptimeMs) / 1000, 0xff);
    case "PCMA":
      return Buffer.alloc((8000 * ptimeMs) / 1000, 0xd5);
    case "G722":
      return Buffer.alloc((8000 * ptimeMs) / 1000, 0xff);
    case "OPUS":
      // The TOC byte 0xF8 says 20 ms; another ptime would need another TOC.
      return ptimeMs === 20 ? Buffer.from([0xf8, 0xff, 0xfe]) : undefined;
    default:
      return undefined;
  }
}
