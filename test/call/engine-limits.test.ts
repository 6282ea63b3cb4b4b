import { strict as assert } from "node:assert";
import { CallAdmission, ConfigError, DEFAULT_ENGINE_LIMITS, LimitError, MAX_ENGINE_LIMITS, resolveEngineLimits } from "../../src";

describe("engine limits: defaults, checks and the admission rule", () => {
  it("defaults are 50 calls, 4 outputs per call, 10 call starts per second", () => {
    assert.deepEqual({ ...DEFAULT_ENGINE_LIMITS }, { maxCalls: 50, maxOutputsPerCall: 4, callStartsPerSecond: 10 });
    assert.deepEqual(resolveEngineLimits(undefined), DEFAULT_ENGINE_LIMITS);
    assert.deepEqual(resolveEngineLimits({ maxCalls: 3 }), { ...DEFAULT_ENGINE_LIMITS, maxCalls: 3 });
  });

  it("each limit is a whole number from 1 to its maximum; the error names it", () => {
    for (const name of ["maxCalls", "maxOutputsPerCall", "callStartsPerSecond"] as const) {
      for (const bad of [0, -1, 1.5, NaN, MAX_ENGINE_LIMITS[name] + 1, "5" as unknown as number]) {
        assert.throws(() => resolveEngineLimits({ [name]: bad }), (e: Error) => e instanceof ConfigError && e.message.startsWith(`limits.${name}: expected a whole number from 1 to ${MAX_ENGINE_LIMITS[name]}`));
      }
      assert.equal(resolveEngineLimits({ [name]: MAX_ENGINE_LIMITS[name] })[name], MAX_ENGINE_LIMITS[name]);
    }
  });

  it("maxCalls: the call after the limit is refused naming maxCalls and its value", () => {
    const admission = new CallAdmission(resolveEngineLimits({ maxCalls: 2, callStartsPerSecond: 100 }), () => 0);
    admission.admit(0);
    admission.admit(1);
    assert.throws(() => admission.admit(2), (e: Error) => e instanceof LimitError && e.limit === "maxCalls" && e.value === 2 && e.message === "call refused: limit maxCalls (2) reached");
  });

  it("callStartsPerSecond: a sliding one-second window; refused attempts do not count", () => {
    let now = 10_000;
    const admission = new CallAdmission(resolveEngineLimits({ callStartsPerSecond: 3 }), () => now);
    admission.admit(0);
    now += 400;
    admission.admit(0);
    admission.admit(0);
    now += 599; // 999 ms after the first start
    for (let i = 0; i < 5; i++) {
      assert.throws(() => admission.admit(0), (e: Error) => e instanceof LimitError && e.message === "call refused: limit callStartsPerSecond (3) reached");
    }
    now += 1; // the first start is a second old
    admission.admit(0);
    assert.throws(() => admission.admit(0), LimitError);
    now += 400; // the two at +400 are a second old
    admission.admit(0);
    admission.admit(0);
  });
});
