import { strict as assert } from "node:assert";
import { Engine } from "../../src/call/engine";
import { CallStatus } from "../../src/call/call-status";
import type { MeetingHangup } from "../../src/demo/meeting-call";
import { startTestMeetingPeer } from "../../src/demo/test-meeting-peer";
import { useRtmpServer, type RtmpServer } from "../harness";
import { describeFigures, outputStates, readPublishedFigures, segment } from "./helpers/published-figures";
import { waitForStatus } from "./helpers/wait-for-status";

/** The announcement plays this long before the answer. */
const EARLY_MS = 4000;
/** The call lasts this long after the answer. */
const CALL_MS = 14_000;

describe("A published stream after early media from another source (test meeting: 183 from other ports, then 200 OK)", function () {
  this.timeout(120_000);
  let rtmp: RtmpServer;
  useRtmpServer((server) => (rtmp = server));

  it("the answer's media (new SSRCs, new ports) are published from the answer on, in sync, by one ffmpeg; the early source is not heard after", async () => {
    const peer = await startTestMeetingPeer({ pattern: "flash-beep", earlyMedia: { forMs: EARLY_MS } });
    const hangups: MeetingHangup[] = [];
    peer.on("hangup", (h) => hangups.push(h));
    const engine = new Engine({
      account: { login: "caller", domain: "127.0.0.1", port: peer.sipPort, registerRequired: false },
      localAddress: "127.0.0.1",
    });
    const stream = `early-${process.pid}-${Date.now().toString(36)}`;
    try {
      const call = engine.call({ callee: "meeting", rtmpUrl: rtmp.url, rtmpStream: stream });
      await waitForStatus(call, CallStatus.SESSION_PROGRESS, 30_000);
      await waitForStatus(call, CallStatus.ESTABLISHED, 30_000);
      const answeredAt = Date.now();
      await rtmp.waitForPublish(stream, 30_000);
      await new Promise((r) => setTimeout(r, 2000));
      const before = Object.values(outputStates(call.stats()))[0];
      await new Promise((r) => setTimeout(r, Math.max(0, answeredAt + CALL_MS - Date.now())));
      const after = Object.values(outputStates(call.stats()))[0];
      const media = call.stats().media as Record<string, { dropped?: unknown; sources?: unknown[] }> | undefined;
      call.terminate();
      await waitForStatus(call, CallStatus.FINISH, 20_000);
      await call.whenClosed();
      await rtmp.waitForUnpublish(stream, 30_000);
      const flv = rtmp.recordedFile(stream);
      assert.ok(flv, "the RTMP server recorded the stream");
      const end = Date.now() + 5000;
      while (hangups.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      const sentAudioMs = (hangups[0]?.relayed?.audio?.rtp ?? 0) * 20;
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
    } finally {
      await engine.close();
      await peer.stop();
    }
  });
});
