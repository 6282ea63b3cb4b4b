import { strict as assert } from "node:assert";
import { ConfigError } from "../../src/errors";
import { seededRandom } from "../../src/demo/impairment";
import { EspeakError } from "../../src/demo/ivr-prompts";
import { drawFirstPromptDelay, validateMeetingIvr } from "../../src/demo/meeting-ivr-options";
import { startTestMeetingPeer, TestMeetingPeer } from "../../src/demo/test-meeting-peer";

describe("test meeting: IVR mode options", () => {
  it("checks the meeting ID, passcode, delay, seed and repeat time, naming the field", () => {
    validateMeetingIvr({ meetingId: "311705123", passcode: "4321", firstPromptDelayMs: { min: 1000, max: 10000 }, seed: 3, repeatAfterMs: 8000 });
    const bad = (o: unknown, field: RegExp): void => assert.throws(() => validateMeetingIvr(o as never), (e: Error) => e instanceof ConfigError && field.test(e.message));
    bad({ meetingId: "12a" }, /ivr\.meetingId/);
    bad({ meetingId: "1", passcode: "" }, /ivr\.passcode/);
    bad({ meetingId: "1", firstPromptDelayMs: { min: 5000, max: 1000 } }, /ivr\.firstPromptDelayMs/);
    bad({ meetingId: "1", firstPromptDelayMs: 70_000 }, /ivr\.firstPromptDelayMs/);
    bad({ meetingId: "1", seed: 1.5 }, /ivr\.seed/);
    bad({ meetingId: "1", repeatAfterMs: 10 }, /ivr\.repeatAfterMs/);
    assert.throws(() => new TestMeetingPeer({ ivr: { meetingId: "x" } }), /ivr\.meetingId/);
    assert.throws(() => new TestMeetingPeer({ audioCodecs: ["G729" as never] }), /audioCodecs/);
  });

  it("draws the first-prompt delay within { min, max }, the same for the same seed (default 1–3 s)", () => {
    const o = { meetingId: "1", firstPromptDelayMs: { min: 1000, max: 10000 } };
    const a = Array.from({ length: 20 }, ((r) => () => drawFirstPromptDelay(o, r))(seededRandom(5)));
    const b = Array.from({ length: 20 }, ((r) => () => drawFirstPromptDelay(o, r))(seededRandom(5)));
    assert.deepEqual(a, b);
    assert.ok(a.every((d) => d >= 1000 && d <= 10000) && new Set(a).size > 10, a.join(" "));
    assert.equal(drawFirstPromptDelay({ meetingId: "1", firstPromptDelayMs: 2500 }, Math.random), 2500);
    const d = drawFirstPromptDelay({ meetingId: "1" }, () => 0.5);
    assert.equal(d, 2000);
  });

  it("without espeak-ng the IVR mode does not start, and says what to install", async () => {
    const saved = process.env.ESPEAK_NG_PATH;
    process.env.ESPEAK_NG_PATH = "/nonexistent/espeak-ng";
    try {
      await assert.rejects(startTestMeetingPeer({ ivr: { meetingId: "1" } }), (e: Error) => e instanceof EspeakError && /apt-get install espeak-ng/.test(e.message));
    } finally {
      if (saved === undefined) delete process.env.ESPEAK_NG_PATH;
      else process.env.ESPEAK_NG_PATH = saved;
    }
  });
});
