import { strict as assert } from "node:assert";
import { END_PACKET_COUNT, parseTelephoneEvent, telephoneEventFrames, telephoneEventPayload } from "../../src/dtmf/telephone-event";

const hex = (b: Buffer): string => b.toString("hex");

describe("RFC 4733 telephone-event", () => {
  it("serializes event, E bit, volume and duration byte for byte", () => {
    assert.equal(hex(telephoneEventPayload({ event: 1, end: false, volume: 10, duration: 160 })), "010a00a0");
    assert.equal(hex(telephoneEventPayload({ event: 11, end: true, volume: 10, duration: 1280 })), "0b8a0500");
    assert.equal(hex(telephoneEventPayload({ event: 15, end: true, volume: 63, duration: 65535 })), "0fbfffff");
    assert.equal(hex(telephoneEventPayload({ event: 0, end: false, volume: 0, duration: 0 })), "00000000");
  });

  it("parses what it serializes and refuses short payloads", () => {
    const e = { event: 10, end: true, volume: 7, duration: 800 };
    assert.deepEqual(parseTelephoneEvent(telephoneEventPayload(e)), e);
    assert.equal(parseTelephoneEvent(Buffer.from([1, 2, 3])), undefined);
  });

  it("rejects fields out of range", () => {
    assert.throws(() => telephoneEventPayload({ event: 256, end: false, volume: 10, duration: 0 }), RangeError);
    assert.throws(() => telephoneEventPayload({ event: 1, end: false, volume: 64, duration: 0 }), RangeError);
    assert.throws(() => telephoneEventPayload({ event: 1, end: false, volume: 10, duration: 65536 }), RangeError);
    assert.throws(() => telephoneEventFrames(1, 0, 160, 10), RangeError);
    assert.throws(() => telephoneEventFrames(1, 1280, 0, 10), RangeError);
  });

  it("makes a 160 ms key at 8 kHz: 8 updates every 160 units, marker on the first, the last with E, repeated to three end packets", () => {
    const frames = telephoneEventFrames(5, 1280, 160, 10);
    assert.equal(END_PACKET_COUNT, 3);
    assert.deepEqual(
      frames.map((f) => [f.marker, hex(f.payload)]),
      [
        [true, "050a00a0"],
        [false, "050a0140"],
        [false, "050a01e0"],
        [false, "050a0280"],
        [false, "050a0320"],
        [false, "050a03c0"],
        [false, "050a0460"],
        [false, "058a0500"],
        [false, "058a0500"],
        [false, "058a0500"],
      ],
    );
  });

  it("ends on the exact duration when it is not a multiple of the step", () => {
    const frames = telephoneEventFrames(11, 400, 160, 10).map((f) => parseTelephoneEvent(f.payload));
    assert.deepEqual(
      frames.map((e) => [e?.duration, e?.end]),
      [
        [160, false],
        [320, false],
        [400, true],
        [400, true],
        [400, true],
      ],
    );
  });

  it("marks a one-interval key as both first and end", () => {
    const frames = telephoneEventFrames(2, 160, 160, 10);
    assert.deepEqual(frames.map((f) => [f.marker, hex(f.payload)]), [
      [true, "028a00a0"],
      [false, "028a00a0"],
      [false, "028a00a0"],
    ]);
  });
});
