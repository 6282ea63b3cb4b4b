import assert from "node:assert/strict";
import { MediaError } from "../../../src/media";
import { OutputSupervisor, type AttemptHooks, type OutputAttempt, type OutputStatus } from "../../../src/output/ffmpeg/output-supervisor";
import { resolveRetryPolicy, type RetryPolicy } from "../../../src/output/ffmpeg/retry-policy";
import { FakeClock } from "../../rtp/helpers/fake-clock";

/** An attempt the test drives by hand. */
class FakeAttempt implements OutputAttempt {
  started = false;
  stopped: boolean | undefined; // the `clean` flag once stop() was called
  constructor(
    readonly n: number,
    readonly hooks: AttemptHooks,
  ) {}
  start(): void {
    this.started = true;
  }
  stop(clean: boolean): Promise<void> {
    this.stopped ??= clean;
    return Promise.resolve();
  }
  live(outTimeMs = 100): void {
    this.hooks.started();
    this.progress(outTimeMs);
  }
  progress(outTimeMs: number): void {
    this.hooks.progress({ frame: 1, fps: 25, bitrateKbps: 500, outTimeMs, speed: 1, totalSize: 1, progress: "continue" });
  }
  fail(detail = "Connection refused"): void {
    this.hooks.ended(new MediaError("FAILED_BY_RTMP_WRITER_ERROR", detail));
  }
}

