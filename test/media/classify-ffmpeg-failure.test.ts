import assert from "node:assert/strict";
import { classifyFfmpegStderr, isHarmlessFfmpegLine, makeUrlRedactor } from "../../src/media";

const KEY = "SECRETKEY123";
const redact = makeUrlRedactor(`rtmp://127.0.0.1:1/live/${KEY}`);

/** Redacts captured stderr the way FfmpegProcess does before keeping its tail. */
function tail(text: string): string[] {
  return text.split("\n").filter((l) => l).map(redact);
}

describe("media/classifyFfmpegStderr", () => {
  it("connection refused (captured from ffmpeg 5.1) → RTMP writer error, key redacted", () => {
    const r = classifyFfmpegStderr(tail(`[tcp @ 0x559dbcbef380] Connection to tcp://127.0.0.1:1?tcp_nodelay=0 failed: Connection refused
[rtmp @ 0x559dbcbef2c0] Cannot open connection tcp://127.0.0.1:1?tcp_nodelay=0
rtmp://127.0.0.1:1/live/${KEY}: Connection refused`));
    assert.equal(r.reason, "FAILED_BY_RTMP_WRITER_ERROR");
    assert.equal(r.line, "rtmp://127.0.0.1:1/live/***: Connection refused");
  });

  it("server gone mid-stream (captured from ffmpeg 5.1) → RTMP writer error", () => {
    const r = classifyFfmpegStderr(tail(`[flv @ 0x555eb276a580] Timestamps are unset in a packet for stream 0. This is deprecated and will stop working in the future. Fix your code to set the timestamps properly
av_interleaved_write_frame(): Broken pipe
    Last message repeated 2 times
Error writing trailer of rtmp://127.0.0.1:19998/live/${KEY}: Broken pipe
Error closing file rtmp://127.0.0.1:19998/live/${KEY}: Broken pipe`));
    assert.equal(r.reason, "FAILED_BY_RTMP_WRITER_ERROR");
    assert.equal(r.line, "Error closing file rtmp://127.0.0.1:19998/live/***: Broken pipe");
  });

  it("a refused RTMPS certificate (captured from ffmpeg 5.1, -tls_verify 1) names the certificate, not the I/O error", () => {
    const r = classifyFfmpegStderr(tail(`[tls @ 0x55db7f010880] Peer certificate failed verification
[rtmps @ 0x55db7f011900] Cannot open connection tls://127.0.0.1:22808
rtmps://127.0.0.1:22808/live/${KEY}: Input/output error`));
    assert.deepEqual(r, { reason: "FAILED_BY_RTMP_WRITER_ERROR", line: "[tls] Peer certificate failed verification" });
  });

  it("an RTMP line wins over a later generic line (ffmpeg 4.x prints 'Conversion failed!')", () => {
    const r = classifyFfmpegStderr(["rtmp://h/app/***: Connection refused", "Conversion failed!"]);
    assert.equal(r.line, "rtmp://h/app/***: Connection refused");
  });

  for (const line of [
    "[rtmp @ 0x1] Server error: Specified stream not found",
    "rtmp://h/app/k: Input/output error",
    "av_interleaved_write_frame(): Connection reset by peer",
    "[rtmp @ 0x1] RTMP handshake failed",
    "[rtmp @ 0x1] Handshake failed",
    "rtmp://h/app/k: Unknown error occurred",
    "[tls @ 0x1] Error in the pull function.",
    "[tcp @ 0x1] Failed to resolve hostname cdn.invalid: Name or service not known",
  ]) {
    it(`"${line}" → RTMP writer error`, () => {
      assert.equal(classifyFfmpegStderr([line]).reason, "FAILED_BY_RTMP_WRITER_ERROR");
    });
  }

  it("input-side failures stay ffmpeg errors, hint lines are skipped", () => {
    const probe = classifyFfmpegStderr([
      "[sdp @ 0x55a1e02751c0] Could not find codec parameters for stream 0 (Video: h264, none): unspecified size",
      "Consider increasing the value for the 'analyzeduration' (1000000) and 'probesize' (5000000) options",
    ]);
    assert.deepEqual(probe, {
      reason: "FAILED_BY_FFMPEG_ERROR",
      line: "[sdp] Could not find codec parameters for stream 0 (Video: h264, none): unspecified size",
    });
    const timeout = classifyFfmpegStderr(["/tmp/sipcast-1/input.sdp: Connection timed out"]);
    assert.equal(timeout.reason, "FAILED_BY_FFMPEG_ERROR");
    const dims = classifyFfmpegStderr(["[flv @ 0x1] dimensions not set", "Could not write header for output file #0 (incorrect codec parameters ?): Invalid argument"]);
    assert.equal(dims.reason, "FAILED_BY_FFMPEG_ERROR");
  });

  it("nothing useful → ffmpeg error without a line", () => {
    assert.deepEqual(classifyFfmpegStderr(["Conversion failed!", ""]), { reason: "FAILED_BY_FFMPEG_ERROR", line: undefined });
  });

  it("knows the harmless warnings", () => {
    assert.equal(isHarmlessFfmpegLine("[flv @ 0x5] Failed to update header with correct filesize."), true);
    assert.equal(isHarmlessFfmpegLine("[flv @ 0x5] Timestamps are unset in a packet for stream 0. This is deprecated"), true);
    assert.equal(isHarmlessFfmpegLine("Broken pipe"), false);
  });
});
