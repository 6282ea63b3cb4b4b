import assert from "node:assert/strict";
import { RtpPacket } from "werift-rtp";
import { FfmpegAttempt as RepublishAttempt } from "../../../src/output/ffmpeg/ffmpeg-attempt";
import type { AttemptHooks } from "../../../src/output/ffmpeg/output-supervisor";
import type { ArrivalAnchorValue, MediaKind, RtpChannel } from "../../../src/rtp";
import type { NegotiatedMedia, NegotiatedStream } from "../../../src/sdp";
import { silentLogger } from "../../../src/util/logger";
import { TypedEmitter } from "../../../src/util/typed-emitter";
import { FakeClock } from "../../rtp/helpers/fake-clock";
import { rtp } from "../../rtp/helpers/udp";

/** The part of an RtpChannel an attempt uses before ffmpeg runs. */
class FakeChannel extends TypedEmitter<{ rtp: [RtpPacket, Buffer]; rtcp: [Buffer] }> {
  latestSenderReport(): Buffer | undefined {
    return undefined;
  }
  arrivalAnchor(): ArrivalAnchorValue | undefined {
    return undefined;
  }
  send(spec: Parameters<typeof rtp>[0]): void {
    const raw = rtp(spec);
    this.safeEmit("rtp", RtpPacket.deSerialize(raw), raw);
  }
}

const stream = (kind: MediaKind, codec: string, payloadType: number): NegotiatedStream =>
  ({ kind, codec, payloadType, receivePayloadTypes: [payloadType], clockRate: kind === "audio" ? 8000 : 90000 }) as NegotiatedStream;
const hooks: AttemptHooks = { started: () => undefined, progress: () => undefined, ended: () => undefined };
/** H.264: an IDR slice starts a keyframe, a non-IDR slice does not. */
const IDR = Buffer.from([0x65, 0x88, 0x80]);
const P_SLICE = Buffer.from([0x41, 0x9a, 0x00]);

function makeAttempt(jitterBufferMs?: number) {
  const clock = new FakeClock();
  const audio = new FakeChannel();
  const video = new FakeChannel();
  const media: NegotiatedMedia = { audio: stream("audio", "PCMU", 0), video: stream("video", "H264", 96) };
  const channels = new Map<MediaKind, RtpChannel>([["audio", audio as unknown as RtpChannel], ["video", video as unknown as RtpChannel]]);
  const attempt = new RepublishAttempt({
    hooks, ffmpegPath: "/nonexistent/ffmpeg", output: { kind: "rtmp", url: "rtmp://127.0.0.1/live/x" }, media, channels,
    generateAudio: true, jitterBufferMs, clock, logger: silentLogger,
  });
  return { clock, audio, video, attempt };
}

describe("call/output/RepublishAttempt before ffmpeg (jitter buffers, RTCP)", () => {
  it("reorders each medium ahead of the forwarders and gives lost packets up after jitterBufferMs", async () => {
    const { clock, audio, attempt } = makeAttempt(50);
    audio.send({ payloadType: 0, sequenceNumber: 1 });
    clock.advance(50); // the stream's start-up wait
    audio.send({ payloadType: 0, sequenceNumber: 3 });
    audio.send({ payloadType: 0, sequenceNumber: 2 });
    audio.send({ payloadType: 0, sequenceNumber: 5 });
    assert.equal(attempt.toJSON().forwarders.audio.queued, 3);
    clock.advance(50);
    const json = attempt.toJSON();
    assert.equal(json.forwarders.audio.queued, 4);
    assert.deepEqual([json.jitter.audio.reordered, json.jitter.audio.lost, json.jitter.audio.released], [1, 1, 4]);
    audio.send({ payloadType: 0, sequenceNumber: 7 }); // held behind 6
    await attempt.stop(false);
    assert.equal(clock.pending, 0, "stop() leaves no jitter-buffer timer behind");
    audio.send({ payloadType: 0, sequenceNumber: 6 });
    assert.equal(attempt.toJSON().jitter.audio.released, 4, "no listener left on the channel");
  });

  it("puts a keyframe start that came after its continuation back in front, so the gate opens on it", () => {
    const { clock, video, attempt } = makeAttempt();
    video.send({ payloadType: 96, sequenceNumber: 20, payload: P_SLICE });
    clock.advance(50);
    video.send({ payloadType: 96, sequenceNumber: 22, payload: P_SLICE });
    video.send({ payloadType: 96, sequenceNumber: 21, payload: IDR });
    const json = attempt.toJSON();
    assert.equal(json.heldBeforeKeyframe, 1, "only the slice before the keyframe is held back");
    assert.equal(json.forwarders.video.queued, 2);
    assert.notEqual(json.firstKeyframeMs, undefined);
    void attempt.stop(false);
  });

  it("drops the audio queued before the first video keyframe, so that both media start with it", () => {
    const { clock, audio, video, attempt } = makeAttempt(0);
    for (const seq of [1, 2, 3]) audio.send({ payloadType: 0, sequenceNumber: seq });
    video.send({ payloadType: 96, sequenceNumber: 40, payload: P_SLICE });
    assert.equal(attempt.toJSON().forwarders.audio.queued, 3, "audio waits with the video");
    video.send({ payloadType: 96, sequenceNumber: 41, payload: IDR });
    audio.send({ payloadType: 0, sequenceNumber: 4 });
    const json = attempt.toJSON();
    assert.equal(json.forwarders.audio.queued, 1, "only the audio from the keyframe on is left");
    assert.equal(json.forwarders.audio.dropped.discarded, 3);
    assert.equal(json.forwarders.video.queued, 1);
    assert.equal(clock.pending, 0);
    void attempt.stop(false);
  });

  it("with jitterBufferMs 0 passes packets as they come", () => {
    const { clock, audio, attempt } = makeAttempt(0);
    for (const seq of [9, 7, 8]) audio.send({ payloadType: 0, sequenceNumber: seq });
    assert.equal(attempt.toJSON().forwarders.audio.queued, 3);
    assert.equal(clock.pending, 0);
    void attempt.stop(false);
  });

  it("queues none of the peer's RTCP before the anchors are chosen", () => {
    const { audio, attempt } = makeAttempt();
    audio.safeEmit("rtcp", Buffer.from("80c80006cafebabe1122334455667788000000000000000300000012", "hex"));
    assert.equal(attempt.toJSON().forwarders.audio.queued, 0);
    assert.equal(attempt.toJSON().sync, undefined);
    void attempt.stop(false);
  });
});
