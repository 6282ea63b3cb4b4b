import { strict as assert } from "node:assert";
import type { MediaPause } from "../../src/demo/media-pauses";
import { STAND_IN_SILENCE_MS, STAND_IN_START_WAIT_MS } from "../../src/media/video-stand-in";
import { useRtmpServer, type RtmpServer } from "../harness";
import { publishMeetingCall } from "./helpers/meeting-run";
import { describeFigures, longestFreezeOutside, readPublishedFigures, segment, type PublishedFigures } from "./helpers/published-figures";

/** The test meeting sends one 20 ms audio packet per RTP datagram. */
const AUDIO_PACKET_MS = 20;

interface Run {
  figures: PublishedFigures;
  /** ms of audio the peer sent minus the ms of audio in the published stream. */
  audioLostMs: number;
  /** File time of the answer's media start (≈ 0 when publishing began with it). */
  shiftMs: number;
  pidBefore: number | undefined;
  pidAfter: number | undefined;
  reconnects: number;
  line: string;
}

/** Calls the test meeting with `videoPauses`, publishes to RTMP for `callMs` after the answer, and measures the FLV. */
async function publishWithPauses(rtmp: RtmpServer, label: string, videoPauses: MediaPause[], callMs: number): Promise<Run> {
  const { flv, hangup, answeredAt, publishedAt, before, after } = await publishMeetingCall(rtmp, { videoPauses }, { streamPrefix: "pause", callMs });
  const relayed = hangup?.relayed;
  const sentAudioMs = (relayed?.audio?.rtp ?? 0) * AUDIO_PACKET_MS;
  const figures = await readPublishedFigures(flv);
  const audioLostMs = sentAudioMs - figures.audioMs;
  const shiftMs = publishedAt - answeredAt;
  const line = describeFigures(label, figures, {
    "peer sent audio ms": sentAudioMs,
    "audio lost ms": Math.round(audioLostMs),
    "video RTP paused": relayed?.video?.pausedRtp,
    "ffmpeg pid before/after": `${before?.pid}/${after?.pid}`,
    reconnects: after?.reconnects,
    "output video": after?.video,
  });
  console.log(line);
  return { figures, audioLostMs, shiftMs, pidBefore: before?.pid, pidAfter: after?.pid, reconnects: after?.reconnects ?? -1, line };
}

describe("A published stream when the peer's video stops, starts late or never comes (test meeting → engine → RTMP)", function () {
  this.timeout(180_000);
  let rtmp: RtmpServer;
  useRtmpServer((server) => (rtmp = server));

  it("video stops at 6 s for 20 s and resumes: one ffmpeg, audio continuous, a picture throughout, in sync after the resume", async () => {
    const pause = { atMs: 6000, forMs: 20_000 };
    const r = await publishWithPauses(rtmp, "video pause 20 s", [pause], 36_000);
    const { report, audio, video } = r.figures;
    assert.ok(r.pidBefore !== undefined && r.pidBefore === r.pidAfter, `one ffmpeg: ${r.line}`);
    assert.equal(r.reconnects, 0, `no reconnect: ${r.line}`);
    for (const [name, t] of [["audio", audio], ["video", video]] as const) assert.equal(t.nonMonotonic, 0, `${name} timestamps strictly increasing: ${r.line}`);
    assert.ok(audio.largestGapMs <= 1000, `audio has no gap over 1 s: ${r.line}`);
    // The stand-in picture takes over once the peer's video was silent STAND_IN_SILENCE_MS, at its first keyframe (its encoder's start).
    assert.ok(video.largestGapMs <= STAND_IN_SILENCE_MS + 1500, `video has no gap longer than the stand-in's wait and start: ${r.line}`);
    // File time of the resume; the peer's next keyframe comes within its 2 s GOP.
    const resumeMs = pause.atMs + pause.forMs - r.shiftMs;
    const freezeOutside = longestFreezeOutside(report.freezes, pause.atMs - r.shiftMs, resumeMs + 2000);
    assert.ok(freezeOutside <= 1000, `no freeze over 1 s outside the pause and its keyframe wait (${Math.round(freezeOutside)} ms): ${r.line}`);
    const afterResume = segment(report.pairs, resumeMs + 2000, Infinity);
    assert.ok(afterResume.count >= 4, `flashes after the resume: ${r.line}`);
    assert.ok(afterResume.maxAbsMs <= 40, `A/V offset after the resume: ${r.line}`);
  });

  it("video starts 3 s late: the audio is published from the answer on, the peer's picture from its first keyframe, in sync", async () => {
    const r = await publishWithPauses(rtmp, "video 3 s late", [{ atMs: 0, forMs: 3000 }], 14_000);
    const { report, audio, video } = r.figures;
    assert.ok(r.audioLostMs <= 600, `audio lost at the start ≤ 600 ms: ${r.line}`);
    assert.equal(r.reconnects, 0, `no reconnect: ${r.line}`);
    for (const [name, t] of [["audio", audio], ["video", video]] as const) assert.equal(t.nonMonotonic, 0, `${name} timestamps strictly increasing: ${r.line}`);
    assert.ok(audio.largestGapMs <= 1000, `audio has no gap over 1 s: ${r.line}`);
    // ffmpeg stamps the stand-in's first (black) frame with the first audio's time: it stays until its next frame.
    assert.ok(video.largestGapMs <= STAND_IN_START_WAIT_MS + 1000, `video has no gap longer than the stand-in's start: ${r.line}`);
    const afterVideo = segment(report.pairs, 5000 - r.shiftMs, Infinity);
    assert.ok(afterVideo.count >= 5, `the peer's flashes after its first keyframe: ${r.line}`);
    assert.ok(afterVideo.maxAbsMs <= 40, `A/V offset once the video came: ${r.line}`);
  });

  it("video never comes: the audio is published from the answer on, with a generated picture", async () => {
    const r = await publishWithPauses(rtmp, "video never", [{ atMs: 0, forMs: 3_600_000 }], 12_000);
    assert.ok(r.audioLostMs <= 600, `audio lost at the start ≤ 600 ms: ${r.line}`);
    assert.equal(r.reconnects, 0, `no reconnect: ${r.line}`);
    assert.ok(r.figures.video.packets > 0, `a video track: ${r.line}`);
    assert.ok(r.figures.audio.largestGapMs <= 1000, `audio has no gap over 1 s: ${r.line}`);
  });
});
