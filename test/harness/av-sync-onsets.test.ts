import { strict as assert } from "node:assert";
import { freezesFromMetadata, parseMetadataPrint } from "./av-sync-ffmpeg";
import { beepOnsets, flashOnsets, lumaThreshold, type LumaFrame } from "./av-sync-onsets";
import { freezeSummary, offsetStats, pairOnsets, timestampGaps } from "./av-sync-stats";

/** 25 fps frames over `seconds`, luma 125 except 235 for the first 3 frames of each second, shifted by `startMs`. */
function flashingFrames(seconds: number, startMs = 0): LumaFrame[] {
  return Array.from({ length: seconds * 25 }, (_, n) => ({ ptsMs: startMs + n * 40, luma: n % 25 < 3 ? 235 : 125 + (n % 7) / 10 }));
}

/** Mono samples at `rate`: silence with a 1 kHz, 0.5-amplitude beep of 120 ms at each of `onsetsMs`. */
function beeps(rate: number, seconds: number, onsetsMs: number[], noise = 0): Float32Array {
  const samples = new Float32Array(rate * seconds);
  for (let i = 0; i < samples.length; i++) samples[i] = noise * Math.sin(i * 12.9898);
  for (const onset of onsetsMs) {
    const first = Math.round((onset * rate) / 1000);
    for (let i = 0; i < (rate * 120) / 1000 && first + i < samples.length; i++) samples[first + i] = 0.5 * Math.sin((2 * Math.PI * 1000 * i) / rate);
  }
  return samples;
}

