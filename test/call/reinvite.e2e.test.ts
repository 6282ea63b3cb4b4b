import { strict as assert } from "node:assert";
import type { MeetingReinvite } from "../../src/demo/meeting-call";
import { useRtmpServer, type RtmpServer } from "../harness";
import { publishMeetingCall } from "./helpers/meeting-run";
import { describeFigures, readPublishedFigures, segment, type PublishedFigures } from "./helpers/published-figures";

const AT_MS = 6000;
const CALL_MS = 16_000;

interface Run {
  f: PublishedFigures;
  line: string;
  reinvited: number | undefined;
  pids: [number | undefined, number | undefined];
  reconnects: number | undefined;
  shiftMs: number;
}

async function publishThrough(rtmp: RtmpServer, label: string, reinvite: MeetingReinvite): Promise<Run> {
  const { flv, hangup, answeredAt, publishedAt, before, after, media } = await publishMeetingCall(rtmp, { reinvites: [reinvite] }, { streamPrefix: "reinvite", callMs: CALL_MS });
  const f = await readPublishedFigures(flv);
  const line = describeFigures(label, f, {
    "re-INVITEs answered": hangup?.reinvited,
    "ffmpeg pid before/after": `${before?.pid}/${after?.pid}`,
    reconnects: after?.reconnects,
    "dropped per medium": JSON.stringify({ audio: media?.audio?.dropped, video: media?.video?.dropped }),
    "output video": after?.video,
  });
  console.log(line);
  return { f, line, reinvited: hangup?.reinvited, pids: [before?.pid, after?.pid], reconnects: after?.reconnects, shiftMs: publishedAt - answeredAt };
}

describe("A published stream through the peer's re-INVITE (test meeting → engine → RTMP)", function () {
  this.timeout(120_000);
  let rtmp: RtmpServer;
  useRtmpServer((server) => (rtmp = server));

  it("a re-INVITE at 6 s moves the media to new ports (new SSRCs): one ffmpeg, continuous, in sync after it", async () => {
    const r = await publishThrough(rtmp, "re-INVITE move", { atMs: AT_MS });
    assert.equal(r.reinvited, 1, `the peer moved its media: ${r.line}`);
    assert.ok(r.pids[0] !== undefined && r.pids[0] === r.pids[1], `one ffmpeg: ${r.line}`);
    assert.equal(r.reconnects, 0, `no reconnect: ${r.line}`);
    for (const [name, t] of [["audio", r.f.audio], ["video", r.f.video]] as const) {
      assert.equal(t.nonMonotonic, 0, `${name} timestamps strictly increasing: ${r.line}`);
      assert.ok(t.largestGapMs <= 1000, `${name} has no gap over 1 s: ${r.line}`);
    }
    const afterMove = segment(r.f.report.pairs, AT_MS - r.shiftMs + 2000, Infinity);
    assert.ok(afterMove.count >= 5, `flashes after the move: ${r.line}`);
    assert.ok(afterMove.maxAbsMs <= 40, `A/V offset after the move: ${r.line}`);
  });
});
