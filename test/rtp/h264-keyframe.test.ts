import assert from "node:assert/strict";
import { isH264KeyframeStart } from "../../src/rtp/h264-keyframe";

const bytes = (...b: number[]): Buffer => Buffer.from(b);

describe("rtp/isH264KeyframeStart", () => {
  it("single NAL: IDR (5) and SPS (7) start a keyframe", () => {
    assert.equal(isH264KeyframeStart(bytes(0x65, 0x88, 0x84)), true);
    assert.equal(isH264KeyframeStart(bytes(0x67, 0x42, 0xc0, 0x1f)), true);
  });

  it("single NAL: non-IDR slice (1), PPS (8), SEI (6) do not", () => {
    assert.equal(isH264KeyframeStart(bytes(0x41, 0x9a)), false);
    assert.equal(isH264KeyframeStart(bytes(0x68, 0xce, 0x3c, 0x80)), false);
    assert.equal(isH264KeyframeStart(bytes(0x06, 0x05)), false);
  });

  it("STAP-A holding SPS and PPS does", () => {
    assert.equal(isH264KeyframeStart(bytes(0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xce)), true);
  });

  it("STAP-A whose second unit is an IDR does", () => {
    assert.equal(isH264KeyframeStart(bytes(0x78, 0x00, 0x01, 0x06, 0x00, 0x02, 0x65, 0x88)), true);
  });

  it("STAP-A of SEI and PPS does not", () => {
    assert.equal(isH264KeyframeStart(bytes(0x78, 0x00, 0x02, 0x06, 0x05, 0x00, 0x02, 0x68, 0xce)), false);
  });

  it("STAP-A with a size running past the end does not", () => {
    assert.equal(isH264KeyframeStart(bytes(0x78, 0x00, 0x09, 0x67, 0x42)), false);
  });

  it("FU-A start fragment of an IDR does; middle and end fragments do not", () => {
    assert.equal(isH264KeyframeStart(bytes(0x7c, 0x85, 0x88)), true);
    assert.equal(isH264KeyframeStart(bytes(0x7c, 0x05, 0x88)), false);
    assert.equal(isH264KeyframeStart(bytes(0x7c, 0x45, 0x88)), false);
  });

  it("FU-A start fragment of a non-IDR slice does not", () => {
    assert.equal(isH264KeyframeStart(bytes(0x5c, 0x81, 0x9a)), false);
  });

  it("empty, truncated FU-A, STAP-B and FU-B do not", () => {
    assert.equal(isH264KeyframeStart(bytes()), false);
    assert.equal(isH264KeyframeStart(bytes(0x7c)), false);
    assert.equal(isH264KeyframeStart(bytes(0x79, 0x00, 0x01, 0x00, 0x02, 0x65, 0x88)), false);
    assert.equal(isH264KeyframeStart(bytes(0x7d, 0x85, 0x00, 0x01)), false);
  });
});
