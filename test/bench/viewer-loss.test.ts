import { strict as assert } from "node:assert";
import { lostBetween, SeqCounter } from "../../bench/viewers/seq-counter";
import type { ViewerState } from "../../bench/viewers/viewer-api";
import { perViewerCpu, viewerWindowFigures } from "../../bench/viewers/viewer-figures";

const count = (seqs: number[]): ReturnType<SeqCounter["figures"]> => {
  const c = new SeqCounter();
  for (const s of seqs) c.push(s);
  return c.figures();
};

describe("bench viewers: SeqCounter (RTP loss by sequence numbers)", () => {
  it("counts nothing before the first packet", () => {
    assert.deepEqual(new SeqCounter().figures(), { received: 0, expected: 0, gaps: 0, duplicates: 0 });
  });

  it("a gap-free run loses nothing", () => {
    assert.deepEqual(count([100, 101, 102, 103]), { received: 4, expected: 4, gaps: 0, duplicates: 0 });
  });

  it("missing packets are expected but not received; each jump is one gap", () => {
    assert.deepEqual(count([10, 11, 14, 15, 20]), { received: 5, expected: 11, gaps: 2, duplicates: 0 });
  });

  it("extends across the wrap at 65535", () => {
    assert.deepEqual(count([65533, 65534, 65535, 0, 1, 3]), { received: 6, expected: 7, gaps: 1, duplicates: 0 });
  });

  it("a late (reordered) packet fills its gap; a duplicate counts once", () => {
    const f = count([1, 2, 4, 3, 4, 5]);
    assert.equal(f.received, 5);
    assert.equal(f.expected, 5);
    assert.equal(f.duplicates, 1);
  });

  it("a packet older than the first extends the start", () => {
    assert.deepEqual(count([5, 6, 4]), { received: 3, expected: 3, gaps: 0, duplicates: 0 });
  });

  it("lostBetween gives a window's loss from two figures", () => {
    const c = new SeqCounter();
    for (const s of [1, 2, 3]) c.push(s);
    const a = c.figures();
    for (const s of [4, 7, 8]) c.push(s);
    assert.deepEqual(lostBetween(a, c.figures()), { expected: 5, received: 3, lost: 2 });
  });
});

describe("bench viewers: viewerWindowFigures and perViewerCpu", () => {
  const seq = (received: number, expected: number, gaps = 0): { received: number; expected: number; gaps: number; duplicates: number } => ({ received, expected, gaps, duplicates: 0 });
  const state = (id: number, video: ReturnType<typeof seq>, audio: ReturnType<typeof seq>): ViewerState => ({ id, answered: true, video, audio });

  it("loss per viewer is the window's difference; a viewer that joined late counts from zero", () => {
    const before = [state(1, seq(100, 100), seq(50, 50))];
    const after = [state(1, seq(300, 302, 1), seq(100, 100)), state(2, seq(150, 150), seq(0, 0))];
    const f = viewerWindowFigures(before, after, 200);
    assert.deepEqual(f.perViewer[0]?.video, { expected: 202, received: 200, lost: 2, gaps: 1 });
    assert.equal(f.perViewer[0]?.videoOfCallPct, 100);
    assert.equal(f.perViewer[1]?.videoOfCallPct, 75);
    assert.equal(f.withMedia, 1, "viewer 2 got no audio");
    assert.deepEqual(f.video, { expected: 352, received: 350, lost: 2, lossPct: (100 * 2) / 352 });
    assert.equal(f.worstVideoLossPct, (100 * 2) / 202);
    assert.equal(f.minVideoOfCallPct, 75);
    assert.deepEqual(f.videoSinceJoin, { expected: 452, received: 450, lost: 2, lossPct: (100 * 2) / 452, viewersWithLoss: 1 });
  });

  it("CPU per viewer subtracts the baseline", () => {
    assert.equal(perViewerCpu(12, 2, 10), 1);
    assert.equal(perViewerCpu(12, undefined, 10), undefined);
    assert.equal(perViewerCpu(12, 2, 0), undefined);
  });
});
