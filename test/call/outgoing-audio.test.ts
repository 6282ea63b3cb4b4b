import { strict as assert } from "node:assert";
import { RtpPacket } from "werift-rtp";
import { InvalidStateError } from "../../src/errors";
import { OutgoingAudio, mayTalkTo } from "../../src/call/outgoing-audio";
import type { RtpChannel } from "../../src/rtp/rtp-channel";
import { FakeClock } from "../rtp/helpers/fake-clock";
import { audioStream } from "./helpers/audio-stream";

const stream = audioStream;

/** Stands in for the RtpChannel: OutgoingAudio only uses localSsrc and sendRtp. */
function fakeChannel(): { channel: RtpChannel; sent: RtpPacket[] } {
  const sent: RtpPacket[] = [];
  const channel = { localSsrc: 0xabcdef01, sendRtp: (b: Buffer) => (sent.push(RtpPacket.deSerialize(b)), true) } as unknown as RtpChannel;
  return { channel, sent };
}

describe("OutgoingAudio", () => {
  it("talks only when the peer's SDP lets it", () => {
    assert.equal(mayTalkTo(stream()), true);
    assert.equal(mayTalkTo(stream({ remoteDirection: "recvonly" })), true);
    assert.equal(mayTalkTo(stream({ remoteDirection: "sendonly" })), false);
    assert.equal(mayTalkTo(stream({ remoteDirection: "inactive" })), false);
    assert.equal(mayTalkTo(stream({ remoteAddress: "0.0.0.0" })), false);
  });

  it("sends the negotiated codec's silence and plays keys on the answer's telephone-event number", async () => {
    const clock = new FakeClock();
    const { channel, sent } = fakeChannel();
    const out = new OutgoingAudio(channel, clock);
    out.update(stream());
    const key = out.playKey(11, 160);
    clock.advance(20 * 11);
    await key;
    assert.equal(sent[0].header.payloadType, 8);
    assert.ok(sent[0].payload.equals(Buffer.alloc(160, 0xd5)), "A-law silence");
    const events = sent.filter((p) => p.header.payloadType === 96);
    assert.equal(events.length, 10);
    assert.ok(sent.every((p) => p.header.ssrc === 0xabcdef01));
    assert.deepEqual([...events[0].payload], [11, 10, 0x00, 0xa0]);
    assert.deepEqual([...events[9].payload], [11, 0x8a, 0x05, 0x00]);
    out.close();
    assert.equal(clock.pending, 0);
  });

  it("mutes on hold and refuses RFC 4733 keys without telephone-event or audio", async () => {
    const clock = new FakeClock();
    const { channel, sent } = fakeChannel();
    const out = new OutgoingAudio(channel, clock);
    await assert.rejects(out.playKey(1, 160), InvalidStateError);
    out.update(stream({ remoteAddress: "0.0.0.0", remoteDirection: "sendonly" }));
    clock.advance(100);
    assert.equal(sent.length, 0);
    await assert.rejects(out.playKey(1, 160), InvalidStateError);
    out.update(stream());
    clock.advance(20);
    assert.equal(sent.length, 1);
    out.update(stream({ telephoneEvent: undefined }));
    await assert.rejects(out.playKey(1, 160), /telephone-event/);
    out.close();
  });

  it("starts a new line when the codec changes and stops when audio goes away", () => {
    const clock = new FakeClock();
    const { channel, sent } = fakeChannel();
    const out = new OutgoingAudio(channel, clock);
    out.update(stream());
    out.update(stream({ codec: "PCMU", payloadType: 0 }));
    clock.advance(20);
    assert.deepEqual(sent.map((p) => p.header.payloadType), [8, 0, 0]);
    out.update(undefined);
    assert.equal(clock.pending, 0);
    assert.equal(out.toJSON(), undefined);
    out.close();
  });
});