function setup(retry: Partial<RetryPolicy> = {}, stallTimeoutMs = 5000) {
  const clock = new FakeClock();
  const attempts: FakeAttempt[] = [];
  const statuses: Array<[OutputStatus, string | undefined, number]> = [];
  let packets = 0;
  let flowing = true;
  // Media flows while `flowing`: one packet per watchdog look is enough.
  const tick = clock.setInterval(() => {
    if (flowing) packets++;
  }, 100);
  const supervisor = new OutputSupervisor({
    createAttempt: (n, hooks) => {
      const a = new FakeAttempt(n, hooks);
      attempts.push(a);
      return a;
    },
    retry: resolveRetryPolicy({ initialBackoffMs: 1000, maxBackoffMs: 4000, maxRetries: 3, stableAfterMs: 10_000, ...retry }),
    stallTimeoutMs,
    inputPackets: () => packets,
    clock,
  });
  supervisor.on("status", (s, e) => statuses.push([s, e?.detail, clock.now()]));
  /** Advances the fake clock and lets the promise callbacks (attempt.stop) run. */
  const advance = async (ms: number): Promise<void> => {
    clock.advance(ms);
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  const done = async (): Promise<void> => {
    await supervisor.close();
    clock.clearInterval(tick);
    assert.equal(clock.pending, 0, "no timer left behind");
  };
  return { clock, attempts, statuses, supervisor, advance, done, setFlowing: (f: boolean) => (flowing = f) };
}

describe("media/OutputSupervisor (fake clock, fake attempts)", () => {
  it("reports STARTING → PUBLISHING, and STOPPED on close with a clean stop of the attempt", async () => {
    const t = setup();
    t.supervisor.start();
    assert.equal(t.attempts.length, 1);
    assert.equal(t.attempts[0].started, true);
    t.attempts[0].live();
    assert.equal(t.supervisor.status, "PUBLISHING");
    await t.done();
    assert.deepEqual(t.statuses.map((s) => s[0]), ["PUBLISHING", "STOPPED"]);
    assert.equal(t.attempts[0].stopped, true, "close() lets ffmpeg finish the stream");
  });

  it("restarts with doubling waits, then gives up as FAILED after maxRetries", async () => {
    const t = setup({}, 0);
    t.supervisor.start();
    t.attempts[0].live();
    await t.advance(2000);
    t.attempts[0].fail("Broken pipe");
    assert.equal(t.attempts[0].stopped, false, "a dead attempt is just released");
    const failAt: number[] = [];
    for (let i = 1; i <= 3; i++) {
      const before = t.attempts.length;
      await t.advance(10_000 - 1);
      assert.equal(t.attempts.length, before + 1, `restart ${i} happened`);
      failAt.push(t.clock.now());
      t.attempts[t.attempts.length - 1].fail("Connection refused");
    }
    await t.advance(60_000);
    assert.equal(t.attempts.length, 4, "no fifth attempt");
    assert.equal(t.supervisor.status, "FAILED");
    const seen = t.statuses.map((s) => s[0]);
    assert.deepEqual(seen, ["PUBLISHING", "RECONNECTING", "RECONNECTING", "RECONNECTING", "FAILED"]);
    assert.equal(t.statuses[1][1], "Broken pipe");
    assert.equal(t.statuses[4][1], "Connection refused");
    assert.deepEqual(t.supervisor.toJSON().reconnects, 3);
    await t.done();
  });

  it("rides out the target's outage after a steady run at waits of at most 3 s, as long as the doubling schedule would", async () => {
    const t = setup({ maxRetries: 3, maxBackoffMs: 30_000 }, 0);
    t.supervisor.start();
    t.attempts[0].live();
    await t.advance(11_000); // past stableAfterMs: the target was fine, then went away
    const lostAt = t.clock.now();
    t.attempts[0].fail("Broken pipe");
    const startTimes: number[] = [lostAt];
    const failed = (): boolean => t.supervisor.status === "FAILED";
    while (!failed()) {
      const count = t.attempts.length;
      for (let waited = 0; t.attempts.length === count && !failed() && waited < 60_000; waited += 100) await t.advance(100);
      if (t.attempts.length === count) break;
      startTimes.push(t.clock.now());
      t.attempts[t.attempts.length - 1].fail("Connection refused");
    }
    const gaps = startTimes.slice(1).map((at, i) => at - startTimes[i]);
    // The doubling schedule (1 s, 2 s, 4 s) gives up 7 s after the loss: so does this one, restarting more often.
    assert.deepEqual(gaps, [1000, 2000, 3000, 3000]);
    assert.equal(t.statuses[t.statuses.length - 1][2] - lostAt, 9000, "FAILED at the first failure past the 7 s window");
    await t.done();
  });

  it("after the outage, a target that comes back only briefly gets the doubling waits again", async () => {
    const t = setup({ maxRetries: 3, maxBackoffMs: 30_000 }, 0);
    t.supervisor.start();
    t.attempts[0].live();
    await t.advance(11_000);
    t.attempts[0].fail("Broken pipe");
    await t.advance(1000);
    t.attempts[1].live();
    await t.advance(2000);
    t.attempts[1].fail("Broken pipe");
    const startTimes = [t.clock.now()];
    for (let i = 0; i < 3; i++) {
      const count = t.attempts.length;
      for (let waited = 0; t.attempts.length === count && waited < 60_000; waited += 100) await t.advance(100);
      assert.equal(t.attempts.length, count + 1, `restart ${i + 1} after the brief return happened`);
      startTimes.push(t.clock.now());
      t.attempts[t.attempts.length - 1].fail();
    }
    await t.advance(60_000);
    assert.deepEqual(startTimes.slice(1).map((at, i) => at - startTimes[i]), [1000, 2000, 4000]);
    assert.equal(t.supervisor.status, "FAILED");
    await t.done();
  });

  it("waits 1 s, 2 s, 4 s (capped) between restarts", async () => {
    const t = setup({ maxRetries: 5 }, 0);
    t.supervisor.start();
    const startTimes: number[] = [0];
    t.attempts[0].fail();
    for (let i = 0; i < 4; i++) {
      const count = t.attempts.length;
      while (t.attempts.length === count) await t.advance(100);
      startTimes.push(t.clock.now());
      t.attempts[t.attempts.length - 1].fail();
    }
    const gaps = startTimes.slice(1).map((at, i) => at - startTimes[i]);
    assert.deepEqual(gaps, [1000, 2000, 4000, 4000]);
    await t.done();
  });

  it("an attempt that published longer than stableAfterMs resets the count", async () => {
    const t = setup({ maxRetries: 1 }, 0);
    t.supervisor.start();
    t.attempts[0].fail(); // retry 1 of 1
    await t.advance(1000);
    t.attempts[1].live();
    await t.advance(11_000);
    t.attempts[1].fail(); // would be retry 2 > 1 without the reset
    assert.equal(t.supervisor.status, "RECONNECTING");
    await t.advance(1000);
    assert.equal(t.attempts.length, 3);
    t.attempts[2].live();
    assert.equal(t.supervisor.status, "PUBLISHING");
    await t.done();
  });

  it("restarts an output whose out_time stalls while media keeps coming", async () => {
    const t = setup({}, 5000);
    t.supervisor.start();
    t.attempts[0].live(100);
    for (let i = 1; i <= 4; i++) {
      await t.advance(1000);
      t.attempts[0].progress(100 + i * 1000);
    }
    assert.equal(t.supervisor.status, "PUBLISHING");
    await t.advance(5000); // no progress for 5 s
    assert.equal(t.supervisor.status, "RECONNECTING");
    assert.match(t.statuses[1][1] ?? "", /stalled/);
    assert.match(t.supervisor.toJSON().lastError ?? "", /^OUTPUT_STALLED: /);
    assert.equal(t.supervisor.toJSON().retries, 1, "a stall restart is counted as a retry");
    assert.equal(t.attempts[0].stopped, false);
    await t.advance(1000);
    assert.equal(t.attempts.length, 2);
    await t.done();
  });

  it("does not call a still output stalled while no media comes (hold), and waits for media without using a retry", async () => {
    const t = setup({ maxRetries: 0 }, 5000);
    t.supervisor.start();
    t.attempts[0].live();
    t.setFlowing(false);
    await t.advance(20_000);
    assert.equal(t.supervisor.status, "PUBLISHING", "no stall without input");
    t.attempts[0].fail("Connection timed out"); // ffmpeg gives up after 10 s without input
    assert.equal(t.supervisor.status, "RECONNECTING", "maxRetries 0, yet not FAILED: the media stopped, not the output");
    await t.advance(30_000);
    assert.equal(t.attempts.length, 1, "no restart while media is absent");
    t.setFlowing(true);
    await t.advance(1000);
    assert.equal(t.attempts.length, 2, "restarted once media came back");
    t.attempts[1].live();
    assert.equal(t.supervisor.status, "PUBLISHING");
    await t.done();
  });

  it("close() during a wait cancels the restart", async () => {
    const t = setup();
    t.supervisor.start();
    t.attempts[0].fail();
    await t.supervisor.close();
    await t.advance(60_000);
    assert.equal(t.attempts.length, 1);
    assert.deepEqual(t.statuses.map((s) => s[0]), ["RECONNECTING", "STOPPED"]);
    await t.done();
  });

  it("ignores reports from an attempt it has already left", async () => {
    const t = setup();
    t.supervisor.start();
    const first = t.attempts[0];
    first.fail();
    first.live(); // a late report of the dead attempt
    first.fail();
    assert.equal(t.supervisor.status, "RECONNECTING");
    assert.equal(t.statuses.length, 1);
    await t.done();
  });

  it("restart(): stops the running attempt cleanly and starts the next at once, RECONNECTING with the reason, no retry used", async () => {
    const t = setup({ maxRetries: 0 });
    t.supervisor.start();
    t.attempts[0].live();
    t.supervisor.restart(new MediaError("OUTPUT_MEDIA_CHANGED", "audio PCMU → PCMA"));
    assert.equal(t.attempts[0].stopped, true, "the old attempt finishes its file or stream");
    assert.equal(t.supervisor.status, "RECONNECTING");
    await t.advance(0);
    assert.equal(t.attempts.length, 2, "the next attempt starts without a backoff wait");
    assert.equal(t.attempts[1].started, true);
    // The old attempt's late reports are not the output's any more.
    t.attempts[0].fail();
    assert.equal(t.supervisor.status, "RECONNECTING");
    t.attempts[1].live();
    assert.equal(t.supervisor.status, "PUBLISHING");
    assert.deepEqual(t.statuses.map((s) => [s[0], s[1]]), [["PUBLISHING", undefined], ["RECONNECTING", "audio PCMU → PCMA"], ["PUBLISHING", undefined]]);
    assert.equal(t.supervisor.toJSON().retries, 0, "not a failure: maxRetries 0 still lets it restart");
    await t.done();
  });
});
