import { strict as assert } from "node:assert";
import { Engine } from "../../src/call/engine";
import { CallStatus } from "../../src/call/call-status";
import type { MeetingHangup } from "../../src/demo/meeting-call";
import { startTestMeetingPeer } from "../../src/demo/test-meeting-peer";
import { useRtmpServer, type RtmpServer } from "../harness";
import { programPath } from "../harness/require-peers";
import { runCommand } from "../harness/run-command";
import { describeFigures, outputStates, readPublishedFigures, segment } from "./helpers/published-figures";
import { waitForStatus } from "./helpers/wait-for-status";

const CHANGE = { atMs: 6000, size: "320x180" };
const CALL_MS = 16_000;

/** How many decoded frames of `file` have each width, in order of first appearance. */
async function frameWidths(file: string): Promise<Array<[number, number]>> {
  const r = await runCommand(programPath("ffprobe"), ["-v", "error", "-select_streams", "v:0", "-show_entries", "frame=width", "-of", "csv=p=0", file], { timeoutMs: 60_000 });
  const counts = new Map<number, number>();
  for (const w of r.stdout.toString("utf8").split("\n").map(Number).filter((n) => n > 0)) counts.set(w, (counts.get(w) ?? 0) + 1);
  return [...counts];
}

describe("A published stream through a meeting layout change (new SPS/PPS, another resolution, same SSRC)", function () {
  this.timeout(120_000);
  let rtmp: RtmpServer;
  useRtmpServer((server) => (rtmp = server));

  it("640x360 → 320x180 at 6 s: one ffmpeg, both sizes in the stream, continuous, in sync after the change", async () => {
    const peer = await startTestMeetingPeer({ pattern: "flash-beep", layoutChange: CHANGE });
    const hangups: MeetingHangup[] = [];
    peer.on("hangup", (h) => hangups.push(h));
    const engine = new Engine({
      account: { login: "caller", domain: "127.0.0.1", port: peer.sipPort, registerRequired: false },
      localAddress: "127.0.0.1",
    });
    const stream = `layout-${process.pid}-${Date.now().toString(36)}`;
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
      call.terminate();
      await waitForStatus(call, CallStatus.FINISH, 20_000);
      await call.whenClosed();
      await rtmp.waitForUnpublish(stream, 30_000);
      const flv = rtmp.recordedFile(stream);
      assert.ok(flv, "the RTMP server recorded the stream");
      const end = Date.now() + 5000;
      while (hangups.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      const [f, widths] = await Promise.all([readPublishedFigures(flv), frameWidths(flv)]);
      const changeMs = CHANGE.atMs - shiftMs;
      const line = describeFigures("layout change", f, {
        "frame widths": JSON.stringify(widths),
        "switched at the peer": String(hangups[0]?.relayed?.video?.layoutSwitched),
        "ffmpeg pid before/after": `${before?.pid}/${after?.pid}`,
        reconnects: after?.reconnects,
        "output video": after?.video,
      });
      console.log(line);
      assert.equal(hangups[0]?.relayed?.video?.layoutSwitched, true, `the peer changed its layout: ${line}`);
      assert.ok(before?.pid !== undefined && before.pid === after?.pid, `one ffmpeg: ${line}`);
      assert.equal(after?.reconnects, 0, `no reconnect: ${line}`);
      const sizes = new Map(widths);
      assert.ok((sizes.get(640) ?? 0) >= 50 && (sizes.get(320) ?? 0) >= 100, `both sizes published: ${line}`);
      for (const [name, t] of [["audio", f.audio], ["video", f.video]] as const) {
        assert.equal(t.nonMonotonic, 0, `${name} timestamps strictly increasing: ${line}`);
        assert.ok(t.largestGapMs <= 1000, `${name} has no gap over 1 s: ${line}`);
      }
      assert.equal(f.report.freezeCount, 0, `no freeze over 1 s: ${line}`);
      const afterChange = segment(f.report.pairs, changeMs + 2000, Infinity);
      assert.ok(afterChange.count >= 5, `flashes after the change: ${line}`);
      assert.ok(afterChange.maxAbsMs <= 40, `A/V offset after the change: ${line}`);
    } finally {
      await engine.close();
      await peer.stop();
    }
  });
});
