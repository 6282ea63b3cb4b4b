import assert from "node:assert/strict";
import { KeyframeScheduler, type KeyframePolicy } from "../../src/output/keyframe-scheduler";
import { FakeClock } from "../rtp/helpers/fake-clock";

function setup(policy: Partial<KeyframePolicy> = {}, withInfo = true) {
  const clock = new FakeClock();
  const rtcp: number[] = [];
  const info: number[] = [];
  const scheduler = new KeyframeScheduler({
    requestRtcp: () => rtcp.push(clock.now()),
    ...(withInfo ? { requestInfo: () => info.push(clock.now()) } : {}),
    policy,
    clock,
  });
  return { clock, rtcp, info, scheduler };
}

describe("call/KeyframeScheduler (fake clock)", () => {
  it("asks by RTCP at once and every 250 ms; adds one SIP INFO after 4 unanswered requests", () => {
    const { clock, rtcp, info, scheduler } = setup({ maxIntervalMs: 0 });
    scheduler.start();
    clock.advance(999);
    assert.deepEqual(rtcp, [0, 250, 500, 750]);
    assert.deepEqual(info, []);
    clock.advance(1);
    assert.deepEqual(info, [1000], "the fifth request goes with an INFO");
    clock.advance(2000);
    assert.equal(info.length, 1, "one INFO per round");
    scheduler.notifyKeyframe();
    const sent = rtcp.length;
    clock.advance(10_000);
    assert.equal(rtcp.length, sent, "no more requests after the keyframe");
    scheduler.stop();
    assert.equal(clock.pending, 0);
    assert.deepEqual(scheduler.toJSON(), { rtcpRequests: sent, infoRequests: 1, keyframesSeen: 1, intervalRounds: 0 });
  });

  it("sends no INFO when the keyframe comes in time, or when there is no INFO hook", () => {
    const a = setup({ maxIntervalMs: 0 });
    a.scheduler.start();
    a.clock.advance(500);
    a.scheduler.notifyKeyframe();
    a.clock.advance(5000);
    assert.deepEqual(a.info, []);
    a.scheduler.stop();
    const b = setup({ maxIntervalMs: 0 }, false);
    b.scheduler.start();
    b.clock.advance(6000);
    assert.equal(b.rtcp.length, 20, "gives up after maxTries");
    b.scheduler.stop();
  });

  it("infoAfterTries 0 sends the INFO with the first request", () => {
    const { rtcp, info, scheduler } = setup({ infoAfterTries: 0, maxIntervalMs: 0 });
    scheduler.start();
    assert.deepEqual(rtcp, [0]);
    assert.deepEqual(info, [0]);
    scheduler.stop();
  });

  it("asks again when no keyframe came for maxIntervalMs", () => {
    const { clock, rtcp, scheduler } = setup({ maxIntervalMs: 4000 });
    scheduler.start();
    scheduler.notifyKeyframe();
    clock.advance(3000);
    scheduler.notifyKeyframe(); // the peer's own keyframe at 3 s
    clock.advance(3500);
    assert.deepEqual(rtcp, [0], "keyframes are coming often enough");
    clock.advance(1000); // 7.5 s: 4.5 s since the last one
    assert.ok(rtcp.length >= 2, "a new round started");
    assert.ok(rtcp[1] >= 7000 && rtcp[1] <= 7500, `asked at ${rtcp[1]}`);
    scheduler.notifyKeyframe();
    assert.equal(scheduler.toJSON().intervalRounds, 1);
    scheduler.stop();
    assert.equal(clock.pending, 0);
  });

  it("a start() while running begins a new round (an output restart)", () => {
    const { clock, rtcp, scheduler } = setup({ maxIntervalMs: 0 });
    scheduler.start();
    scheduler.notifyKeyframe();
    clock.advance(10_000);
    scheduler.start();
    assert.deepEqual(rtcp, [0, 10_000]);
    scheduler.stop();
  });
});
