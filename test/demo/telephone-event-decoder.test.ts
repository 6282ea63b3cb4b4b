import { strict as assert } from "node:assert";
import { TelephoneEventDecoder, keyOfEvent, type TelephoneEventPacket } from "../../src/demo/telephone-event-decoder";

/** One RFC 4733 event payload: event, E bit + volume, duration (big-endian). */
function payload(event: number, end: boolean, duration: number, volume = 10): Buffer {
  return Buffer.from([event, (end ? 0x80 : 0) | volume, duration >> 8, duration & 0xff]);
}

/** The packets a typical sender (pjmedia, Asterisk, this engine) sends for one 160 ms key at 8 kHz. */
function keyPress(event: number, timestamp: number, ssrc = 0x11223344, payloadType = 101): TelephoneEventPacket[] {
  const updates = [160, 320, 480, 640, 800, 960, 1120].map((d) => ({ payloadType, ssrc, timestamp, payload: payload(event, false, d) }));
  const ends = [0, 1, 2].map(() => ({ payloadType, ssrc, timestamp, payload: payload(event, true, 1280) }));
  return [...updates, ...ends];
}

function decodeAll(decoder: TelephoneEventDecoder, packets: TelephoneEventPacket[]): string {
  return packets.flatMap((p) => decoder.processInput(p).map((d) => d.digit)).join("");
}

describe("TelephoneEventDecoder (RFC 4733)", () => {
  it("reports each key once although its updates and three end packets repeat", () => {
    const decoder = new TelephoneEventDecoder(101);
    const packets = [...keyPress(1, 8000), ...keyPress(2, 12000), ...keyPress(11, 16000)];
    assert.equal(decodeAll(decoder, packets), "12#");
    assert.deepEqual(decoder.toJSON(), { payloadType: 101, decoded: 3, ignored: 0 });
  });

  it("reports the same key pressed twice (two timestamps) twice", () => {
    const decoder = new TelephoneEventDecoder(101);
    assert.equal(decodeAll(decoder, [...keyPress(5, 100), ...keyPress(5, 1900)]), "55");
  });

  it("still hears a key whose end packets were all lost, and one heard only by its end packets", () => {
    const decoder = new TelephoneEventDecoder(101);
    const first = keyPress(7, 500).slice(0, 2);
    const second = keyPress(8, 4000).slice(-3);
    assert.equal(decodeAll(decoder, [...first, ...second]), "78");
  });

  it("maps events 10–15 to * # A B C D and returns the SSRC and timestamp", () => {
    const decoder = new TelephoneEventDecoder(96);
    const keys = [10, 11, 12, 13, 14, 15].map((e, i) => decoder.processInput({ payloadType: 96, ssrc: 0xfffffffe, timestamp: 0xfffffff0 + i, payload: payload(e, false, 160) })[0]);
    assert.deepEqual(keys.map((k) => k.digit), ["*", "#", "A", "B", "C", "D"]);
    assert.equal(keys[0].ssrc, 0xfffffffe);
    assert.equal(keys[5].timestamp, 0xfffffff5);
  });

  it("ignores other payload types, short payloads and events above 15", () => {
    const decoder = new TelephoneEventDecoder(101);
    assert.deepEqual(decoder.processInput({ payloadType: 0, ssrc: 1, timestamp: 1, payload: payload(1, false, 160) }), []);
    assert.deepEqual(decoder.processInput({ payloadType: 101, ssrc: 1, timestamp: 2, payload: Buffer.from([1, 0, 0]) }), []);
    assert.deepEqual(decoder.processInput({ payloadType: 101, ssrc: 1, timestamp: 3, payload: payload(16, false, 160) }), []);
    assert.deepEqual(decoder.toJSON(), { payloadType: 101, decoded: 0, ignored: 1 });
  });

  it("tells two senders (SSRCs) apart at the same timestamp", () => {
    const decoder = new TelephoneEventDecoder(101);
    assert.equal(decodeAll(decoder, [...keyPress(3, 42, 1), ...keyPress(4, 42, 2)]), "34");
  });

  it("keyOfEvent", () => {
    assert.equal(keyOfEvent(0), "0");
    assert.equal(keyOfEvent(11), "#");
    assert.equal(keyOfEvent(16), undefined);
    assert.equal(keyOfEvent(-1), undefined);
  });
});
