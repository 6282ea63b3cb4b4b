import { strict as assert } from "node:assert";
import { ConfigError } from "../../src/errors";
import { forStream, Impairment, seededRandom, validateImpairment, type ImpairmentTimers } from "../../src/demo/impairment";

/** A hand-driven clock: timers fire only when advance() passes their due time, in due order. */
class FakeClock implements ImpairmentTimers {
  now = 0;
  #next = 0;
  readonly timers = new Map<number, { due: number; seq: number; callback: () => void }>();

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#next++;
    this.timers.set(id, { due: this.now + ms, seq: id, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.due <= end).sort(([, a], [, b]) => a.due - b.due || a.seq - b.seq)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.now = due[1].due;
      due[1].callback();
    }
    this.now = end;
  }
}

/** Pushes `count` numbered items, one every `spacingMs`, and records when each is sent. */
function run(impairment: Impairment<number>, clock: FakeClock, count: number, spacingMs: number): Array<{ item: number; at: number }> {
  const sent: Array<{ item: number; at: number }> = [];
  for (let i = 0; i < count; i++) {
    impairment.push(i, (item) => sent.push({ item, at: clock.now }));
    clock.advance(spacingMs);
  }
  clock.advance(10_000);
  return sent;
}

describe("Impairment (lossy, jittery network of the test meeting's relay)", () => {
  it("drops about lossRate of many datagrams, and exactly the same ones for the same seed", () => {
    const clock = new FakeClock();
    const a = new Impairment<number>({ lossRate: 0.02, jitterMs: 0, seed: 7 }, { timers: clock });
    const sentA = run(a, clock, 20_000, 0).map((s) => s.item);
    const dropped = 20_000 - sentA.length;
    assert.ok(dropped >= 320 && dropped <= 480, `dropped ${dropped} of 20000 (2 % is 400)`);
    assert.deepEqual(a.toJSON(), { received: 20_000, dropped, sent: sentA.length, pending: 0, reordered: 0 });

    const b = new Impairment<number>({ lossRate: 0.02, jitterMs: 0, seed: 7 }, { timers: clock });
    assert.deepEqual(run(b, clock, 20_000, 0).map((s) => s.item), sentA, "same seed, same drops");
    const c = new Impairment<number>({ lossRate: 0.02, jitterMs: 0, seed: 8 }, { timers: clock });
    assert.notDeepEqual(run(c, clock, 20_000, 0).map((s) => s.item), sentA, "another seed, other drops");
  });

  it("delays each datagram by a whole 0..jitterMs ms, covering the range, and never loses one without loss", () => {
    const clock = new FakeClock();
    const impairment = new Impairment<number>({ lossRate: 0, jitterMs: 40, seed: 3 }, { timers: clock });
    const pushedAt = new Map<number, number>();
    const delays: number[] = [];
    for (let i = 0; i < 2000; i++) {
      pushedAt.set(i, clock.now);
      impairment.push(i, (item) => delays.push(clock.now - (pushedAt.get(item) ?? NaN)));
      clock.advance(20);
    }
    clock.advance(100);
    assert.equal(delays.length, 2000);
    assert.ok(delays.every((d) => Number.isInteger(d) && d >= 0 && d <= 40), `delays ${Math.min(...delays)}..${Math.max(...delays)}`);
    assert.equal(new Set(delays).size, 41, "every whole delay 0..40 occurs");
    const mean = delays.reduce((s, d) => s + d, 0) / delays.length;
    assert.ok(Math.abs(mean - 20) < 1.5, `mean delay ${mean} ms (uniform: 20)`);
  });

  it("reorders datagrams sent closer together than the jitter, and counts it", () => {
    const clock = new FakeClock();
    const impairment = new Impairment<number>({ lossRate: 0, jitterMs: 40, seed: 1 }, { timers: clock });
    const order = run(impairment, clock, 500, 5).map((s) => s.item);
    assert.deepEqual([...order].sort((x, y) => x - y), [...Array(500).keys()], "all sent once");
    const overtaken = order.filter((item, i) => order.slice(i + 1).some((later) => later < item)).length;
    assert.ok(overtaken > 100, `${overtaken} of 500 overtaken`);
    assert.ok(impairment.toJSON().reordered > 100, JSON.stringify(impairment.toJSON()));
  });

  it("close() cancels every pending send; nothing is sent or scheduled after it", () => {
    const clock = new FakeClock();
    const impairment = new Impairment<number>({ lossRate: 0, jitterMs: 40, seed: 5 }, { timers: clock });
    const sent: number[] = [];
    for (let i = 0; i < 50; i++) impairment.push(i, (item) => sent.push(item));
    const immediate = sent.length; // delay 0 goes out at once
    assert.ok(clock.timers.size > 0 && clock.timers.size === 50 - immediate);
    assert.equal(impairment.toJSON().pending, clock.timers.size);
    impairment.close();
    impairment.close();
    assert.equal(clock.timers.size, 0, "timers cleared");
    impairment.push(99, (item) => sent.push(item));
    clock.advance(1000);
    assert.equal(sent.length, immediate);
    assert.equal(impairment.toJSON().pending, 0);
  });

  it("uses real timers by default and releases them on close", async () => {
    const impairment = new Impairment({ lossRate: 0, jitterMs: 50, seed: 2 });
    const sent: Buffer[] = [];
    for (let i = 0; i < 20; i++) impairment.push(Buffer.from([i]), (b) => sent.push(b));
    const before = sent.length;
    assert.equal(impairment.toJSON().pending, 20 - before);
    assert.ok(before < 20);
    impairment.close();
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(sent.length, before, "nothing sent after close()");
  });

  it("seededRandom is deterministic, in [0, 1), and forStream gives each stream its own numbers", () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 1000 }, () => a());
    assert.deepEqual(Array.from({ length: 1000 }, () => b()), xs);
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    const base = { lossRate: 0.1, jitterMs: 10, seed: 42 };
    const seeds = [0, 1, 2, 3].map((n) => forStream(base, n).seed);
    assert.equal(new Set(seeds).size, 4);
    assert.deepEqual(forStream(base, 1), { lossRate: 0.1, jitterMs: 10, seed: seeds[1] });
  });

  it("refuses impossible settings with ConfigError", () => {
    for (const bad of [{ lossRate: 1, jitterMs: 0 }, { lossRate: -0.1, jitterMs: 0 }, { lossRate: 0, jitterMs: 1.5 }, { lossRate: 0, jitterMs: 1001 }, { lossRate: 0, jitterMs: 0, seed: 0.5 }]) {
      assert.throws(() => validateImpairment(bad), ConfigError, JSON.stringify(bad));
      assert.throws(() => new Impairment(bad), ConfigError);
    }
    validateImpairment({ lossRate: 0, jitterMs: 0 });
  });
});
