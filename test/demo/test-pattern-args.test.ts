import { strict as assert } from "node:assert";
import { buildTestPatternArgs, testPatternAudioSource, testPatternVideoSource } from "../../src/demo/test-pattern-args";

/** The value that follows `flag` in argv, for the n-th occurrence. */
function after(args: string[], flag: string, n = 0): string | undefined {
  const positions = args.flatMap((a, i) => (a === flag ? [i] : []));
  const i = positions[n];
  return i === undefined ? undefined : args[i + 1];
}

describe("buildTestPatternArgs (the test meeting's ffmpeg)", () => {
  it("sends H.264 baseline with a 2 s GOP and PCMU 20 ms frames to the relay ports with the negotiated payload types", () => {
    const args = buildTestPatternArgs({
      video: { codec: "H264", payloadType: 96, fmtp: "profile-level-id=42e01f;packetization-mode=1", rtpPort: 50000, rtcpPort: 50001 },
      audio: { codec: "PCMU", payloadType: 0, rtpPort: 50010, rtcpPort: 50011 },
    });
    assert.deepEqual(args.slice(0, 7), ["-hide_banner", "-nostdin", "-loglevel", "warning", "-progress", "pipe:1", "-nostats"]);
    assert.equal(after(args, "-i", 0), "testsrc2=size=640x360:rate=25");
    assert.equal(after(args, "-i", 1), "sine=frequency=440:sample_rate=8000:samples_per_frame=160");
    assert.equal(args.filter((a) => a === "-re").length, 2, "both inputs are read in real time");
    assert.equal(after(args, "-c:v"), "libx264");
    assert.equal(after(args, "-preset"), "ultrafast");
    assert.equal(after(args, "-tune"), "zerolatency");
    assert.equal(after(args, "-profile:v"), "baseline");
    assert.equal(after(args, "-g"), "50");
    assert.equal(after(args, "-c:a"), "pcm_mulaw");
    assert.equal(after(args, "-payload_type", 0), "96");
    assert.equal(after(args, "-payload_type", 1), "0");
    assert.equal(args.includes("-rtpflags"), false, "mode 1 may fragment (FU-A)");
    const outputs = args.filter((a) => a.startsWith("rtp://"));
    assert.deepEqual(outputs, ["rtp://127.0.0.1:50000?rtcpport=50001&pkt_size=1200", "rtp://127.0.0.1:50010?rtcpport=50011&pkt_size=1200"]);
    assert.deepEqual([after(args, "-map", 0), after(args, "-map", 1)], ["0:v", "1:a"]);
  });

  it("keeps H.264 packetization mode 0 to single NAL units", () => {
    const args = buildTestPatternArgs({ video: { codec: "H264", payloadType: 97, fmtp: "profile-level-id=42e01f;packetization-mode=0", rtpPort: 2, rtcpPort: 3 } });
    assert.equal(after(args, "-rtpflags"), "h264_mode0");
    assert.equal(after(args, "-map"), "0:v");
    assert.equal(args.includes("-c:a"), false);
  });

  it("encodes the other audio codecs at their own rates; audio alone maps input 0", () => {
    const opus = buildTestPatternArgs({ audio: { codec: "opus", payloadType: 111, rtpPort: 2, rtcpPort: 3 }, toneHz: 1000 });
    assert.equal(after(opus, "-i"), "sine=frequency=1000:sample_rate=48000:samples_per_frame=960");
    assert.equal(after(opus, "-c:a"), "libopus");
    assert.equal(after(opus, "-ac"), "2");
    assert.equal(after(opus, "-map"), "0:a");
    const g722 = buildTestPatternArgs({ audio: { codec: "G722", payloadType: 9, rtpPort: 2, rtcpPort: 3 } });
    assert.equal(after(g722, "-ar"), "16000");
    const pcma = buildTestPatternArgs({ audio: { codec: "PCMA", payloadType: 8, rtpPort: 2, rtcpPort: 3 } });
    assert.equal(after(pcma, "-c:a"), "pcm_alaw");
  });

  it("uses libvpx for VP8 and honours size, fps and GOP", () => {
    const args = buildTestPatternArgs({ video: { codec: "VP8", payloadType: 98, rtpPort: 2, rtcpPort: 3 }, size: "320x180", fps: 15, gop: 15 });
    assert.equal(after(args, "-i"), "testsrc2=size=320x180:rate=15");
    assert.equal(after(args, "-c:v"), "libvpx");
    assert.equal(after(args, "-g"), "15");
  });

  it("refuses to build a command with nothing to send", () => {
    assert.throws(() => buildTestPatternArgs({}), RangeError);
  });

  it("flash-beep: white frames for the first 120 ms of each second and a 1 kHz beep over the same 120 ms (syntax checked on ffmpeg 5.1)", () => {
    const args = buildTestPatternArgs({
      pattern: "flash-beep",
      video: { codec: "H264", payloadType: 96, fmtp: "packetization-mode=1", rtpPort: 50000, rtcpPort: 50001 },
      audio: { codec: "PCMU", payloadType: 0, rtpPort: 50010, rtcpPort: 50011 },
    });
    assert.equal(after(args, "-i", 0), "testsrc2=size=640x360:rate=25,drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='lt(mod(n,25),3)'");
    assert.equal(after(args, "-i", 1), "aevalsrc=exprs='if(lt(mod(t,1),0.12),0.5*sin(2*PI*1000*t),0)':s=8000:n=160");
    assert.equal(testPatternVideoSource("flash-beep", "320x180", 30), "testsrc2=size=320x180:rate=30,drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='lt(mod(n,30),4)'");
    assert.equal(testPatternAudioSource("testsrc", 48000, 960, 1000), "sine=frequency=1000:sample_rate=48000:samples_per_frame=960");
    assert.throws(() => testPatternVideoSource("flash-beep", "640x360", 29.97), RangeError);
  });

  it("anchors both RTP outputs' sender reports on one wall-clock time when given", () => {
    const args = buildTestPatternArgs({
      video: { codec: "H264", payloadType: 96, rtpPort: 2, rtcpPort: 3 },
      audio: { codec: "PCMU", payloadType: 0, rtpPort: 4, rtcpPort: 5 },
      startTimeRealtimeUs: 1_700_000_000_123_000,
    });
    const anchors = args.flatMap((a, i) => (a === "-start_time_realtime" ? [i] : []));
    assert.equal(anchors.length, 2);
    for (const i of anchors) {
      assert.equal(args[i + 1], "1700000000123000");
      assert.deepEqual(args.slice(i + 2, i + 4), ["-f", "rtp"], "an output option of each RTP output");
    }
    assert.equal(buildTestPatternArgs({ audio: { codec: "PCMU", payloadType: 0, rtpPort: 4, rtcpPort: 5 } }).includes("-start_time_realtime"), false);
  });
});
