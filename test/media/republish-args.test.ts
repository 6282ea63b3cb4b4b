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
  "-reorder_queue_size", "0",
  "-i", "/tmp/x/input.sdp",
];
const OUT = ["-f", "flv", "-flvflags", "no_duration_filesize", "rtmp://h/live/key"];
const base = { sdpPath: "/tmp/x/input.sdp", outputUrl: "rtmp://h/live/key" };
const X264 = ["-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-r", "25", "-g", "50", "-pix_fmt", "yuv420p"];
const AAC = ["-c:a", "aac", "-ar", "44100", "-ac", "2", "-b:a", "96k"];

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
      ...INPUT, ...X264, "-an", ...OUT,
    ]);
  });

  it("uses -vn for audio only", () => {
    assert.deepEqual(buildRepublishArgs({ ...base, hasAudio: true, hasVideo: false }), [
      ...INPUT, "-vn", "-c:a", "aac", "-ar", "44100", "-ac", "2", "-b:a", "96k", ...OUT,
    ]);
  });

  it("applies audioGainDb to the call's audio only (a volume filter before AAC), and nothing for 0", () => {
    assert.deepEqual(buildRepublishArgs({ ...base, hasAudio: true, hasVideo: true, audioGainDb: 6 }), [
      ...INPUT, "-c:v", "copy", "-af", "volume=6dB", "-c:a", "aac", "-ar", "44100", "-ac", "2", "-b:a", "96k", ...OUT,
    ]);
    assert.ok(!buildRepublishArgs({ ...base, hasAudio: true, hasVideo: true, audioGainDb: 0 }).includes("-af"));
    // Generated silence has no level to correct.
    assert.ok(!buildRepublishArgs({ ...base, hasAudio: false, hasVideo: true, generateAudio: true, audioGainDb: 6 }).includes("-af"));
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

  it("makes black video for a call without video (paced with -re, mapped after the call's audio)", () => {
    assert.deepEqual(buildRepublishArgs({ ...base, hasAudio: true, hasVideo: false, generateVideo: {} }), [
      ...INPUT, "-re", "-f", "lavfi", "-i", "color=c=black:s=640x360:r=25", "-map", "0:a:0", "-map", "1:v:0", ...X264, ...AAC, ...OUT,
    ]);
  });

  it("shows a still image instead, fitted into 640x360", () => {
    const args = buildRepublishArgs({ ...base, hasAudio: true, hasVideo: false, generateVideo: { image: "/img/slate.png" } });
    assert.deepEqual(args.slice(INPUT.length, INPUT.length + 7), ["-re", "-loop", "1", "-framerate", "25", "-i", "/img/slate.png"]);
    const vf = args[args.indexOf("-vf") + 1];
    assert.match(vf, /^scale=640:360:force_original_aspect_ratio=decrease,pad=640:360:/);
  });

  it("makes silent AAC for a call without audio; generated tracks only replace missing ones", () => {
    assert.deepEqual(buildRepublishArgs({ ...base, hasAudio: false, hasVideo: true, generateAudio: true, generateVideo: {} }), [
      ...INPUT, "-re", "-f", "lavfi", "-i", "anullsrc=r=44100:cl=stereo", "-map", "0:v:0", "-map", "1:a:0", "-c:v", "copy", ...AAC, ...OUT,
    ]);
  });

  it("checks RTMPS certificates unless told not to, with an optional CA file", () => {
    const out = (tlsVerify?: boolean, caFile?: string): string[] => {
      const args = buildRepublishArgs({ sdpPath: "/s", output: { kind: "rtmp", url: "rtmps://h/app/k", tlsVerify, caFile }, hasAudio: true, hasVideo: false });
      return args.slice(args.indexOf("-b:a") + 2);
    };
    assert.deepEqual(out(), ["-tls_verify", "1", "-f", "flv", "-flvflags", "no_duration_filesize", "rtmps://h/app/k"]);
    assert.deepEqual(out(false).slice(0, 2), ["-tls_verify", "0"]);
    assert.deepEqual(out(true, "/ca.pem").slice(0, 4), ["-tls_verify", "1", "-ca_file", "/ca.pem"]);
    const plain = buildRepublishArgs({ sdpPath: "/s", output: { kind: "rtmp", url: "rtmp://h/app/k", tlsVerify: false }, hasAudio: true, hasVideo: false });
    assert.ok(!plain.includes("-tls_verify"), "no TLS option for plain rtmp (ffmpeg would reject it)");
  });

  it("records to fragmented MP4 or Matroska, never overwriting", () => {
    const rec = (format: "mp4" | "mkv"): string[] => {
      const args = buildRepublishArgs({ sdpPath: "/s", output: { kind: "record", path: "/r/call", format }, hasAudio: true, hasVideo: true });
      return args.slice(args.indexOf("-b:a") + 2);
    };
    assert.deepEqual(rec("mp4"), ["-f", "mp4", "-movflags", "+frag_keyframe+empty_moov+default_base_moof", "-n", "/r/call"]);
    assert.deepEqual(rec("mkv"), ["-f", "matroska", "-n", "/r/call"]);
  });

  it("wants exactly one of output and outputUrl", () => {
    assert.throws(() => buildRepublishArgs({ sdpPath: "/s", hasAudio: true, hasVideo: false }), ConfigError);
    assert.throws(() => buildRepublishArgs({ ...base, output: { kind: "record", path: "/r", format: "mp4" }, hasAudio: true, hasVideo: false }), ConfigError);
  });

  it("rejects nothing-to-publish and non-RTMP URLs", () => {
    assert.throws(() => buildRepublishArgs({ ...base, hasAudio: false, hasVideo: false }), ConfigError);
    assert.throws(() => buildRepublishArgs({ ...base, outputUrl: "file:/etc/passwd", hasAudio: true, hasVideo: false }), ConfigError);
  });
});
