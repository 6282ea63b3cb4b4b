import { strict as assert } from "node:assert";
import { ConfigError } from "../../src/errors";
import { DTMF_DEFAULTS, planDtmf, resolveDtmfOptions } from "../../src/dtmf/dtmf-plan";

describe("DTMF plan", () => {
  it("applies the defaults: RFC2833, 160 ms keys, 500 ms pause, no initial delay, 100 ms gap, 500 ms prompt silence", () => {
    assert.deepEqual(resolveDtmfOptions(), { type: "RFC2833", durationMs: 160, pauseMs: 500, initialDelayMs: 0, gapMs: 100, promptSilenceMs: 500 });
    assert.deepEqual(resolveDtmfOptions({}), DTMF_DEFAULTS);
  });

  it("puts the gap between adjacent keys and a pause (instead of the gap) for each comma", () => {
    const steps = planDtmf("12,3", resolveDtmfOptions({ initialDelayMs: 250 }));
    assert.deepEqual(steps, [
      { kind: "wait", ms: 250 },
      { kind: "tone", digit: "1", code: 1, durationMs: 160 },
      { kind: "wait", ms: 100 },
      { kind: "tone", digit: "2", code: 2, durationMs: 160 },
      { kind: "wait", ms: 500 },
      { kind: "tone", digit: "3", code: 3, durationMs: 160 },
    ]);
  });

  it("keeps leading, doubled and trailing pauses and leaves out zero waits", () => {
    const steps = planDtmf(",*,,#,", resolveDtmfOptions({ pauseMs: 300, gapMs: 0, durationMs: 80 }));
    assert.deepEqual(steps, [
      { kind: "wait", ms: 300 },
      { kind: "tone", digit: "*", code: 10, durationMs: 80 },
      { kind: "wait", ms: 300 },
      { kind: "wait", ms: 300 },
      { kind: "tone", digit: "#", code: 11, durationMs: 80 },
      { kind: "wait", ms: 300 },
    ]);
    assert.deepEqual(planDtmf("DD", resolveDtmfOptions({ gapMs: 0 })).map((s) => s.kind), ["tone", "tone"]);
  });

  it("rejects out-of-range options and an unknown type, naming the option", () => {
    assert.throws(() => resolveDtmfOptions({ durationMs: 39 }), (e: Error) => e instanceof ConfigError && /durationMs/.test(e.message));
    assert.throws(() => resolveDtmfOptions({ durationMs: 5001 }), /durationMs/);
    assert.throws(() => resolveDtmfOptions({ pauseMs: -1 }), /pauseMs/);
    assert.throws(() => resolveDtmfOptions({ gapMs: Number.NaN }), /gapMs/);
    assert.throws(() => resolveDtmfOptions({ initialDelayMs: 600001 }), /initialDelayMs/);
    assert.throws(() => resolveDtmfOptions({ type: "SIP" as "INFO" }), /dtmf.type/);
  });
});
