import assert from "node:assert/strict";
import { ConfigError } from "../../src/errors";
import { buildSlateArgs, VideoSlateSender } from "../../src/media/video-slate-sender";

const sink = { localSsrc: 1, sendRtp: () => true };

describe("media/video slate into the call: ffmpeg arguments", () => {
  it("loops a still image into constrained-baseline H.264 RTP with the negotiated payload type", () => {
    const args = buildSlateArgs({ image: "/img/slate.png", codec: "H264", payloadType: 96, fmtp: "profile-level-id=42e01f;packetization-mode=1" }, 40000);
    assert.deepEqual(args.slice(5, 12), ["-re", "-loop", "1", "-framerate", "10", "-i", "/img/slate.png"]);
    assert.deepEqual(args.slice(args.indexOf("-c:v"), args.indexOf("-c:v") + 12), ["-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-profile:v", "baseline", "-level", "3.1", "-b:v", "256k"]);
    assert.equal(args[args.indexOf("-g") + 1], "20", "a keyframe every 2 s");
    assert.deepEqual(args.slice(-5), ["-payload_type", "96", "-f", "rtp", "rtp://127.0.0.1:40000?pkt_size=1200"]);
    assert.ok(!args.includes("-rtpflags"));
  });

  it("sends single NAL units for packetization-mode 0, black frames without an image, VP8 when negotiated", () => {
    const mode0 = buildSlateArgs({ codec: "H264", payloadType: 97, fmtp: "packetization-mode=0" }, 40000);
    assert.deepEqual(mode0.slice(mode0.indexOf("-x264-params"), mode0.indexOf("-x264-params") + 4), ["-x264-params", "slice-max-size=1100", "-rtpflags", "h264_mode0"]);
    assert.deepEqual(mode0.slice(5, 10), ["-re", "-f", "lavfi", "-i", "color=c=black:s=640x360:r=10"]);
    const vp8 = buildSlateArgs({ codec: "VP8", payloadType: 98 }, 40000);
    assert.equal(vp8[vp8.indexOf("-c:v") + 1], "libvpx");
  });

  it("refuses codecs it cannot encode for the peer", () => {
    assert.throws(() => new VideoSlateSender({ ffmpegPath: "ffmpeg", codec: "H263", payloadType: 34, sink }), ConfigError);
  });
});
