/**
 * RFC 4733 telephone-event reception for the test meeting peer: turns the event packets a caller
 * sends on its audio stream into DTMF keys, each reported once.
 *
 * @remarks
 * Hand-written: werift and werift-rtp (0.8) have no telephone-event (RFC 4733) code. Pure: no sockets, no time.
 */

/** The keys RFC 4733 §3.2 numbers 0–15: 0–9, `*` (10), `#` (11), A–D (12–15). */
const KEYS = "0123456789*#ABCD";

/** What the decoder needs of an RTP packet (parsed by the caller). */
export interface TelephoneEventPacket {
  payloadType: number;
  ssrc: number;
  /** The event's start timestamp: every packet of one event carries the same one (§2.5.1.1). */
  timestamp: number;
  payload: Buffer;
}

/** A key heard on the stream. */
export interface DecodedDtmf {
  digit: string;
  ssrc: number;
  timestamp: number;
}

/** How many events are remembered to drop the retransmitted updates and end packets of. */
const MEMORY = 32;

/**
 * Reports each telephone-event (keys 0–15) once, at its first packet.
 *
 * @remarks
 * An event is one (SSRC, timestamp) pair: the updates and the three end packets a sender repeats
 * all carry the event's start timestamp, so they are dropped; a key pressed twice gives two
 * timestamps and so two reports. Reporting at the first packet rather than at the end packet means
 * a key is still heard when every end packet is lost. Events above 15 (flash, tones) are ignored,
 * as are packets of other payload types and payloads shorter than the 4-byte event header.
 */
export class TelephoneEventDecoder {
  readonly #payloadType: number;
  readonly #seen: string[] = [];
  #decoded = 0;
  #ignored = 0;

  constructor(payloadType: number) {
    this.#payloadType = payloadType;
  }

  /** Feeds one RTP packet; returns the key it starts, if any. */
  processInput(packet: TelephoneEventPacket): DecodedDtmf[] {
    if (packet.payloadType !== this.#payloadType || packet.payload.length < 4) return [];
    const event = packet.payload[0];
    if (event >= KEYS.length) {
      this.#ignored++;
      return [];
    }
    const key = `${packet.ssrc >>> 0}:${packet.timestamp >>> 0}`;
    if (this.#seen.includes(key)) return [];
    this.#seen.push(key);
    if (this.#seen.length > MEMORY) this.#seen.shift();
    this.#decoded++;
    return [{ digit: KEYS[event], ssrc: packet.ssrc >>> 0, timestamp: packet.timestamp >>> 0 }];
  }

  toJSON(): { payloadType: number; decoded: number; ignored: number } {
    return { payloadType: this.#payloadType, decoded: this.#decoded, ignored: this.#ignored };
  }
}

/** The key an RFC 4733 event code stands for, or undefined above 15. */
export function keyOfEvent(event: number): string | undefined {
  return Number.isInteger(event) && event >= 0 && event < KEYS.length ? KEYS[event] : undefined;
}
