/** One RTMP message, reassembled from its chunks. */
export interface RtmpMessage {
  type: number;
  streamId: number;
  /** Absolute timestamp in ms. */
  timestamp: number;
  payload: Buffer;
}

interface ChunkStream {
  timestamp: number;
  /** The last timestamp field: absolute after a type-0 header, a delta after type 1/2. */
  tsField: number;
  extended: boolean;
  length: number;
  type: number;
  streamId: number;
  parts: Buffer[];
  received: number;
}

const HEADER_SIZE = [11, 7, 3, 0];

/**
 * Reassembles RTMP messages from the chunk stream (RTMP spec §5.3), incrementally.
 *
 * @remarks
 * A type-3 chunk that starts a new message adds the chunk stream's last timestamp field, as
 * ffmpeg's own reader does (`rtmppkt.c`): ffmpeg, our only client, writes by that rule.
 * Parsing advances only over whole chunks, so a chunk split across TCP reads is kept until
 * the rest arrives.
 */
export class RtmpChunkParser {
  #buf: Buffer = Buffer.alloc(0);
  #chunkSize = 128;
  readonly #streams = new Map<number, ChunkStream>();

  constructor(private readonly onMessage: (m: RtmpMessage) => void) {}

  /** The peer's Set Chunk Size. */
  setChunkSize(size: number): void {
    this.#chunkSize = Math.max(1, size);
  }

  push(data: Buffer): void {
    this.#buf = this.#buf.length === 0 ? data : Buffer.concat([this.#buf, data]);
    let offset = 0;
    const buf = this.#buf;
    for (;;) {
      const used = this.#chunkAt(buf, offset);
      if (used === 0) break;
      offset += used;
    }
    this.#buf = offset === buf.length ? Buffer.alloc(0) : buf.subarray(offset);
  }

  /** Parses one chunk at `offset`; returns its size, or 0 when it is not complete yet. */
  #chunkAt(buf: Buffer, offset: number): number {
    if (buf.length - offset < 1) return 0;
    const b0 = buf[offset] as number;
    const fmt = b0 >> 6;
    let csid = b0 & 0x3f;
    let pos = offset + 1;
    if (csid === 0) {
      if (buf.length - offset < 2) return 0;
      csid = (buf[pos] as number) + 64;
      pos += 1;
    } else if (csid === 1) {
      if (buf.length - offset < 3) return 0;
      csid = (buf[pos + 1] as number) * 256 + (buf[pos] as number) + 64;
      pos += 2;
    }
    const headerSize = HEADER_SIZE[fmt] as number;
    if (buf.length - pos < headerSize) return 0;
    let st = this.#streams.get(csid);
    if (!st) {
      st = { timestamp: 0, tsField: 0, extended: false, length: 0, type: 0, streamId: 0, parts: [], received: 0 };
      this.#streams.set(csid, st);
    }
    let tsField = st.tsField;
    let length = st.length;
    let type = st.type;
    let streamId = st.streamId;
    let extended = st.extended;
    if (fmt <= 2) {
      tsField = buf.readUIntBE(pos, 3);
      extended = tsField === 0xffffff;
    }
    if (fmt <= 1) {
      length = buf.readUIntBE(pos + 3, 3);
      type = buf[pos + 6] as number;
    }
    if (fmt === 0) streamId = buf.readUInt32LE(pos + 7);
    pos += headerSize;
    if (extended) {
      if (buf.length - pos < 4) return 0;
      if (fmt <= 2) tsField = buf.readUInt32BE(pos);
      pos += 4;
    }
    const starting = st.received === 0;
    const chunk = Math.min(this.#chunkSize, length - (starting ? 0 : st.received));
    if (buf.length - pos < chunk) return 0;
    // Complete: commit the header.
    st.tsField = tsField;
    st.extended = extended;
    st.length = length;
    st.type = type;
    st.streamId = streamId;
    if (starting) st.timestamp = fmt === 0 ? tsField : st.timestamp + tsField;
    if (chunk > 0) st.parts.push(buf.subarray(pos, pos + chunk));
    st.received += chunk;
    if (st.received >= st.length) {
      const payload = st.parts.length === 1 ? (st.parts[0] as Buffer) : Buffer.concat(st.parts);
      st.parts = [];
      st.received = 0;
      this.onMessage({ type: st.type, streamId: st.streamId, timestamp: st.timestamp, payload });
    }
    return pos + chunk - offset;
  }
}
