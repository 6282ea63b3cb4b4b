/**
 * RFC 4733 §2.3 telephone-event payload, 4 bytes:
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     event     |E|R| volume    |          duration             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * Hand-written: werift and werift-rtp (0.8) have no telephone-event (RFC 4733) code.
 */
export interface TelephoneEvent {
  /** 0–255; DTMF keys are 0–15. */
  event: number;
  /** The E bit: this packet ends the event. */
  end: boolean;
  /** Power level in -dBm0, 0–63 (RFC 4733 §2.3.4; 10 is a typical key press). */
  volume: number;
  /** In timestamp units since the event began, 0–65535. */
  duration: number;
}

/** Serializes one telephone-event payload. @throws RangeError for a field out of range. */
export function telephoneEventPayload(e: TelephoneEvent): Buffer {
  if (!Number.isInteger(e.event) || e.event < 0 || e.event > 255) throw new RangeError(`telephone-event: event ${e.event} out of 0–255`);
  if (!Number.isInteger(e.volume) || e.volume < 0 || e.volume > 63) throw new RangeError(`telephone-event: volume ${e.volume} out of 0–63`);
  if (!Number.isInteger(e.duration) || e.duration < 0 || e.duration > 0xffff) throw new RangeError(`telephone-event: duration ${e.duration} out of 0–65535`);
  const b = Buffer.alloc(4);
  b[0] = e.event;
  b[1] = (e.end ? 0x80 : 0) | e.volume;
  b.writeUInt16BE(e.duration, 2);
  return b;
}

/** Parses a telephone-event payload (the inverse of {@link telephoneEventPayload}); undefined when shorter than 4 bytes. */
export function parseTelephoneEvent(payload: Buffer): TelephoneEvent | undefined {
  if (payload.length < 4) return undefined;
  return { event: payload[0], end: (payload[1] & 0x80) !== 0, volume: payload[1] & 0x3f, duration: payload.readUInt16BE(2) };
}

/** One RTP packet of an event: all of them carry the event's start timestamp (RFC 4733 §2.5.1.1). */
export interface TelephoneEventFrame {
  /** Set on the first packet of the event only (§2.5.1.1). */
  marker: boolean;
  payload: Buffer;
}

/** How many end packets are sent: §2.5.1.4 says the final packet SHOULD be sent three times. */
export const END_PACKET_COUNT = 3;

/**
 * The packets of one event, one per update interval: updates whose duration grows by `stepUnits`
 * (the first already covers one interval, as pjmedia and Asterisk send it), the last reaching
 * `durationUnits` with the E bit, then that end packet twice more. The caller sends them `stepUnits`
 * apart, each with a new sequence number and the same timestamp.
 * @throws RangeError when `durationUnits` exceeds 65535 (longer events need §2.5.1.3 segments) or a field is out of range.
 */
export function telephoneEventFrames(event: number, durationUnits: number, stepUnits: number, volume: number): TelephoneEventFrame[] {
  if (!Number.isInteger(stepUnits) || stepUnits <= 0) throw new RangeError(`telephone-event: step ${stepUnits} must be a positive integer`);
  if (!Number.isInteger(durationUnits) || durationUnits <= 0) throw new RangeError(`telephone-event: duration ${durationUnits} must be a positive integer`);
  const frames: TelephoneEventFrame[] = [];
  const updates = Math.ceil(durationUnits / stepUnits);
  for (let k = 1; k <= updates; k++) {
    const end = k === updates;
    const duration = end ? durationUnits : k * stepUnits;
    frames.push({ marker: k === 1, payload: telephoneEventPayload({ event, end, volume, duration }) });
  }
  const last = frames[frames.length - 1].payload;
  for (let i = 1; i < END_PACKET_COUNT; i++) frames.push({ marker: false, payload: Buffer.from(last) });
  return frames;
}
