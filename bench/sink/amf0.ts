/**
 * The few AMF0 types an RTMP publisher and our replies use (number, boolean, string, object,
 * null, undefined, ECMA array). node-media-server has an AMF module, but it is internal to
 * that package (no exported API), so the sink carries its own ~60 lines.
 */
export type Amf0Value = number | boolean | string | null | undefined | { [key: string]: Amf0Value };

/** Encodes values one after another. */
export function encodeAmf0(values: readonly Amf0Value[]): Buffer {
  const parts: Buffer[] = [];
  const str = (s: string): Buffer => {
    const b = Buffer.from(s, "utf8");
    const h = Buffer.alloc(2);
    h.writeUInt16BE(b.length);
    return Buffer.concat([h, b]);
  };
  const one = (v: Amf0Value): void => {
    if (typeof v === "number") {
      const b = Buffer.alloc(9);
      b[0] = 0x00;
      b.writeDoubleBE(v, 1);
      parts.push(b);
    } else if (typeof v === "boolean") parts.push(Buffer.from([0x01, v ? 1 : 0]));
    else if (typeof v === "string") parts.push(Buffer.from([0x02]), str(v));
    else if (v === null) parts.push(Buffer.from([0x05]));
    else if (v === undefined) parts.push(Buffer.from([0x06]));
    else {
      parts.push(Buffer.from([0x03]));
      for (const [k, val] of Object.entries(v)) {
        parts.push(str(k));
        one(val);
      }
      parts.push(Buffer.from([0x00, 0x00, 0x09]));
    }
  };
  for (const v of values) one(v);
  return Buffer.concat(parts);
}

/** Decodes values until the end of `data` or an unsupported type. */
export function decodeAmf0(data: Buffer): Amf0Value[] {
  let offset = 0;
  const str = (): string => {
    const n = data.readUInt16BE(offset);
    offset += 2;
    const s = data.toString("utf8", offset, offset + n);
    offset += n;
    return s;
  };
  const props = (): { [key: string]: Amf0Value } => {
    const o: { [key: string]: Amf0Value } = {};
    while (offset + 3 <= data.length) {
      if (data.readUInt16BE(offset) === 0 && data[offset + 2] === 0x09) {
        offset += 3;
        break;
      }
      const k = str();
      o[k] = one();
    }
    return o;
  };
  const one = (): Amf0Value => {
    const type = data[offset++];
    switch (type) {
      case 0x00: {
        const v = data.readDoubleBE(offset);
        offset += 8;
        return v;
      }
      case 0x01:
        return data[offset++] !== 0;
      case 0x02:
        return str();
      case 0x03:
        return props();
      case 0x05:
        return null;
      case 0x06:
        return undefined;
      case 0x08:
        offset += 4; // ECMA array: count, then like an object
        return props();
      default:
        throw new Error(`AMF0 type ${String(type)} not supported`);
    }
  };
  const out: Amf0Value[] = [];
  try {
    while (offset < data.length) out.push(one());
  } catch {
    // Keep what was read: commands only need their first values.
  }
  return out;
}
