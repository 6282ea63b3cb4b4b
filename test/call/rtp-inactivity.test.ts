import { strict as assert } from "node:assert";
import { ConfigError } from "../../src/errors";
import { RtpInactivityWatch } from "../../src/call/rtp-inactivity";
import { FakeClock } from "../rtp/helpers/fake-clock";

describe("RtpInactivityWatch", () => {
  it("fires once after timeoutMs without packets, counting from the last one", () => {
    const clock = new FakeClock();
    const fired: number[] = [];
    const w = new RtpInactivityWatch({ timeoutMs: 1000, clock, onTimeout: (ms) => fired.push(ms) });
    w.watch();
    clock.advance(600);
    w.packet();
    clock.advance(999);
    assert.deepEqual(fired, []);
    clock.advance(1);
    assert.deepEqual(fired, [1000]);
    clock.advance(5000);
    assert.deepEqual(fired, [1000], "only once");
    assert.equal(clock.pending, 0);
  });

  it("keeps one timer however many packets come", () => {
    const clock = new FakeClock();
    const w = new RtpInactivityWatch({ timeoutMs: 500, clock, onTimeout: () => assert.fail("must not fire") });
    w.watch();
    for (let t = 0; t < 5000; t += 20) {
      w.packet();
      clock.advance(20);
      assert.ok(clock.pending <= 1);
    }
    w.close();
    assert.equal(clock.pending, 0);
  });

  it("does not count a pause (hold) and restarts with a full timeout", () => {
    const clock = new FakeClock();
    const fired: number[] = [];
    const w = new RtpInactivityWatch({ timeoutMs: 1000, clock, onTimeout: (ms) => fired.push(clock.now()) });
    w.watch();
    clock.advance(900);
    w.pause();
    assert.equal(w.watching, false);
    clock.advance(10_000);
    assert.deepEqual(fired, []);
    w.watch();
    clock.advance(999);
    assert.deepEqual(fired, []);
    clock.advance(1);
    assert.deepEqual(fired, [11_900]);
  });

  it("rejects a non-positive timeout", () => {
    assert.throws(() => new RtpInactivityWatch({ timeoutMs: 0, onTimeout: () => undefined }), ConfigError);
  });
});
