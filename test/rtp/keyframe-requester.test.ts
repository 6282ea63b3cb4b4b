import assert from "node:assert/strict";
import { KeyframeRequester } from "../../src/rtp/keyframe-requester";
import { FakeClock } from "./helpers/fake-clock";

function setup(options: { retryMs?: number; maxTries?: number } = {}) {
  const clock = new FakeClock();
  const sent: number[] = [];
  let gaveUp = 0;
  const requester = new KeyframeRequester({
    ...options,
    clock,
    send: () => sent.push(clock.now()),
    onGiveUp: () => gaveUp++,
  });
  return { clock, sent, requester, gaveUp: () => gaveUp };
}

describe("rtp/KeyframeRequester", () => {
  it("asks at once, then every 250 ms until a keyframe comes", () => {
    const { clock, sent, requester } = setup();
    requester.start();
    assert.deepEqual(sent, [0]);
    clock.advance(249);
    assert.deepEqual(sent, [0]);
    clock.advance(1);
    clock.advance(250);
    assert.deepEqual(sent, [0, 250, 500]);
    requester.notifyKeyframe();
    clock.advance(10_000);
    assert.deepEqual(sent, [0, 250, 500]);
    assert.equal(clock.pending, 0);
    assert.deepEqual(requester.toJSON(), { running: false, tries: 3, requestsSent: 3, keyframesSeen: 1 });
  });

  it("gives up after maxTries requests", () => {
    const { clock, sent, requester, gaveUp } = setup({ maxTries: 3, retryMs: 100 });
    requester.start();
    clock.advance(10_000);
    assert.deepEqual(sent, [0, 100, 200]);
    assert.equal(gaveUp(), 1);
    assert.equal(requester.running, false);
    assert.equal(clock.pending, 0);
  });

  it("defaults to 20 tries", () => {
    const { clock, sent, requester } = setup();
    requester.start();
    clock.advance(60_000);
    assert.equal(sent.length, 20);
    assert.equal(sent[19], 19 * 250);
  });

  it("can be started again after a keyframe or giving up", () => {
    const { clock, sent, requester } = setup({ maxTries: 2 });
    requester.start();
    clock.advance(1000);
    assert.equal(sent.length, 2);
    requester.start();
    assert.equal(requester.toJSON().tries, 1);
    assert.equal(requester.running, true);
    clock.advance(1000);
    assert.deepEqual(sent, [0, 250, 1000, 1250]);
  });

  it("start() while running restarts the count without a second timer", () => {
    const { clock, sent, requester } = setup();
    requester.start();
    clock.advance(100);
    requester.start();
    assert.equal(clock.pending, 1);
    clock.advance(250);
    assert.deepEqual(sent, [0, 100, 350]);
  });

  it("stop() cancels the timer", () => {
    const { clock, sent, requester } = setup();
    requester.start();
    requester.stop();
    assert.equal(clock.pending, 0);
    clock.advance(1000);
    assert.deepEqual(sent, [0]);
  });

  it("a keyframe noticed inside send() leaves no timer behind", () => {
    const clock = new FakeClock();
    let sends = 0;
    const requester: KeyframeRequester = new KeyframeRequester({
      clock,
      send: () => {
        sends++;
        requester.notifyKeyframe();
      },
    });
    requester.start();
    assert.equal(sends, 1);
    assert.equal(clock.pending, 0);
    assert.equal(requester.running, false);
  });

  it("rejects nonsense options", () => {
    assert.throws(() => new KeyframeRequester({ send: () => undefined, retryMs: 0 }), RangeError);
    assert.throws(() => new KeyframeRequester({ send: () => undefined, maxTries: 0 }), RangeError);
  });
});
