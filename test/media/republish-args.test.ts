import assert from "node:assert/strict";
import { ConfigError } from "../../src/errors";
import { buildRepublishArgs } from "../../src/media";

const INPUT = [
  "-hide_banner", "-nostdin", "-loglevel", "warning",
  "-progress", "pipe:1", "-nostats",
  "-protocol_whitelist", "file,udp,rtp",
  "-fflags", "+genpts",
  "-analyzeduration", "1000000",
  "-fpsprobesize", "0",
  "-reorder_queue_size", "64",
  "-i", "/tmp/x/input.sdp",
];
const OUT = ["-f", "flv", "-flvflags", "no_duration_filesize", "rtmp://h/live/key"];
const base = { sdpPath: "/tmp/x/input.sdp", outputUrl: "rtmp://h/live/key" };

describe("media/buildRepublishArgs", () => {
  it("copies H.264 and encodes AAC when both media are present", () => {
    assert.deepEqual(buildRepublishArgs({ ...base, hasAudio: true, hasVideo: true }), [
      ...INPUT, "-c:v", "copy", "-c:a", "aac", "-ar", "44100", "-ac", "2", "-b:a", "96k", ...OUT,
    ]);
  });

  it("treats the codec name case-insensitively and honours audioBitrate", () => {
    assert.deepEqual(buildRepublishArgs({ ...base, hasAudio: true, hasVideo: true, videoCodec: "h264", audioBitrate: "128k" }), [
      ...INPUT, "-c:v", "copy", "-c:a", "aac", "-ar", "44100", "-ac", "2", "-b:a", "128k", ...OUT,
    ]);
  });

  it("re-encodes non-H.264 video with libx264", () => {
    assert.deepEqual(buildRepublishArgs({ ...base, hasAudio: false, hasVideo: true, videoCodec: "VP8" }), [
      ...INPUT, "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", "50", "-pix_fmt", "yuv420p", "-an", ...OUT,
    ]);
  });

  it("uses -vn for audio only", () => {
    assert.deepEqual(buildRepublishArgs({ ...base, hasAudio: true, hasVideo: false }), [
      ...INPUT, "-vn", "-c:a", "aac", "-ar", "44100", "-ac", "2", "-b:a", "96k", ...OUT,
    ]);
  });

  it("keeps an rtmps URL as one argument, unquoted", () => {
    const url = "rtmps://u:p w@h:443/app/key with space?x=1&y=2";
    const args = buildRepublishArgs({ ...base, outputUrl: url, hasAudio: true, hasVideo: true });
    assert.equal(args[args.length - 1], url);
  });

  it("binds the input to a local address when asked (-localaddr before -i)", () => {
    const args = buildRepublishArgs({ ...base, hasAudio: true, hasVideo: false, inputLocalAddress: "127.0.0.1" });
    assert.deepEqual(args.slice(INPUT.length - 2, INPUT.length + 2), ["-localaddr", "127.0.0.1", "-i", "/tmp/x/input.sdp"]);
    assert.deepEqual(args.slice(0, INPUT.length - 2), INPUT.slice(0, -2));
  });

  it("rejects nothing-to-publish and non-RTMP URLs", () => {
    assert.throws(() => buildRepublishArgs({ ...base, hasAudio: false, hasVideo: false }), ConfigError);
    assert.throws(() => buildRepublishArgs({ ...base, outputUrl: "file:/etc/passwd", hasAudio: true, hasVideo: false }), ConfigError);
  });
});
