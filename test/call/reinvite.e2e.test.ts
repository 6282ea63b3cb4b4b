import { strict as assert } from "node:assert";
import { Engine } from "../../src/call/engine";
import { CallStatus } from "../../src/call/call-status";
import type { MeetingHangup, MeetingReinvite } from "../../src/demo/meeting-call";
import { startTestMeetingPeer } from "../../src/demo/test-meeting-peer";
import { useRtmpServer, type RtmpServer } from "../harness";
import { describeFigures, outputStates, readPublishedFigures, segment, type PublishedFigures } from "./helpers/published-figures";
import { waitForStatus } from "./helpers/wait-for-status";

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
  const peer = await startTestMeetingPeer({ pattern: "flash-beep", reinvites: [reinvite] });
  const hangups: MeetingHangup[] = [];
  peer.on("hangup", (h) => hangups.push(h));
  const engine = new Engine({
    account: { login: "caller", domain: "127.0.0.1", port: peer.sipPort, registerRequired: false },
    localAddress: "127.0.0.1",
  });
  const stream = `reinvite-${process.pid}-${Date.now().toString(36)}`;
  try {
    const call = engine.call({ callee: "meeting", rtmpUrl: rtmp.url, rtmpStream: stream });
    await waitForStatus(call, CallStatus.ESTABLISHED, 30_000);
    const answeredAt = Date.now();
    await rtmp.waitForPublish(stream, 30_000);
    const shiftMs = Date.now() - answeredAt;
    await new Promise((r) => setTimeout(r, 2000));
    const before = Object.values(outputStates(call.stats()))[0];
    await new Promise((r) => setTimeout(r, Math.max(0, answeredAt + CALL_MS - Date.now())));
    const after = Object.values(outputStates(call.stats()))[0];
    const media = call.stats().media as Record<string, { dropped?: unknown }> | undefined;
    call.terminate();
    await waitForStatus(call, CallStatus.FINISH, 20_000);
    await call.whenClosed();
    await rtmp.waitForUnpublish(stream, 30_000);
    const flv = rtmp.recordedFile(stream);
    assert.ok(flv, "the RTMP server recorded the stream");
    const end = Date.now() + 5000;
    while (hangups.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    const f = await readPublishedFigures(flv);
    const line = describeFigures(label, f, {
      "re-INVITEs answered": hangups[0]?.reinvited,
      "ffmpeg pid before/after": `${before?.pid}/${after?.pid}`,
      reconnects: after?.reconnects,
      "dropped per medium": JSON.stringify({ audio: media?.audio?.dropped, video: media?.video?.dropped }),
      "output video": after?.video,
    });
    console.log(line);
    return { f, line, reinvited: hangups[0]?.reinvited, pids: [before?.pid, after?.pid], reconnects: after?.reconnects, shiftMs };
  } finally {
    await engine.close();
    await peer.stop();
  }
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
