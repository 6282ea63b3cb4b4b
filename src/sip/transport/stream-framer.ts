/** The byte stream cannot be split into SIP messages any more; the connection must be dropped. */
export class SipFramingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SipFramingError";
  }
}

/** Limits of {@link SipStreamFramer}. */
export interface SipStreamFramerLimits {
  /** Longest head (start line and headers) accepted; default 64 KiB. */
  maxHeadBytes?: number;
  /** Largest Content-Length accepted; default 1 MiB. */
  maxBodyBytes?: number;
}

const CRLFCRLF = Buffer.from("\r\n\r\n");
const CR = 0x0d;
const LF = 0x0a;

/**
 * Cuts a TCP/TLS byte stream into whole SIP messages (RFC 3261 §18.3: Content-Length framing).
 *
 * @remarks
 * Works on bytes, because Content-Length counts bytes and a chunk may end inside a UTF-8
 * character. CR/LF between messages are keep-alives (RFC 5626 §3.5.1) and skipped. A missing
 * Content-Length means an empty body. A head longer than the limit without its blank line, or an
 * unreadable or oversized Content-Length, throws {@link SipFramingError}: framing is lost for good.
 */
export class SipStreamFramer {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly maxHeadBytes: number;
  private readonly maxBodyBytes: number;

  constructor(limits: SipStreamFramerLimits = {}) {
    this.maxHeadBytes = limits.maxHeadBytes ?? 64 * 1024;
    this.maxBodyBytes = limits.maxBodyBytes ?? 1024 * 1024;
  }

  /** Bytes received but not yet part of a whole message. */
  get buffered(): number {
    return this.buffer.length;
  }

  /** Adds a chunk and returns the messages it completed, in order. */
  push(chunk: Buffer): string[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const messages: string[] = [];
    for (;;) {
      let skip = 0;
      while (skip < this.buffer.length && (this.buffer[skip] === CR || this.buffer[skip] === LF)) skip++;
      if (skip > 0) this.buffer = this.buffer.subarray(skip);
      const headEnd = this.buffer.indexOf(CRLFCRLF);
      if (headEnd < 0) {
        if (this.buffer.length > this.maxHeadBytes) {
          throw new SipFramingError(`no end of SIP headers within ${this.maxHeadBytes} bytes`);
        }
        break;
      }
      if (headEnd > this.maxHeadBytes) throw new SipFramingError(`SIP headers longer than ${this.maxHeadBytes} bytes`);
      const bodyLength = this.contentLength(this.buffer.toString("latin1", 0, headEnd));
      const total = headEnd + CRLFCRLF.length + bodyLength;
      if (this.buffer.length < total) break;
      messages.push(this.buffer.toString("utf8", 0, total));
      // Copy the remainder so one large chunk is not kept alive by a small leftover.
      this.buffer = Buffer.from(this.buffer.subarray(total));
    }
    return messages;
  }

  private contentLength(head: string): number {
    const m = /\r\n(?:content-length|l)[ \t]*:[ \t]*([^\r\n]*)/i.exec(head);
    if (!m) return 0;
    const value = m[1].trim();
    if (!/^\d+$/.test(value)) throw new SipFramingError(`unreadable Content-Length "${value.slice(0, 20)}"`);
    const length = Number(value);
    if (length > this.maxBodyBytes) throw new SipFramingError(`Content-Length ${length} exceeds ${this.maxBodyBytes}`);
    return length;
  }
}
