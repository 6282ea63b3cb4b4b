import { strict as assert } from "node:assert";
import { RtpPacket } from "werift-rtp";
import { InvalidStateError } from "../../src/errors";
import { OutgoingAudio } from "../../src/call/outgoing-audio";
import type { RtpChannel } from "../../src/rtp/rtp-channel";
import type { NegotiatedStream } from "../../src/sdp";
import { FakeClock } from "../rtp/helpers/fake-clock";
import { audioStream } from "./helpers/audio-stream";
import { fakeSpawn, turn, type FakeChild } from "../media/audio-file-fake-child";

const stream = (over: Partial<NegotiatedStream> = {}): NegotiatedStream => audioStream({ telephoneEvent: { payloadType: 101, clockRate: 8000 }, ...over });

const SILENCE = Buffer.alloc(160, 0xd5);

/** A call's audio side on a fake clock, a fake channel and fake ffmpeg children. */
function setup(): { clock: FakeClock; out: OutgoingAudio; sent: RtpPacket[]; children: FakeChild[]; channel: RtpChannel } {
  const clock = new FakeClock();
  const sent: RtpPacket[] = [];
  const channel = { localSsrc: 0x1234, sendRtp: (b: Buffer) => (sent.push(RtpPacket.deSerialize(b)), true) } as unknown as RtpChannel;
  const { spawn, children } = fakeSpawn();
  const out = new OutgoingAudio(channel, clock, { spawn });
  out.update(stream());
  return { clock, out, sent, children, channel };
}

/** ffmpeg writes frames whose bytes are `from`, `from + 1`, … (so each is recognisable). */
async function write(child: FakeChild, count: number, from: number): Promise<void> {
  child.stdout.write(Buffer.concat(Array.from({ length: count }, (_, i) => Buffer.alloc(160, from + i))));
  await turn();
}

/** What each packet carried: a frame number, "s" for silence, "e" for an RFC 4733 event. */
function contents(packets: RtpPacket[]): Array<number | string> {
  return packets.map((p) => (p.header.payloadType === 101 ? "e" : p.payload.equals(SILENCE) ? "s" : p.payload[0]));
}

