import assert from "node:assert/strict";
import { ConfigError } from "../../src/errors";
import { buildRepublishArgs, isRtmpUrl } from "../../src/media";

describe("media/one RTMP URL test", () => {
  it("takes rtmp:// and rtmps:// with a host, nothing else", () => {
    for (const url of ["rtmp://h/app", "RTMPS://h:443/app/key", "rtmp://127.0.0.1:1935/live"]) assert.equal(isRtmpUrl(url), true, url);
    for (const url of ["rtmpt://h/app", "rtmpe://h/app", "rtmpte://h/app", "http://h/app", "rtmp:///app", "file:/etc/passwd"]) assert.equal(isRtmpUrl(url), false, url);
  });

  it("buildRepublishArgs refuses a bare rtmpt:// URL as the engine's options do", () => {
    assert.throws(
      () => buildRepublishArgs({ sdpPath: "/s", outputUrl: "rtmpt://h/app/key", hasAudio: true, hasVideo: false }),
      (e: unknown) => e instanceof ConfigError && /outputUrl/.test(e.message),
    );
  });
});
