import { strict as assert } from "node:assert";
import { judgeSoak, type SoakEnd, type SoakSample, type SoakWindow } from "../../bench/soak/soak-verdict";

const sample = (atSeconds: number, nodeRssKb: number, over: Partial<SoakSample> = {}): SoakSample => ({ atSeconds, warmup: atSeconds < 60, nodeRssKb, heapUsedKb: 10_000, ffmpegRssKb: 50_000, fds: 40, children: 2, liveCalls: 2, ...over });
const window = (over: Partial<SoakWindow> = {}): SoakWindow => ({
  atSeconds: 0, seconds: 10, warmup: false, expected: 500, received: 500, damaged: 0, audioFrames: 860, audioGaps: 0, audioMaxGapMs: 24, videoGaps: 0, videoMaxGapMs: 40, backwardSteps: 0, missingStreams: 0, latencyP95Ms: 90, cpu: { engine: 10, benchPeers: 5, machine: 50, other: 35 }, ...over,
});
const END: SoakEnd = { up: 2, endedEarly: 0, republished: {}, outputReconnects: 0, leftoverProcesses: 0 };
/** Warm-up samples far below the rest (the heap grows at the start), then flat memory. */
const flat = (): SoakSample[] => [sample(0, 50_000), sample(30, 70_000), ...[60, 90, 120, 150, 180, 210].map((t, i) => sample(t, 100_000 + (i % 2) * 1000))];

describe("bench soak verdict", () => {
  it("passes flat memory, descriptors and children with every frame and a continuous timeline, whatever the warm-up did", () => {
    const v = judgeSoak(2, flat(), [window(), window()], END);
    assert.deepEqual(v.reasons, []);
    assert.equal(v.pass, true);
    assert.ok(Math.abs(v.rss.growthPct) <= 1, String(v.rss.growthPct));
  });

  it("fails RSS growth of 5 % or more after the warm-up, growing descriptors and a changing child count", () => {
    const growing = [sample(0, 50_000), ...[60, 90, 120, 150, 180, 210].map((t, i) => sample(t, 100_000 + i * 2000, { fds: 40 + i, children: i === 3 ? 1 : 2 }))];
    // 100 MB after the warm-up, then 106, 108, 110: 8 % more at the end.
    const v = judgeSoak(2, growing, [window()], END);
    assert.equal(v.pass, false);
    assert.ok(v.reasons.some((r) => /RSS grew 8\.0 %/.test(r)), v.reasons.join("; "));
    assert.ok(v.reasons.some((r) => /file descriptors grew 40 → 45/.test(r)), v.reasons.join("; "));
    assert.ok(v.reasons.some((r) => /child processes 1–2, not 2/.test(r)), v.reasons.join("; "));
  });

  it("fails one lost or damaged frame, an audio or video gap, a step back, a re-publish or an output restart", () => {
    const cases: Array<[Partial<SoakWindow>, Partial<SoakEnd>, RegExp]> = [
      [{ received: 499 }, {}, /1 of 1000 frames lost/],
      [{ damaged: 1 }, {}, /1 of 1000 frames lost or damaged/],
      [{ audioGaps: 1, audioMaxGapMs: 300 }, {}, /1 audio gaps \(max 300 ms\)/],
      [{ videoGaps: 2, videoMaxGapMs: 900 }, {}, /2 video timeline gaps/],
      [{ backwardSteps: 1 }, {}, /stepped back/],
      [{}, { republished: { soak1: 2 } }, /published again: soak1 ×2/],
      [{}, { outputReconnects: 1 }, /1 output restarts/],
      [{}, { endedEarly: 1 }, /1 calls ended/],
      [{}, { up: 1 }, /only 1 of 2 calls came up/],
    ];
    for (const [w, e, re] of cases) {
      const v = judgeSoak(2, flat(), [window(), window(w)], { ...END, ...e });
      assert.equal(v.pass, false, re.source);
      assert.ok(v.reasons.some((r) => re.test(r)), `${re.source}: ${v.reasons.join("; ")}`);
    }
  });

  it("takes the warm-up's highest RSS as the baseline: memory handed back after it and taken again is no growth", () => {
    // As measured with 8 calls: 83 MB in the warm-up, 71 MB after it, 82 MB at the end.
    const swinging = [sample(0, 81_700), sample(30, 83_300), ...[60, 90, 120, 150, 180, 210, 240, 270].map((t, i) => sample(t, [71_600, 75_900, 70_300, 74_000, 73_900, 77_100, 83_100, 82_100][i] as number))];
    const v = judgeSoak(2, swinging, [window()], END);
    assert.equal(v.rss.startKb, 83_300);
    assert.equal(v.rss.endKb, 82_100);
    assert.deepEqual(v.reasons, []);
  });

  it("fails a soak too short to judge (fewer than three samples after the warm-up)", () => {
    const v = judgeSoak(2, [sample(0, 1), sample(60, 1), sample(70, 1)], [window()], END);
    assert.ok(v.reasons.some((r) => /only 2 samples after the warm-up/.test(r)), v.reasons.join("; "));
  });
});