describe("OutgoingAudio playing a file", () => {
  it("sends silence until ffmpeg has frames, then one frame per 20 ms, and resolves after the last", async () => {
    const { clock, out, sent, children } = setup();
    let done = false;
    const play = out.playFile("a.wav", { ffmpegPath: "/usr/bin/ffmpeg" }).then(() => (done = true));
    assert.equal(out.playingFile, true);
    clock.advance(20);
    await write(children[0], 3, 1);
    clock.advance(60);
    const closed = new Promise((r) => children[0].once("close", r));
    children[0].exit(0);
    await closed;
    clock.advance(40);
    await play;
    assert.equal(done, true);
    assert.deepEqual(contents(sent), ["s", "s", 1, 2, 3, "s", "s"]);
    assert.equal(out.playingFile, false);
    assert.ok(sent.every((p) => p.payload.length === 160 && p.header.payloadType !== 101));
    // One RTP line: consecutive sequence numbers and 160-sample steps.
    for (let i = 1; i < sent.length; i++) {
      assert.equal(sent[i].header.sequenceNumber, (sent[i - 1].header.sequenceNumber + 1) & 0xffff);
      assert.equal(sent[i].header.timestamp, (sent[i - 1].header.timestamp + 160) >>> 0);
    }
    assert.equal(out.toJSON()?.file?.framesPlayed, 3);
    out.close();
    assert.equal(clock.pending, 0);
  });

  it("lets RFC 4733 keys take their intervals and goes on with the next frame after them", async () => {
    const { clock, out, sent, children } = setup();
    void out.playFile("a.wav", { ffmpegPath: "ffmpeg", loop: true });
    await write(children[0], 20, 1);
    clock.advance(40);
    const key = out.playKey(5, 60);
    clock.advance(200);
    await key;
    assert.deepEqual(contents(sent), ["s", 1, 2, "e", "e", "e", "e", "e", 3, 4, 5, 6, 7]);
    out.close();
  });

  it("pauses the file on hold (no packets, the RTP timeline runs on) and resumes it where it stopped", async () => {
    const { clock, out, sent, children } = setup();
    void out.playFile("a.wav", { ffmpegPath: "ffmpeg" });
    await write(children[0], 20, 1);
    clock.advance(40);
    out.update(stream({ remoteDirection: "sendonly" }));
    clock.advance(200);
    assert.equal(sent.length, 3);
    out.update(stream());
    clock.advance(40);
    assert.deepEqual(contents(sent), ["s", 1, 2, 3, 4]);
    // 10 slots passed on hold: 11 × 160 samples between the packets around it.
    assert.equal(sent[3].header.timestamp, (sent[2].header.timestamp + 11 * 160) >>> 0);
    out.close();
  });

  it("replaces a playing file (the first resolves, its ffmpeg is stopped); stopFile resolves and silence follows", async () => {
    const { clock, out, sent, children } = setup();
    const first = out.playFile("a.wav", { ffmpegPath: "ffmpeg", loop: true });
    await write(children[0], 5, 1);
    clock.advance(20);
    const second = out.playFile("b.wav", { ffmpegPath: "ffmpeg" });
    await first;
    assert.deepEqual(children[0].signals, ["SIGTERM"]);
    await write(children[1], 5, 101);
    clock.advance(40);
    out.stopFile();
    await second;
    assert.deepEqual(children[1].signals, ["SIGTERM"]);
    clock.advance(40);
    assert.deepEqual(contents(sent), ["s", 1, 101, 102, "s", "s"]);
    out.stopFile(); // nothing playing: no-op
    await out.whenFilesExited();
    out.close();
  });

  it("rejects with InvalidStateError and stops ffmpeg when the call ends or the codec changes", async () => {
    const a = setup();
    const ended = a.out.playFile("a.wav", { ffmpegPath: "ffmpeg" });
    a.out.close();
    await assert.rejects(ended, (e: unknown) => e instanceof InvalidStateError && /call ended/.test(e.message));
    assert.deepEqual(a.children[0].signals, ["SIGTERM"]);
    await a.out.whenFilesExited();
    await assert.rejects(a.out.playFile("a.wav", { ffmpegPath: "ffmpeg" }), InvalidStateError);

    const b = setup();
    const changed = b.out.playFile("a.wav", { ffmpegPath: "ffmpeg" });
    b.out.update(stream({ codec: "PCMU", payloadType: 0 }));
    await assert.rejects(changed, /codec changed to PCMU/);
    // A new payload type number for the same codec does not end the file.
    const kept = b.out.playFile("a.wav", { ffmpegPath: "ffmpeg" });
    b.out.update(stream({ codec: "PCMU", payloadType: 96 }));
    assert.equal(b.out.playingFile, true);
    b.out.close();
    await assert.rejects(kept, InvalidStateError);
  });

  it("rejects a codec it cannot encode a file to, and a missing stream, without starting ffmpeg", async () => {
    const { out, children } = setup();
    out.update(stream({ codec: "H264", payloadType: 96 })); // every audio codec we offer can carry a file: force another
    await assert.rejects(out.playFile("a.wav", { ffmpegPath: "ffmpeg" }), /cannot play a file into a H264 stream: only PCMU, PCMA, G722 and opus/);
    out.update(undefined);
    await assert.rejects(out.playFile("a.wav", { ffmpegPath: "ffmpeg" }), /no audio stream/);
    assert.equal(children.length, 0);
    out.close();
  });

  it("passes an ffmpeg failure to the caller and goes back to silence", async () => {
    const { clock, out, sent, children } = setup();
    const play = out.playFile("slide.png", { ffmpegPath: "ffmpeg" });
    children[0].stderr.write("Stream map '0:a:0' matches no streams.\n");
    children[0].exit(1);
    await assert.rejects(play, /cannot play audio file "slide.png": it has no audio stream/);
    clock.advance(40);
    assert.deepEqual(contents(sent), ["s", "s", "s"]);
    assert.equal(out.playingFile, false);
    out.close();
  });
});
