import assert from "node:assert/strict";
import { describeMediaChange, type NegotiatedMedia, type NegotiatedStream } from "../../src/sdp";

function stream(over: Partial<NegotiatedStream> & Pick<NegotiatedStream, "kind" | "codec" | "payloadType" | "clockRate">): NegotiatedStream {
  return {
    mlineIndex: over.kind === "audio" ? 0 : 1,
    receivePayloadTypes: [over.payloadType],
    channels: 1,
    remoteAddress: "127.0.0.1",
    remoteRtpPort: 40000,
    remoteRtcpPort: 40001,
    rtcpMux: false,
    remoteDirection: "sendrecv",
    remoteSsrcs: [],
    ...over,
  } as NegotiatedStream;
}

const PCMU = stream({ kind: "audio", codec: "PCMU", payloadType: 0, clockRate: 8000 });
const H264 = stream({ kind: "video", codec: "H264", payloadType: 96, clockRate: 90000, fmtp: "profile-level-id=42e01f;packetization-mode=1" });

describe("sdp/describeMediaChange", () => {
  it("says nothing when only addresses, ports, direction or SSRCs changed (a media move, hold)", () => {
    const before: NegotiatedMedia = { audio: PCMU, video: H264 };
    const after: NegotiatedMedia = {
      audio: { ...PCMU, remoteRtpPort: 50000, remoteRtcpPort: 50001, remoteDirection: "sendonly" },
      video: { ...H264, remoteAddress: "127.0.0.2", remoteSsrcs: [1234] } as NegotiatedStream,
    };
    assert.equal(describeMediaChange(before, after), undefined);
  });

  it("names an audio codec change, and the video one alone", () => {
    const pcma = stream({ kind: "audio", codec: "PCMA", payloadType: 8, clockRate: 8000 });
    assert.equal(describeMediaChange({ audio: PCMU, video: H264 }, { audio: pcma, video: H264 }), "audio PCMU/8000 pt 0 → PCMA/8000 pt 8");
    const vp8 = stream({ kind: "video", codec: "VP8", payloadType: 98, clockRate: 90000 });
    assert.equal(describeMediaChange({ audio: PCMU, video: H264 }, { audio: PCMU, video: vp8 }), `video H264/90000 pt 96 (${H264.fmtp}) → VP8/90000 pt 98`);
  });

  it("counts another H.264 profile (fmtp), another payload number of the same codec, and a medium gone", () => {
    const high = { ...H264, fmtp: "profile-level-id=640028;packetization-mode=1" };
    assert.match(describeMediaChange({ video: H264 }, { video: high }) ?? "", /^video .*42e01f.* → .*640028/);
    assert.match(describeMediaChange({ audio: PCMU }, { audio: { ...PCMU, payloadType: 100, receivePayloadTypes: [100] } }) ?? "", /pt 0 → PCMU\/8000 pt 100/);
    assert.equal(describeMediaChange({ audio: PCMU, video: H264 }, { audio: PCMU }), `video H264/90000 pt 96 (${H264.fmtp}) → none`);
    // Payload numbers the peer may send: one more is a change, one fewer is not (seen on a media move).
    assert.equal(describeMediaChange({ audio: PCMU }, { audio: { ...PCMU, receivePayloadTypes: [0, 100] } }), "audio PCMU/8000 pt 0 also received as pt 100");
    assert.equal(describeMediaChange({ video: { ...H264, receivePayloadTypes: [96, 97] } }, { video: H264 }), undefined);
  });
});
