import { strict as assert } from "node:assert";
import { useRtmpServer, type RtmpServer } from "../harness";
import { publishMeetingCall } from "./helpers/meeting-run";
import { describeFigures, readPublishedFigures, segment } from "./helpers/published-figures";

/** The announcement plays this long before the answer. */
const EARLY_MS = 4000;
/** The call lasts this long after the answer. */
const CALL_MS = 14_000;

describe("A published stream after early media from another source (test meeting: 183 from other ports, then 200 OK)", function () {
  this.timeout(120_000);
  let rtmp: RtmpServer;
  useRtmpServer((server) => (rtmp = server));

  it("the answer's media (new SSRCs, new ports) are published from the answer on, in sync, by one ffmpeg; the early source is not heard after", async () => {
    const { flv, hangup, before, after, media } = await publishMeetingCall(rtmp, { earlyMedia: { forMs: EARLY_MS } }, { streamPrefix: "early", callMs: CALL_MS, progressFirst: true });
    const sentAudioMs = (hangup?.relayed?.audio?.rtp ?? 0) * 20;
    const f = await readPublishedFigures(flv);
    const line = describeFigures("early media", f, {
      "answer's audio sent ms": sentAudioMs,
      "audio lost ms": Math.round(sentAudioMs - f.audioMs),
      "ffmpeg pid before/after": `${before?.pid}/${after?.pid}`,
      reconnects: after?.reconnects,
      "dropped per medium": JSON.stringify({ audio: media?.audio?.dropped, video: media?.video?.dropped }),
      "output video": after?.video,
    });
    console.log(line);
    assert.ok(before?.pid !== undefined && before.pid === after?.pid, `one ffmpeg: ${line}`);
    assert.equal(after?.reconnects, 0, `no reconnect: ${line}`);
    // The answer's media are published: nearly all its audio, its picture with the flashes, in sync.
    assert.ok(sentAudioMs - f.audioMs <= 600, `the answer's audio is published (≤ 600 ms lost): ${line}`);
    for (const [name, t] of [["audio", f.audio], ["video", f.video]] as const) {
      assert.equal(t.nonMonotonic, 0, `${name} timestamps strictly increasing: ${line}`);
      assert.ok(t.largestGapMs <= 1000, `${name} has no gap over 1 s: ${line}`);
    }
    const flashes = segment(f.report.pairs, 0, Infinity);
    assert.ok(flashes.count >= 0.8 * f.report.expectedFlashes && flashes.count >= 8, `flashes matched: ${line}`);
    assert.ok(flashes.maxAbsMs <= 40, `A/V offset: ${line}`);
  });
});
