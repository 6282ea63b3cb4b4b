import { strict as assert } from "node:assert";
import { RtpPacket } from "werift-rtp";
import { InvalidStateError } from "../../src/errors";
import { AudioSender, MAX_CATCH_UP, type RtpSink } from "../../src/rtp/audio-sender";
import { silenceFrame } from "../../src/rtp/silence-frame";
import { telephoneEventFrames } from "../../src/dtmf/telephone-event";
import { FakeClock } from "./helpers/fake-clock";

class RecordingSink implements RtpSink {
  readonly packets: Buffer[] = [];
  accept = true;
  sendRtp(buf: Buffer): boolean {
    if (this.accept) this.packets.push(buf);
    return this.accept;
  }
  parsed(): Array<{ pt: number; m: boolean; seq: number; ts: number; ssrc: number; payload: string }> {
    return this.packets.map((b) => {
      const p = RtpPacket.deSerialize(b);
      return { pt: p.header.payloadType, m: p.header.marker, seq: p.header.sequenceNumber, ts: p.header.timestamp, ssrc: p.header.ssrc, payload: p.payload.toString("hex") };
    });
  }
}

function pcmuSender(clock: FakeClock, sink: RecordingSink, seq = 65534, ts = 0xffffff00): AudioSender {
  return new AudioSender({ sink, ssrc: 0x11223344, payloadType: 0, clockRate: 8000, silence: silenceFrame("PCMU"), clock, initialSequence: seq, initialTimestamp: ts });
}