describe("A/V sync analysis: onsets, pairing, offsets, freezes (pure)", () => {
  it("finds a flash onset at the first bright frame after a dark one, not at the first frame", () => {
    const frames = flashingFrames(5, 23);
    const threshold = lumaThreshold(frames);
    assert.ok(threshold > 170 && threshold < 190, `threshold ${threshold}`);
    assert.deepEqual(flashOnsets(frames), [1023, 2023, 3023, 4023]);
    assert.deepEqual(flashOnsets(flashingFrames(3, 0).slice(5)), [1000, 2000], "a clip starting mid-picture");
  });

  it("sees no flash in a picture without one (threshold NaN)", () => {
    const frames = Array.from({ length: 100 }, (_, n) => ({ ptsMs: n * 40, luma: 120 + (n % 10) }));
    assert.ok(Number.isNaN(lumaThreshold(frames)));
    assert.deepEqual(flashOnsets(frames), []);
    assert.ok(Number.isNaN(lumaThreshold([])));
  });

  it("finds beep onsets to the millisecond after 300 ms of quiet, and ignores low noise", () => {
    const rate = 16000;
    assert.deepEqual(beepOnsets(beeps(rate, 4, [500, 1500, 2507]), rate), [500, 1500, 2507]);
    assert.deepEqual(beepOnsets(beeps(rate, 3, [1000, 2000], 0.01), rate), [1000, 2000], "noise at −40 dBFS");
  });

  it("does not count a beep cut at the start, or one that follows another within 300 ms", () => {
    const rate = 8000;
    assert.deepEqual(beepOnsets(beeps(rate, 3, [100, 1100]), rate), [1100], "only 100 ms of quiet before the first");
    assert.deepEqual(beepOnsets(beeps(rate, 3, [1000, 1250]), rate), [1000], "130 ms of quiet between them");
    assert.deepEqual(beepOnsets(beeps(rate, 3, [1000, 1250]), rate, { quietMs: 100 }), [1000, 1250]);
    assert.deepEqual(beepOnsets(beeps(rate, 2, [1000]), rate, { threshold: 0.5 }), [], "the beep's RMS is 0.35");
  });

  it("pairs each flash with the nearest beep within ±500 ms, one beep per flash", () => {
    // 3000 has none: 2400 and 3600 are both 600 ms away.
    assert.deepEqual(pairOnsets([1000, 2000, 3000, 4000], [1030, 1990, 2400, 3600, 5000]), [
      { flashMs: 1000, beepMs: 1030, offsetMs: 30 },
      { flashMs: 2000, beepMs: 1990, offsetMs: -10 },
      { flashMs: 4000, beepMs: 3600, offsetMs: -400 },
    ]);
    assert.deepEqual(pairOnsets([1000, 1100], [1060]), [{ flashMs: 1100, beepMs: 1060, offsetMs: -40 }], "a shared beep goes to the closer flash");
    assert.deepEqual(pairOnsets([1000], [1600]), []);
    assert.deepEqual(pairOnsets([1000], [1200], 100), []);
  });

  it("summarises offsets: count, median, largest |offset|", () => {
    const stats = offsetStats([5, -30, 10, 0].map((offsetMs) => ({ flashMs: 0, beepMs: offsetMs, offsetMs })));
    assert.deepEqual(stats, { count: 4, medianMs: 2.5, maxAbsMs: 30, minMs: -30, maxMs: 10 });
    assert.equal(offsetStats([{ flashMs: 0, beepMs: 7, offsetMs: 7 }]).medianMs, 7);
    assert.equal(offsetStats([]).count, 0);
    assert.ok(Number.isNaN(offsetStats([]).maxAbsMs));
  });

  it("finds timestamp gaps over 1 s and merges them with overlapping freezes before counting", () => {
    const pts = [0, 40, 80, 1200, 1240, 2500, 2540];
    assert.deepEqual(timestampGaps(pts), [
      { startMs: 80, durationMs: 1120, kind: "gap" },
      { startMs: 1240, durationMs: 1260, kind: "gap" },
    ]);
    assert.deepEqual(timestampGaps([0, 1000, 2000]), [], "exactly 1 s is not over 1 s");
    const freezes = [
      { startMs: 80, durationMs: 1120, kind: "frozen" as const },
      { startMs: 80, durationMs: 1120, kind: "gap" as const },
      { startMs: 5000, durationMs: 900, kind: "frozen" as const },
      { startMs: 5800, durationMs: 400, kind: "gap" as const },
      { startMs: 9000, durationMs: 500, kind: "frozen" as const },
    ];
    assert.deepEqual(freezeSummary(freezes), { count: 2, longestMs: 1200 }, "80–1200 once; 5000–6200 joined");
    assert.deepEqual(freezeSummary([]), { count: 0, longestMs: 0 });
  });

  it("parses ffmpeg's metadata=print output and freezedetect's tags (also a gap's start+end on one frame, and one open at the end)", () => {
    const text = [
      "frame:0    pts:23      pts_time:0.023",
      "lavfi.signalstats.YAVG=235",
      "frame:1    pts:63      pts_time:0.063",
      "lavfi.signalstats.YAVG=125.3",
      "lavfi.freezedetect.freeze_start=0.063",
      "frame:2    pts:2000    pts_time:2",
      "lavfi.freezedetect.freeze_duration=1.937",
      "lavfi.freezedetect.freeze_end=2",
      "frame:3    pts:4000    pts_time:4",
      "lavfi.freezedetect.freeze_start=2",
      "lavfi.freezedetect.freeze_duration=2",
      "lavfi.freezedetect.freeze_end=4",
      "frame:4    pts:5000    pts_time:5",
      "lavfi.freezedetect.freeze_start=4",
      "frame:5    pts:6500    pts_time:6.5",
      "",
    ].join("\n");
    const records = parseMetadataPrint(text);
    assert.equal(records.length, 6);
    assert.deepEqual(records[0], { ptsMs: 23, tags: { "lavfi.signalstats.YAVG": "235" } });
    assert.deepEqual(freezesFromMetadata(records), [
      { startMs: 63, durationMs: 1937, kind: "frozen" },
      { startMs: 2000, durationMs: 2000, kind: "frozen" },
      { startMs: 4000, durationMs: 2500, kind: "frozen" },
    ]);
  });
});
