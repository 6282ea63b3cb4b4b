import { strict as assert } from "node:assert";
import { ConfigError, InvalidStateError } from "../../src/errors";
import { DtmfError, DtmfSender, type DtmfTransport } from "../../src/dtmf/dtmf-sender";
import type { DtmfDigit } from "../../src/dtmf/dtmf-digits";
import { FakeClock } from "../rtp/helpers/fake-clock";

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Moves the fake clock in small steps, letting promise callbacks run between them. */
async function advance(clock: FakeClock, ms: number, step = 1): Promise<void> {
  await flush();
  for (let t = 0; t < ms; t += step) {
    clock.advance(Math.min(step, ms - t));
    await flush();
  }
}

interface Sent {
  at: number;
  how: "event" | "info";
  key: string;
}

/** A transport whose keys complete when told (`finish()`), recording when each started. */
class FakeTransport implements DtmfTransport {
  readonly sent: Sent[] = [];
  private pending: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  constructor(
    private readonly clock: FakeClock,
    private readonly eventMs: number,
  ) {}

  sendEvent(code: number, durationMs: number): Promise<void> {
    this.sent.push({ at: this.clock.now(), how: "event", key: `${code}/${durationMs}` });
    // An RFC 4733 key lasts its duration plus the two repeated end packets.
    return new Promise((resolve) => this.clock.setTimeout(resolve, this.eventMs));
  }

  sendInfo(digit: DtmfDigit, durationMs: number): Promise<void> {
    this.sent.push({ at: this.clock.now(), how: "info", key: `${digit}/${durationMs}` });
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  }

  /** Answers the oldest INFO. */
  answer(ok: boolean): void {
    const next = this.pending.shift();
    if (!next) throw new Error("no INFO pending");
    if (ok) next.resolve();
    else next.reject(new DtmfError("INFO refused: 488"));
  }
}

describe("DtmfSender", () => {
  it("runs RFC 4733 keys with the initial delay, gaps and comma pauses, reporting each key", async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock, 200);
    const done: string[] = [];
    const sender = new DtmfSender({ transport, clock, onDigit: (d, t) => done.push(`${d}:${t}@${clock.now()}`) });
    let finished = false;
    void sender.send("12,#", { initialDelayMs: 1000 }).then(() => (finished = true));
    await advance(clock, 3000);
    assert.ok(finished);
    // 1 at 1000 (+200) → gap 100 → 2 at 1300 (+200) → pause 500 → # at 2000 (+200)
    assert.deepEqual(transport.sent, [
      { at: 1000, how: "event", key: "1/160" },
      { at: 1300, how: "event", key: "2/160" },
      { at: 2000, how: "event", key: "11/160" },
    ]);
    assert.deepEqual(done, ["1:RFC2833@1200", "2:RFC2833@1500", "#:RFC2833@2200"]);
    sender.close();
    assert.equal(clock.pending, 0);
  });

  it("sends an INFO key only after the previous one was accepted and its duration passed", async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock, 0);
    const sender = new DtmfSender({ transport, clock });
    let finished = false;
    void sender.send("34", { type: "INFO", durationMs: 200, gapMs: 50 }).then(() => (finished = true));
    await advance(clock, 1000);
    assert.deepEqual(transport.sent, [{ at: 0, how: "info", key: "3/200" }], "4 waits for the answer to 3");
    transport.answer(true);
    await advance(clock, 50);
    assert.deepEqual(transport.sent.map((s) => s.at), [0, 1050]);
    // Accepted at once, but the key still lasts 200 ms before the 50 ms gap.
    const clock2 = new FakeClock();
    const t2 = new FakeTransport(clock2, 0);
    const s2 = new DtmfSender({ transport: t2, clock: clock2 });
    void s2.send("56", { type: "INFO", durationMs: 200, gapMs: 50 });
    await flush();
    t2.answer(true);
    await advance(clock2, 400);
    assert.deepEqual(t2.sent.map((s) => [s.key, s.at]), [
      ["5/200", 0],
      ["6/200", 250],
    ]);
    transport.answer(true);
    await advance(clock, 300);
    assert.ok(finished);
    sender.close();
    s2.close();
  });

  it("queues sequences in call order, and a failed one does not block the next", async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock, 0);
    const sender = new DtmfSender({ transport, clock });
    const first = sender.send("1", { type: "INFO", durationMs: 40 });
    const second = sender.send("2", { type: "INFO", durationMs: 40 });
    const third = sender.send("3", { durationMs: 40 });
    await flush();
    transport.answer(false);
    await assert.rejects(first, DtmfError);
    await advance(clock, 50);
    transport.answer(true);
    await advance(clock, 50);
    await second;
    await advance(clock, 50);
    await third;
    assert.deepEqual(transport.sent.map((s) => `${s.how}:${s.key}`), ["info:1/40", "info:2/40", "event:3/40"]);
    sender.close();
  });

  it("rejects invalid input at once with ConfigError and queues nothing", async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock, 0);
    const sender = new DtmfSender({ transport, clock });
    await assert.rejects(sender.send("1x"), ConfigError);
    await assert.rejects(sender.send("1", { gapMs: -5 }), ConfigError);
    assert.deepEqual(transport.sent, []);
    sender.close();
  });

  it("on close rejects the running and queued sequences with InvalidStateError and leaves no timer", async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock, 0);
    const sender = new DtmfSender({ transport, clock });
    const waiting = sender.send("1", { initialDelayMs: 5000 });
    const queued = sender.send("2");
    await advance(clock, 100);
    sender.close();
    await assert.rejects(waiting, InvalidStateError);
    await assert.rejects(queued, InvalidStateError);
    await assert.rejects(sender.send("3"), InvalidStateError);
    assert.equal(clock.pending, 0);
    assert.deepEqual(transport.sent, []);
  });
});
