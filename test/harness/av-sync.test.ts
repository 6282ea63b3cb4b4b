import { strict as assert } from "node:assert";
import * as path from "node:path";
import { analyseAvSync, formatAvSync, type AvSyncReport } from "./av-sync";
import { makeFlashBeepClip, type FlashBeepClipOptions } from "./av-sync-clips";
import { runDir } from "./paths";
import { requirePeers } from "./require-peers";

/**
 * The analysis against clips made straight from the test meeting's lavfi sources, where the
 * truth is known: it must find 0 ms, +100 ms, a 2 s freeze and a 1.7 s hole — so that the
 * end-to-end A/V check can fail.
 */
describe("A/V sync analysis of ffmpeg-made flash-beep clips (FLV, H.264 + AAC)", function () {
  this.timeout(120_000);
  let dir: string;

  before(function () {
    requirePeers(["ffmpeg"]);
    dir = runDir("av-sync-clips");
  });

  async function analyse(name: string, o: Omit<FlashBeepClipOptions, "seconds">): Promise<AvSyncReport> {
    const file = path.join(dir, `${name}.flv`);
    await makeFlashBeepClip(file, { seconds: 10, ...o });
    const report = await analyseAvSync(file);
    process.stdout.write(`      ${formatAvSync(name, report)}\n`);
    return report;
  }

  it("finds offset 0 (within 5 ms, under a frame) for every flash of an in-sync clip, and no freeze", async () => {
    const r = await analyse("in-sync", {});
    assert.equal(r.expectedFlashes, 10, "10 s of stream");
    assert.equal(r.pairs.length, 9, "flashes at 1..9 s (the one on the first frame cannot be told from a flash begun earlier)");
    assert.ok(r.offset.maxAbsMs <= 5, `max |offset| ${r.offset.maxAbsMs} ms`);
    assert.equal(r.freezeCount, 0);
    assert.ok(r.videoFrames >= 245 && r.videoFrames <= 250, `${r.videoFrames} frames`);
  });

  it("finds +100 ms when the audio was delayed by 100 ms (adelay)", async () => {
    const r = await analyse("audio-late-100", { audioDelayMs: 100 });
    assert.equal(r.pairs.length, 9);
    assert.ok(Math.abs(r.offset.medianMs - 100) <= 5 && r.offset.minMs >= 95, JSON.stringify(r.offset));
  });

  it("keeps later beeps in place across a 60 ms hole in the audio timestamps", async () => {
    const r = await analyse("audio-hole-60", { dropAudioFrames: { from: 60, to: 62 } });
    assert.equal(r.pairs.length, 9);
    assert.ok(r.offset.maxAbsMs <= 5, `max |offset| ${r.offset.maxAbsMs} ms`);
  });

  it("counts a 2 s frozen picture (freezedetect) as one freeze of ~2040 ms", async () => {
    const r = await analyse("frozen-2s", { freezeFrames: { from: 80, to: 129 } });
    assert.equal(r.freezeCount, 1);
    assert.ok(Math.abs(r.longestFreezeMs - 2040) <= 40, `longest ${r.longestFreezeMs} ms`);
    assert.equal(r.pairs.length, 7, "the flashes at 4 s and 5 s were frozen away");
  });

  it("counts a 1.7 s hole in the video timestamps as one freeze of ~1680 ms", async () => {
    const r = await analyse("hole-1.7s", { dropFrames: { from: 130, to: 170 } });
    assert.equal(r.freezeCount, 1);
    assert.ok(Math.abs(r.longestFreezeMs - 1680) <= 40, `longest ${r.longestFreezeMs} ms`);
    assert.ok(r.freezes.some((f) => f.kind === "gap"));
  });

  it("reports a stream without video as 0 flashes matched (figures, not an error)", async () => {
    const r = await analyse("audio-only", { withoutVideo: true });
    assert.equal(r.videoFrames, 0);
    assert.equal(r.beeps.length, 9);
    assert.equal(r.expectedFlashes, 10);
    assert.equal(r.pairs.length, 0);
  });
});
