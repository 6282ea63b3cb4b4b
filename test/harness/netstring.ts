/**
 * Splits a byte stream into netstrings (`<len>:<payload>,`), the framing of baresip's
 * ctrl_tcp module. Hand-written: the format is ten lines and no package is installed for it.
 */
export class NetstringReader {
  private buf: Buffer = Buffer.alloc(0);

  /** Adds bytes; returns the payloads completed by them (possibly none, possibly several). */
  push(chunk: Buffer): Buffer[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: Buffer[] = [];
    for (;;) {
      const colon = this.buf.indexOf(0x3a);
      if (colon < 0) break;
      const lenText = this.buf.subarray(0, colon).toString("latin1");
      if (!/^\d{1,9}$/.test(lenText)) throw new Error(`netstring: bad length prefix ${JSON.stringify(lenText.slice(0, 20))}`);
      const len = Number(lenText);
      const end = colon + 1 + len;
      if (this.buf.length < end + 1) break;
      if (this.buf[end] !== 0x2c) throw new Error("netstring: missing ',' after the payload");
      out.push(this.buf.subarray(colon + 1, end));
      this.buf = this.buf.subarray(end + 1);
    }
    return out;
  }
}

/** Frames one payload as a netstring. */
export function netstring(payload: string): Buffer {
  const body = Buffer.from(payload, "utf8");
  return Buffer.concat([Buffer.from(`${body.length}:`, "latin1"), body, Buffer.from(",", "latin1")]);
}
