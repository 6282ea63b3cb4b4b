import { strict as assert } from "node:assert";
import { ConfigError } from "../../src/errors";
import { MAX_DTMF_KEYS, MAX_DTMF_PLAN_LENGTH, parseDtmfDigits, dtmfPlanListens } from "../../src/dtmf/dtmf-digits";
import { planDtmf, resolveDtmfOptions } from "../../src/dtmf/dtmf-plan";
import { MAX_DTMF_WAITS, MAX_IVR_RETRIES, MAX_IVR_WAIT_SEC, parseIvrWait } from "../../src/dtmf/ivr-wait";

describe("DTMF plans with {…} waits for the far end's prompts", () => {
  it("reads {prompt}, {reply} and {joined} with their default timeouts (20, 5, 30 s), any case", () => {
    assert.deepEqual(parseIvrWait("prompt"), { kind: "prompt", timeoutMs: 20_000, retries: 0 });
    assert.deepEqual(parseIvrWait("REPLY"), { kind: "reply", timeoutMs: 5000, retries: 0 });
    assert.deepEqual(parseIvrWait("Joined"), { kind: "joined", timeoutMs: 30_000, retries: 0 });
  });

  it("reads a timeout in seconds and, for joined, retry=N", () => {
    assert.deepEqual(parseIvrWait("prompt:12.5"), { kind: "prompt", timeoutMs: 12_500, retries: 0 });
    assert.deepEqual(parseIvrWait("joined:60:retry=2"), { kind: "joined", timeoutMs: 60_000, retries: 2 });
    assert.deepEqual(parseIvrWait("joined::retry=1"), { kind: "joined", timeoutMs: 30_000, retries: 1 });
  });

  it("refuses unknown waits, bad timeouts and retries with a ConfigError naming the token", () => {
    const bad = (inner: string, why: RegExp): void =>
      assert.throws(() => parseIvrWait(inner), (e: Error) => e instanceof ConfigError && e.message.includes(`{${inner}}`) && why.test(e.message), inner);
    bad("music", /unknown wait/);
    bad("prompt:0", /out of 0/);
    bad(`prompt:${MAX_IVR_WAIT_SEC + 1}`, /out of 0/);
    bad("prompt:ten", /not a number/);
    bad("prompt:5:retry=1", /too many fields/);
    bad(`joined:5:retry=${MAX_IVR_RETRIES + 1}`, /at most 3/);
    bad("joined:5:again", /retry=N/);
  });

  it("splits a Zoom-style plan into waits and keys; waits do not count as keys", () => {
    const tokens = parseDtmfDigits("{prompt}311705123#{prompt}4321#{joined:60:retry=1}");
    assert.deepEqual(
      tokens.map((t) => (t.kind === "wait" ? `{${t.wait.kind}}` : t.kind === "digit" ? t.digit : ",")).join(""),
      "{prompt}311705123#{prompt}4321#{joined}",
    );
    assert.equal(dtmfPlanListens("{prompt}1#"), true);
    assert.equal(dtmfPlanListens("1,#"), false);
    // 64 keys plus waits is still a valid plan.
    assert.equal(parseDtmfDigits(`{prompt}${"1".repeat(MAX_DTMF_KEYS)}`).length, MAX_DTMF_KEYS + 1);
  });

  it("keeps its bounds: 64 keys, 16 waits, 256 characters, checked before parsing; an open { is refused", () => {
    assert.throws(() => parseDtmfDigits(`{prompt}${"1".repeat(MAX_DTMF_KEYS + 1)}`), /65 keys, at most 64/);
    assert.throws(() => parseDtmfDigits("{reply}".repeat(MAX_DTMF_WAITS + 1)), /more than 16 \{…\} waits/);
    assert.throws(() => parseDtmfDigits("{".repeat(MAX_DTMF_PLAN_LENGTH + 1)), (e: Error) => /257 keys, at most 64 .* at most 256 characters/.test(e.message));
    assert.throws(() => parseDtmfDigits("12{prompt"), /"\{" at position 3 is not closed/);
  });

  it("plans a wait as a listen step between the keys; fixed delays and pauses stay as they were", () => {
    const steps = planDtmf(",1{prompt:3}2", resolveDtmfOptions({ initialDelayMs: 100, pauseMs: 200 }));
    assert.deepEqual(steps, [
      { kind: "wait", ms: 100 },
      { kind: "wait", ms: 200 },
      { kind: "tone", digit: "1", code: 1, durationMs: 160 },
      { kind: "listen", wait: { kind: "prompt", timeoutMs: 3000, retries: 0 } },
      { kind: "tone", digit: "2", code: 2, durationMs: 160 },
    ]);
  });

  it("promptSilenceMs is 200–5000 ms", () => {
    assert.equal(resolveDtmfOptions({ promptSilenceMs: 800 }).promptSilenceMs, 800);
    assert.throws(() => resolveDtmfOptions({ promptSilenceMs: 100 }), /promptSilenceMs/);
    assert.throws(() => resolveDtmfOptions({ promptSilenceMs: 6000 }), /promptSilenceMs/);
  });
});
