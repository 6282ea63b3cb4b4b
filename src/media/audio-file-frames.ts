import type { AudioFileFormat } from "./audio-file-format";
import { OggOpusPacketReader } from "./audio-file-ogg";

/** Turns ffmpeg's stdout, chunk by chunk, into RTP payloads (one per packet interval). */
export interface AudioFrameParser {
  /** The payloads completed by `chunk` (none while a frame is still partial). */
  push(chunk: Buffer): Buffer[];
  /** At the end of the stream: the last, partial payload when the format allows one. */
  end(): Buffer[];
}

/**
 * Cuts a raw byte stream (G.711, G.722) into frames of `frameBytes`, whatever the sizes of the
 * chunks a pipe delivers; the last short frame is padded with `padByte` (the codec's silence).
 */
export class FixedFrameSplitter implements AudioFrameParser {
  private rest: Buffer = Buffer.alloc(0);

  constructor(
    private readonly frameBytes: number,
    private readonly padByte: number,
  ) {
    if (!Number.isInteger(frameBytes) || frameBytes <= 0) throw new RangeError(`frameBytes must be a positive integer, got ${frameBytes}`);
  }

  push(chunk: Buffer): Buffer[] {
    const data = this.rest.length > 0 ? Buffer.concat([this.rest, chunk]) : chunk;
    const frames: Buffer[] = [];
    let offset = 0;
    for (; offset + this.frameBytes <= data.length; offset += this.frameBytes) {
      // A copy: the pipe's chunk is not kept alive by a frame queued for seconds.
      frames.push(Buffer.from(data.subarray(offset, offset + this.frameBytes)));
    }
    this.rest = Buffer.from(data.subarray(offset));
    return frames;
  }

  end(): Buffer[] {
    if (this.rest.length === 0) return [];
    const last = Buffer.alloc(this.frameBytes, this.padByte);
    this.rest.copy(last);
    this.rest = Buffer.alloc(0);
    return [last];
  }
}

/** The parser for a format's framing. */
export function frameParserFor(format: AudioFileFormat): AudioFrameParser {
  return format.framing.kind === "fixed" ? new FixedFrameSplitter(format.framing.frameBytes, format.framing.padByte) : new OggOpusPacketReader();
}
