import assert from "node:assert/strict";
import { KeyframeGate, isVp8KeyframeStart, keyframeDetectorFor } from "../../src/media";

const H264_P_SLICE = Buffer.from([0x41, 0x9a, 0x00]); // NAL type 1
const H264_SPS = Buffer.from([0x67, 0x42, 0xe0, 0x1f]); // NAL type 7
const H264_FU_A_IDR_START = Buffer.from([0x7c, 0x85, 0x88]); // FU-A, S bit, type 5
const H264_FU_A_IDR_MIDDLE = Buffer.from([0x7c, 0x05, 0x88]);

/** VP8 payload descriptor (RFC 7741) + first byte of the VP8 frame header (bit 0: 0 = key frame). */
const vp8 = (descriptor: number[], frameByte: number): Buffer => Buffer.from([...descriptor, frameByte, 0x00, 0x9d]);

describe("media/KeyframeGate", () => {
  it("drops H.264 until a keyframe starts, then passes everything", () => {
    const gate = new KeyframeGate("H264");
    assert.equal(gate.admit(H264_P_SLICE), false);
    assert.equal(gate.admit(H264_FU_A_IDR_MIDDLE), false, "the middle of an IDR cannot start the stream");
    assert.equal(gate.admit(H264_FU_A_IDR_START), true);
    assert.equal(gate.admit(H264_P_SLICE), true);
    assert.equal(gate.held, 2);
    assert.equal(gate.open, true);
  });

  it("opens on an SPS (which precedes the IDR)", () => {
    const gate = new KeyframeGate("h264");
    assert.equal(gate.admit(H264_SPS), true);
  });

  it("gates VP8 on the key frame bit of the first partition's start", () => {
    const gate = new KeyframeGate("VP8");
    assert.equal(gate.admit(vp8([0x10], 0x01)), false, "S=1 PID=0 but an interframe");
    assert.equal(gate.admit(vp8([0x00], 0x00)), false, "not a partition start");
    assert.equal(gate.admit(vp8([0x10], 0x00)), true);
  });

  it("passes codecs it cannot parse ungated", () => {
    const gate = new KeyframeGate("H263");
    assert.equal(gate.open, true);
    assert.equal(gate.admit(Buffer.from([1, 2, 3])), true);
    assert.equal(keyframeDetectorFor("H263"), undefined);
  });
});

describe("media/isVp8KeyframeStart", () => {
  it("skips the extended descriptor: 15-bit picture id, TL0PICIDX, TID/KEYIDX", () => {
    // X=1, S=1; I=1 L=1 T=1 K=0; picture id with M bit (2 bytes); TL0PICIDX; TID byte
    assert.equal(isVp8KeyframeStart(vp8([0x90, 0xe0, 0x80, 0x01, 0x05, 0x40], 0x00)), true);
    assert.equal(isVp8KeyframeStart(vp8([0x90, 0xe0, 0x80, 0x01, 0x05, 0x40], 0x01)), false);
    // 7-bit picture id only
    assert.equal(isVp8KeyframeStart(vp8([0x90, 0x80, 0x12], 0x00)), true);
  });

  it("is false for truncated payloads and other partitions", () => {
    assert.equal(isVp8KeyframeStart(Buffer.alloc(0)), false);
    assert.equal(isVp8KeyframeStart(Buffer.from([0x90, 0x80])), false);
    assert.equal(isVp8KeyframeStart(Buffer.from([0x11, 0x00])), false, "PID 1");
  });
});
