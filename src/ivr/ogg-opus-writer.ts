/**
 * Wraps received Opus packets in an Ogg stream (RFC 3533 pages, RFC 7845 headers) for ffmpeg's
 * stdin: ffmpeg has no raw Opus demuxer, and Ogg is the simplest container that keeps packet
 * boundaries. One packet per page, so each packet reaches ffmpeg as soon as it arrives.
 *
 * @remarks Page: "OggS", version 0, header-type flags (2 = first page), granule position (8, LE),
 * serial (4), page sequence (4), CRC-32 (4, polynomial 0x04C11DB7, no reflection, computed with the
 * CRC field zero), segment count, lacing values (255… then the rest), data.
 */
let crcTable: Uint32Array | undefined;

function crc32(data: Buffer): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let r = i << 24;
      for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
      crcTable[i] = r >>> 0;
    }
  }
  let crc = 0;
  for (const byte of data) crc = ((crc << 8) ^ crcTable[((crc >>> 24) ^ byte) & 0xff]) >>> 0;
  return crc;
}

/** The Opus packets of an RTP stream, as Ogg pages. */
export class OggOpusWriter {
  private sequence = 0;
  private granule = 0n;
  private readonly serial = (Math.random() * 0xffffffff) >>> 0;

  /** The two header pages (OpusHead, OpusTags): mono, 48 kHz, no pre-skip. */
  headers(): Buffer[] {
    const head = Buffer.alloc(19);
    head.write("OpusHead", 0, "latin1");
    head[8] = 1; // version
    head[9] = 1; // channels: decoded as mono, which is all voice detection needs
    head.writeUInt16LE(0, 10); // pre-skip
    head.writeUInt32LE(48000, 12);
    head.writeInt16LE(0, 16); // output gain
    head[18] = 0; // mapping family 0
    const tags = Buffer.alloc(16);
    tags.write("OpusTags", 0, "latin1");
    tags.writeUInt32LE(0, 8); // vendor string length 0
    tags.writeUInt32LE(0, 12); // no comments
    return [this.page(head, 2, 0n), this.page(tags, 0, 0n)];
  }

  /** One packet as one page; `samples` at 48 kHz is what it holds (960 for 20 ms). */
  packet(payload: Buffer, samples: number): Buffer {
    this.granule += BigInt(samples);
    return this.page(payload, 0, this.granule);
  }

  private page(data: Buffer, flags: number, granule: bigint): Buffer {
    const lacing: number[] = [];
    let left = data.length;
    while (left >= 255) {
      lacing.push(255);
      left -= 255;
    }
    lacing.push(left);
    const header = Buffer.alloc(27 + lacing.length);
    header.write("OggS", 0, "latin1");
    header[4] = 0;
    header[5] = flags;
    header.writeBigUInt64LE(granule, 6);
    header.writeUInt32LE(this.serial, 14);
    header.writeUInt32LE(this.sequence++, 18);
    header[26] = lacing.length;
    lacing.forEach((v, i) => (header[27 + i] = v));
    const page = Buffer.concat([header, data]);
    page.writeUInt32LE(crc32(page), 22);
    return page;
  }
}

/**
 * Samples at 48 kHz in an Opus packet, from its TOC byte (RFC 6716 §3.1): the frame size from the
 * configuration, times the frame count (code 0: 1, codes 1–2: 2, code 3: the count byte).
 */
export function opusPacketSamples(packet: Buffer): number {
  if (packet.length === 0) return 0;
  const toc = packet[0];
  const config = toc >> 3;
  let frameSamples: number;
  if (config < 12) frameSamples = [480, 960, 1920, 2880][config & 3]; // SILK 10/20/40/60 ms
  else if (config < 16) frameSamples = [480, 960][config & 1]; // hybrid 10/20 ms
  else frameSamples = [120, 240, 480, 960][config & 3]; // CELT 2.5/5/10/20 ms
  const code = toc & 3;
  const frames = code === 0 ? 1 : code < 3 ? 2 : packet.length > 1 ? packet[1] & 0x3f : 1;
  return frameSamples * frames;
}
