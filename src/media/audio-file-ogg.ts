import type { AudioFrameParser } from "./audio-file-frames";

const CAPTURE = Buffer.from("OggS", "latin1");
const HEADER_BYTES = 27;

/**
 * Reads the Opus packets out of the Ogg stream ffmpeg writes (RFC 3533 pages, RFC 7845 Opus
 * mapping), dropping the two header packets (OpusHead, OpusTags).
 *
 * @remarks Hand-written because no dependency of the project parses Ogg, and ffmpeg has no raw
 * Opus output that keeps packet boundaries. Page layout: "OggS", version, flags, granule (8),
 * serial (4), sequence (4), CRC (4), segment count, segment table, data. A packet is the
 * concatenation of segments up to one shorter than 255 bytes, and may continue on the next
 * page. The CRC is not checked: the bytes come from a local pipe, not a lossy medium, and
 * ffmpeg writes one logical stream, so the serial number is not looked at either.
 */
export class OggOpusPacketReader implements AudioFrameParser {
  private buffer: Buffer = Buffer.alloc(0);
  /** Segments of a packet not finished yet (continued on a later page). */
  private partial: Buffer[] = [];
  private packetsSeen = 0;

  /** @throws Error when the stream is not Ogg or its first packet is not an Opus header. */
  push(chunk: Buffer): Buffer[] {
    this.buffer = this.buffer.length > 0 ? Buffer.concat([this.buffer, chunk]) : chunk;
    const packets: Buffer[] = [];
    let offset = 0;
    while (this.buffer.length - offset >= HEADER_BYTES) {
      if (!this.buffer.subarray(offset, offset + 4).equals(CAPTURE)) throw new Error("the Opus stream from ffmpeg is not Ogg (no OggS page)");
      const segments = this.buffer[offset + 26];
      const tableEnd = offset + HEADER_BYTES + segments;
      if (this.buffer.length < tableEnd) break;
      let bodyBytes = 0;
      for (let i = offset + HEADER_BYTES; i < tableEnd; i++) bodyBytes += this.buffer[i];
      if (this.buffer.length < tableEnd + bodyBytes) break;
      let at = tableEnd;
      for (let i = offset + HEADER_BYTES; i < tableEnd; i++) {
        const lacing = this.buffer[i];
        this.partial.push(this.buffer.subarray(at, at + lacing));
        at += lacing;
        if (lacing < 255) this.packetDone(packets);
      }
      offset = tableEnd + bodyBytes;
    }
    // Copy the unread tail so that the chunk (and the frames, copied in packetDone) hold no big buffers.
    this.buffer = Buffer.from(this.buffer.subarray(offset));
    return packets;
  }

  /** Ogg packets never end mid-page: nothing is left at the end of the stream. */
  end(): Buffer[] {
    this.buffer = Buffer.alloc(0);
    this.partial = [];
    return [];
  }

  private packetDone(out: Buffer[]): void {
    const packet = Buffer.concat(this.partial);
    this.partial = [];
    const index = this.packetsSeen++;
    if (index === 0) {
      if (packet.subarray(0, 8).toString("latin1") !== "OpusHead") throw new Error("the Ogg stream from ffmpeg is not Opus (no OpusHead)");
      return;
    }
    if (index === 1) return; // OpusTags (RFC 7845 §5.2)
    if (packet.length > 0) out.push(packet);
  }
}