describe("AudioSender", () => {
  it("sends PCMU silence every 20 ms on one SSRC, sequence and timestamp line, byte for byte", () => {
    const clock = new FakeClock();
    const sink = new RecordingSink();
    const sender = pcmuSender(clock, sink);
    sender.start();
    clock.advance(40);
    assert.equal(sink.packets.length, 3);
    // V=2, M on the first packet, PT 0, seq 65534, ts ffffff00, SSRC 11223344, 160 × 0xff
    assert.equal(sink.packets[0].subarray(0, 12).toString("hex"), "8080fffeffffff0011223344");
    assert.equal(sink.packets[0].length, 12 + 160);
    assert.ok(sink.packets[0].subarray(12).every((b) => b === 0xff));
    // Wraparound of sequence and timestamp.
    assert.equal(sink.packets[1].subarray(0, 12).toString("hex"), "8000ffffffffffa011223344");
    assert.equal(sink.packets[2].subarray(0, 12).toString("hex"), "800000000000004011223344");
    sender.close();
    assert.equal(clock.pending, 0);
  });

  it("replaces silence with an RFC 4733 event: same SSRC and sequence, the event's start timestamp, audio resumes on its own timestamp", async () => {
    const clock = new FakeClock();
    const sink = new RecordingSink();
    const sender = pcmuSender(clock, sink, 100, 1000);
    sender.start(); // audio at ts 1000
    clock.advance(20); // audio at ts 1160
    const frames = telephoneEventFrames(1, 1280, 160, 10);
    let done = false;
    const playing = sender.playEvent({ payloadType: 101, frames }).then(() => (done = true));
    clock.advance(20 * frames.length - 20);
    await Promise.resolve();
    assert.equal(done, false, "not done before its last packet");
    clock.advance(20);
    await playing;
    clock.advance(20);
    const p = sink.parsed();
    assert.deepEqual(p.map((x) => x.seq), Array.from({ length: 2 + 10 + 1 }, (_, i) => 100 + i));
    assert.ok(p.every((x) => x.ssrc === 0x11223344));
    assert.deepEqual(p.slice(0, 2).map((x) => [x.pt, x.ts]), [[0, 1000], [0, 1160]]);
    const events = p.slice(2, 12);
    assert.ok(events.every((x) => x.pt === 101 && x.ts === 1320), "every event packet carries the start timestamp");
    assert.deepEqual(events.map((x) => x.m), [true, false, false, false, false, false, false, false, false, false]);
    assert.deepEqual(events.map((x) => x.payload), frames.map((f) => f.payload.toString("hex")));
    // The event took 10 intervals: audio resumes 10 × 160 after the event's start.
    assert.deepEqual([p[12].pt, p[12].ts, p[12].m], [0, 1320 + 1600, false]);
    assert.deepEqual(sender.toJSON(), { ssrc: 0x11223344, payloadType: 0, running: true, muted: false, audioPacketsSent: 3, eventPacketsSent: 10, eventsSent: 1, slotsSkipped: 0, notSent: 0 });
    sender.close();
  });

  it("plays queued events back to back in order", async () => {
    const clock = new FakeClock();
    const sink = new RecordingSink();
    const sender = pcmuSender(clock, sink, 0, 0);
    sender.start();
    const a = sender.playEvent({ payloadType: 96, frames: telephoneEventFrames(1, 160, 160, 10) });
    const b = sender.playEvent({ payloadType: 96, frames: telephoneEventFrames(2, 160, 160, 10) });
    clock.advance(20 * 6);
    await Promise.all([a, b]);
    const p = sink.parsed();
    assert.deepEqual(p.map((x) => [x.pt, x.ts, x.payload.slice(0, 2)]), [
      [0, 0, "ff"],
      [96, 160, "01"],
      [96, 160, "01"],
      [96, 160, "01"],
      [96, 640, "02"],
      [96, 640, "02"],
      [96, 640, "02"],
    ]);
    sender.close();
  });

  it("follows the clock, not the timer count: a late timer sends what was due, a stall jumps ahead", () => {
    // A clock whose now() can run ahead of its timers, as when the event loop is blocked.
    const clock = new FakeClock();
    let lag = 0;
    const timerNow = clock.now.bind(clock);
    clock.now = () => timerNow() + lag;
    const sink = new RecordingSink();
    const sender = pcmuSender(clock, sink, 0, 0);
    sender.start();
    sink.packets.length = 0;
    lag = 50; // the 20 ms callback runs at 70 ms: slots 1, 2 and 3 are due
    clock.advance(20);
    assert.deepEqual(sink.parsed().map((x) => x.ts), [160, 320, 480]);
    sender.close();

    // A 1 s stall: at most MAX_CATCH_UP packets, and the timeline is where the clock is.
    const clock2 = new FakeClock();
    let lag2 = 0;
    const timerNow2 = clock2.now.bind(clock2);
    clock2.now = () => timerNow2() + lag2;
    const sink2 = new RecordingSink();
    const s2 = pcmuSender(clock2, sink2, 0, 0);
    s2.start();
    lag2 = 1000;
    clock2.advance(20);
    const p = sink2.parsed();
    assert.equal(p.length, 1 + MAX_CATCH_UP);
    assert.deepEqual(p.slice(1).map((x) => x.seq), [1, 2, 3, 4, 5], "no sequence gap: nothing was lost, time jumped");
    // Slot 51 is due at 1020 ms: the five sent are slots 47..51.
    assert.deepEqual(p.slice(1).map((x) => x.ts / 160), [47, 48, 49, 50, 51]);
    assert.equal(s2.toJSON().slotsSkipped, 46);
    s2.close();
  });

  it("sends nothing while muted but keeps the timeline, and fails events it cannot play", async () => {
    const clock = new FakeClock();
    const sink = new RecordingSink();
    const sender = pcmuSender(clock, sink, 0, 0);
    sender.start();
    const playing = sender.playEvent({ payloadType: 101, frames: telephoneEventFrames(1, 1280, 160, 10) });
    clock.advance(20);
    sender.setMuted(true);
    await assert.rejects(playing, InvalidStateError);
    await assert.rejects(sender.playEvent({ payloadType: 101, frames: telephoneEventFrames(1, 160, 160, 10) }), InvalidStateError);
    const before = sink.packets.length;
    clock.advance(100);
    assert.equal(sink.packets.length, before);
    sender.setMuted(false);
    clock.advance(20);
    const last = sink.parsed().at(-1);
    // Slots 2–6 passed muted; slot 7 is the first packet after.
    assert.deepEqual([last?.pt, last?.ts], [0, 7 * 160]);
    sender.close();
  });

  it("without a silence frame sends only events; counts packets the sink refused", async () => {
    const clock = new FakeClock();
    const sink = new RecordingSink();
    const sender = new AudioSender({ sink, ssrc: 1, payloadType: 9, clockRate: 8000, silence: undefined, clock, initialSequence: 0, initialTimestamp: 0 });
    sender.start();
    clock.advance(100);
    assert.equal(sink.packets.length, 0);
    const ev = sender.playEvent({ payloadType: 101, frames: telephoneEventFrames(3, 160, 160, 10) });
    clock.advance(60);
    await ev;
    assert.deepEqual(sink.parsed().map((x) => [x.pt, x.seq]), [[101, 0], [101, 1], [101, 2]]);
    sink.accept = false;
    const ev2 = sender.playEvent({ payloadType: 101, frames: telephoneEventFrames(3, 160, 160, 10) });
    clock.advance(60);
    await ev2;
    assert.equal(sender.toJSON().notSent, 3);
    sender.close();
  });

  it("close() stops the timer and rejects pending events; start() after close throws", async () => {
    const clock = new FakeClock();
    const sink = new RecordingSink();
    const sender = pcmuSender(clock, sink);
    await assert.rejects(sender.playEvent({ payloadType: 101, frames: telephoneEventFrames(1, 160, 160, 10) }), /not started/);
    sender.start();
    const ev = sender.playEvent({ payloadType: 101, frames: telephoneEventFrames(1, 1280, 160, 10) });
    sender.close();
    sender.close();
    await assert.rejects(ev, InvalidStateError);
    assert.equal(clock.pending, 0);
    assert.throws(() => sender.start(), InvalidStateError);
  });
});

describe("silenceFrame", () => {
  it("gives 20 ms of G.711 and G.722 silence and the 3-byte opus silence frame", () => {
    assert.deepEqual(silenceFrame("PCMU"), Buffer.alloc(160, 0xff));
    assert.deepEqual(silenceFrame("pcma"), Buffer.alloc(160, 0xd5));
    assert.deepEqual(silenceFrame("G722"), Buffer.alloc(160, 0xff));
    assert.equal(silenceFrame("opus")?.toString("hex"), "f8fffe");
    assert.equal(silenceFrame("opus", 40), undefined);
    assert.equal(silenceFrame("PCMU", 30)?.length, 240);
    assert.equal(silenceFrame("H264"), undefined);
  });
});
