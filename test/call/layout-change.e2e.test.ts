import { strict as assert } from "node:assert";
import { useRtmpServer, type RtmpServer } from "../harness";
import { programPath } from "../harness/require-peers";
import { runCommand } from "../harness/run-command";
import { publishMeetingCall } from "./helpers/meeting-run";
import { describeFigures, readPublishedFigures, segment } from "./helpers/published-figures";

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
    const { flv, hangup, answeredAt, publishedAt, before, after } = await publishMeetingCall(rtmp, { layoutChange: CHANGE }, { streamPrefix: "layout", callMs: CALL_MS });
    const [f, widths] = await Promise.all([readPublishedFigures(flv), frameWidths(flv)]);
    const changeMs = CHANGE.atMs - (publishedAt - answeredAt);
    const line = describeFigures("layout change", f, {
      "frame widths": JSON.stringify(widths),
      "switched at the peer": String(hangup?.relayed?.video?.layoutSwitched),
      "ffmpeg pid before/after": `${before?.pid}/${after?.pid}`,
      reconnects: after?.reconnects,
      "output video": after?.video,
    });
    console.log(line);
    assert.equal(hangup?.relayed?.video?.layoutSwitched, true, `the peer changed its layout: ${line}`);
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
  });
});
