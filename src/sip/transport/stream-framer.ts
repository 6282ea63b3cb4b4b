/** The byte stream cannot be split into SIP messages any more; the connection must be dropped. */
export class SipFramingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SipFramingError";
  }
}

/** Longest SIP head (start line and headers) a TCP/TLS peer may send before the connection is dropped. */
export const SIP_MAX_HEAD_BYTES = 64 * 1024;
/** Largest Content-Length a TCP/TLS peer may announce before the connection is dropped. */
export const SIP_MAX_BODY_BYTES = 1024 * 1024;

/** Limits of {@link SipStreamFramer}. */
export interface SipStreamFramerLimits {
  /** Longest head (start line and headers) accepted; default {@link SIP_MAX_HEAD_BYTES}. */
  maxHeadBytes?: number;
  /** Largest Content-Length accepted; default {@link SIP_MAX_BODY_BYTES}. */
  maxBodyBytes?: number;
}

const CRLFCRLF = Buffer.from("\r\n\r\n");
const CR = 0x0d;
const LF = 0x0a;
/** Storage above this size is released once it holds no pending bytes. */
const KEEP_STORAGE_BYTES = 64 * 1024;

/**
 * Cuts a TCP/TLS byte stream into whole SIP messages (RFC 3261 §18.3: Content-Length framing).
 *
 * @remarks
 * Works on bytes, because Content-Length counts bytes and a chunk may end inside a UTF-8
 * character. CR/LF between messages are keep-alives (RFC 5626 §3.5.1) and skipped. A missing
 * Content-Length means an empty body. A head longer than the limit without its blank line, or an
 * unreadable or oversized Content-Length, throws {@link SipFramingError}: framing is lost for good.
 * So at most `maxHeadBytes + 4 + maxBodyBytes` bytes (plus one chunk) are ever held.
 *
 * The cost of a push is linear in the chunk, not in what is already buffered: chunks are appended
 * to storage that grows by doubling, the blank line is searched for only in bytes not searched
 * before, and once the head is read the framer just counts bytes until the body is complete. A
 * peer trickling a large message in tiny chunks therefore cannot make the event loop copy or scan
 * the buffer again for every chunk.
 */
export class SipStreamFramer {
  private storage: Buffer = Buffer.alloc(0);
  /** The pending bytes are storage[start, end). */
  private start = 0;
  private end = 0;
  /** Offset (from start) up to which no blank line was found. */
  private scanned = 0;
  /** Length of the message at `start` once its head is read; 0 while the head is incomplete. */
  private total = 0;
  private readonly maxHeadBytes: number;
  private readonly maxBodyBytes: number;

  constructor(limits: SipStreamFramerLimits = {}) {
    this.maxHeadBytes = limits.maxHeadBytes ?? SIP_MAX_HEAD_BYTES;
    this.maxBodyBytes = limits.maxBodyBytes ?? SIP_MAX_BODY_BYTES;
  }

  /** Bytes received but not yet part of a whole message. */
  get buffered(): number {
    return this.end - this.start;
  }

  /** Adds a chunk and returns the messages it completed, in order. */
  push(chunk: Buffer): string[] {
    this.append(chunk);
    const messages: string[] = [];
    for (;;) {
      if (this.total === 0) {
        if (!this.readHead()) break;
      }
      if (this.buffered < this.total) break;
      messages.push(this.storage.toString("utf8", this.start, this.start + this.total));
      this.start += this.total;
      this.total = 0;
      this.scanned = 0;
    }
    if (this.buffered === 0) this.reset();
    return messages;
  }

  /** Skips keep-alives and looks for the end of the head; sets `total` when found. */
  private readHead(): boolean {
    while (this.start < this.end && (this.storage[this.start] === CR || this.storage[this.start] === LF)) {
      this.start++;
      this.scanned = 0;
    }
    const pending = this.storage.subarray(this.start, this.end);
    // The blank line may straddle the previous chunk's end: look back 3 bytes.
    const headEnd = pending.indexOf(CRLFCRLF, Math.max(0, this.scanned - 3));
    if (headEnd < 0) {
      this.scanned = pending.length;
      if (pending.length > this.maxHeadBytes) {
        throw new SipFramingError(`no end of SIP headers within ${this.maxHeadBytes} bytes`);
      }
      return false;
    }
    if (headEnd > this.maxHeadBytes) throw new SipFramingError(`SIP headers longer than ${this.maxHeadBytes} bytes`);
    this.total = headEnd + CRLFCRLF.length + this.contentLength(pending.toString("latin1", 0, headEnd));
    return true;
  }

  private append(chunk: Buffer): void {
    if (this.end + chunk.length > this.storage.length) {
      const pending = this.buffered;
      const size = Math.max(pending + chunk.length, pending * 2, 4096);
      const next = Buffer.allocUnsafe(size);
      this.storage.copy(next, 0, this.start, this.end);
      this.storage = next;
      this.start = 0;
      this.end = pending;
    }
    chunk.copy(this.storage, this.end);
    this.end += chunk.length;
  }

  private reset(): void {
    this.start = 0;
    this.end = 0;
    this.scanned = 0;
    if (this.storage.length > KEEP_STORAGE_BYTES) this.storage = Buffer.alloc(0);
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
