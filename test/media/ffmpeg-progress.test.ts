import assert from "node:assert/strict";
import { FfmpegProgressParser, progressShowsOutput, type FfmpegProgress } from "../../src/media";

// Blocks 1 and 2 captured from Debian ffmpeg 5.1 republishing H.264 + PCMU RTP; block 3 edited
// to have ffmpeg's padded `speed=   1x` and the final `progress=end`.
const CAPTURED = `frame=0
fps=0.00
stream_0_0_q=-1.0
bitrate=  44.1kbits/s
total_size=380
out_time_us=69000
out_time_ms=69000
out_time=00:00:00.069000
dup_frames=0
drop_frames=0
speed=N/A
progress=continue
frame=30
fps=0.00
stream_0_0_q=-1.0
bitrate= 776.0kbits/s
total_size=130654
out_time_us=1347000
out_time_ms=1347000
out_time=00:00:01.347000
dup_frames=0
drop_frames=0
speed=2.16x
progress=continue
frame=100
fps=24.26
stream_0_0_q=-1.0
bitrate= 870.5kbits/s
total_size=434619
out_time_us=3994000
out_time_ms=3994000
out_time=00:00:03.994000
dup_frames=0
drop_frames=0
speed=   1x
progress=end
`;

function parseAll(text: string): FfmpegProgress[] {
  const parser = new FfmpegProgressParser();
  const out: FfmpegProgress[] = [];
  for (const line of text.split("\n")) {
    const r = parser.processLine(line);
    if (r) out.push(r);
  }
  return out;
}

describe("media/FfmpegProgressParser", () => {
  it("parses each key=value block into one report", () => {
    assert.deepEqual(parseAll(CAPTURED), [
      { frame: 0, fps: 0, bitrateKbps: 44.1, outTimeMs: 69, speed: null, totalSize: 380, progress: "continue" },
      { frame: 30, fps: 0, bitrateKbps: 776, outTimeMs: 1347, speed: 2.16, totalSize: 130654, progress: "continue" },
      { frame: 100, fps: 24.26, bitrateKbps: 870.5, outTimeMs: 3994, speed: 1, totalSize: 434619, progress: "end" },
    ]);
  });

  it("reads N/A and a negative start time as no output yet", () => {
    const [r] = parseAll("frame=0\nfps=0.00\nbitrate=N/A\ntotal_size=N/A\nout_time_us=N/A\nout_time_ms=N/A\nout_time=N/A\nspeed=N/A\nprogress=continue\n");
    assert.deepEqual(r, { frame: 0, fps: 0, bitrateKbps: null, outTimeMs: null, speed: null, totalSize: null, progress: "continue" });
    assert.equal(progressShowsOutput(r!), false);
    const [neg] = parseAll("frame=0\nout_time_us=-9223372036854775807\nprogress=continue\n");
    assert.equal(progressShowsOutput(neg!), false);
  });

  it("falls back to out_time_ms (microseconds in ffmpeg 4.x and 5.x)", () => {
    const [r] = parseAll("out_time_ms=2500000\nprogress=continue\n");
    assert.equal(r!.outTimeMs, 2500);
  });

  it("shows output on out_time > 0 or frame > 0", () => {
    const [a, b] = parseAll(CAPTURED);
    assert.equal(progressShowsOutput(a!), true); // audio already at 69 ms, no video frame yet
    assert.equal(progressShowsOutput({ ...b!, outTimeMs: null }), true);
  });

  it("ignores lines that are not key=value and does not leak fields between blocks", () => {
    const reports = parseAll("garbage\nframe=5\nprogress=continue\nprogress=continue\n");
    assert.equal(reports.length, 2);
    assert.equal(reports[0]!.frame, 5);
    assert.equal(reports[1]!.frame, null);
  });
});
