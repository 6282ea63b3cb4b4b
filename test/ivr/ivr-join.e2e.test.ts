import { strict as assert } from "node:assert";
import { seededRandom } from "../../src/demo/impairment";
import type { AudioCodecName } from "../../src/sdp";
import { childProcessesNamed, requirePeers } from "../harness";
import { firstKeyDelays, IvrBench, MEETING_ID, PASSCODE, type JoinRun } from "./ivr-join-helpers";

const PLAN = `{prompt}${MEETING_ID}#{prompt}${PASSCODE}#{joined}`;

function describeRun(run: JoinRun): string {
  return JSON.stringify({ result: run.result, events: run.events.map((e) => e.kind), meeting: run.meeting.map((e) => ("field" in e ? `${e.kind}:${e.field}:${e.ok}` : e.kind)) });
}

describe("Joining the test meeting through its IVR: DTMF that waits for the prompts", function () {
  this.timeout(180_000);

  before(() => requirePeers(["ffmpeg", "espeak-ng"]));

  afterEach(async () => {
    assert.deepEqual(await childProcessesNamed(["ffmpeg"]), [], "no ffmpeg (decoder, prompt encoder, test pattern) is left");
  });

  // First-prompt delays spread over 1–10 s, drawn from a fixed seed: one per codec keeps the suite short.
  const random = seededRandom(13);
  const cases: Array<[AudioCodecName, number]> = [
    ["PCMU", 1000 + Math.round(random() * 2000)],
    ["G722", 4000 + Math.round(random() * 2000)],
    ["opus", 8000 + Math.round(random() * 2000)],
  ];
  for (const [codec, delay] of cases) {
    it(`${codec}: meeting ID and passcode accepted on the first try, first prompt after ${(delay / 1000).toFixed(1)} s; joined on video`, async () => {
      const bench = await IvrBench.start({ ivr: { meetingId: MEETING_ID, passcode: PASSCODE, firstPromptDelayMs: delay }, audioCodecs: [codec] });
      try {
        const run = await bench.join(PLAN);
        const line = describeRun(run);
        console.log(`      ${codec}: first key ${firstKeyDelays(run).join(", ")} ms after the end of each prompt; ${line}`);
        assert.equal(run.result, "ok", line);
        assert.equal(run.audioCodec, codec, "the meeting answered with the codec under test");
        assert.deepEqual(run.events.map((e) => e.kind), ["prompt-ended", "prompt-ended", "joined"], line);
        const joined = run.events[2];
        assert.ok(joined.kind === "joined" && joined.by === "video", `${JSON.stringify(joined)} ${line}`);
        const entries = run.meeting.flatMap((e) => (e.kind === "entry" ? [`${e.field}:${e.ok}`] : []));
        assert.deepEqual(entries, ["meeting-id:true", "passcode:true"], `accepted on the first try: ${line}`);
        assert.equal(run.meeting.filter((e) => e.kind === "key-ignored").length, 0, `no key pressed while the IVR spoke: ${line}`);
        assert.ok(run.meeting.some((e) => e.kind === "joined"), line);
        // Keys go out after the prompt's end, not during it, and soon.
        for (const ms of firstKeyDelays(run)) assert.ok(ms >= 300 && ms <= 1500, `first key ${ms} ms after the prompt: ${line}`);
      } finally {
        await bench.stop();
      }
    });
  }

  it("PCMU: {reply} sees the passcode prompt start; a wrong passcode is reported as a re-prompt; retry=1 sends it once more, then the plan fails with reason reprompted", async () => {
    const bench = await IvrBench.start({ ivr: { meetingId: MEETING_ID, passcode: PASSCODE, firstPromptDelayMs: 1000 }, audioCodecs: ["PCMU"] });
    try {
      const run = await bench.join(`{prompt}${MEETING_ID}#{reply:5}{prompt}9999#{joined:30:retry=1}`);
      const line = describeRun(run);
      assert.deepEqual(run.result !== "ok" && [run.result.name, run.result.reason], ["IvrWaitError", "reprompted"], line);
      assert.ok(run.result !== "ok" && !run.result.message.includes("9999"), `the keys are not in the error: ${line}`);
      const reprompts = run.events.filter((e) => e.kind === "reprompt");
      assert.deepEqual(reprompts.map((e) => e.retrying), [true, false], line);
      assert.deepEqual(run.events.map((e) => e.kind), ["prompt-ended", "replied", "prompt-ended", "reprompt", "reprompt", "failed"], line);
      const replied = run.events[1];
      assert.ok(replied.kind === "replied" && replied.how === "spoke", `${JSON.stringify(run.events)} ${line}`);
      const entries = run.meeting.flatMap((e) => (e.kind === "entry" ? [`${e.field}:${e.ok}`] : []));
      assert.deepEqual(entries, ["meeting-id:true", "passcode:false", "passcode:false"], `the passcode went twice: ${line}`);
    } finally {
      await bench.stop();
    }
  });

  it("timeouts end with their reasons: no prompt, not joined, a prompt that never ends (meeting audio, audio-only join)", async () => {
    const bench = await IvrBench.start({ ivr: { meetingId: MEETING_ID, firstPromptDelayMs: 6000 }, audioCodecs: ["PCMU"] });
    try {
      const quiet = await bench.join("{prompt:2}1#");
      assert.ok(quiet.result !== "ok" && quiet.result.reason === "no-prompt" && /no prompt heard .* within 2\.0 s/.test(quiet.result.message), describeRun(quiet));
      assert.equal(quiet.events.at(-1)?.kind, "failed");

      const notJoined = await bench.join("{joined:2}");
      assert.ok(notJoined.result !== "ok" && notJoined.result.reason === "not-joined" && /within 2\.0 s/.test(notJoined.result.message), describeRun(notJoined));

      // Audio only: the join shows as the meeting's steady sound; after it, no prompt ends.
      const audioOnly = await bench.join(`{prompt}${MEETING_ID}#{joined}{prompt:3}`, { hasVideo: false });
      const line = describeRun(audioOnly);
      assert.deepEqual(audioOnly.events.map((e) => e.kind), ["prompt-ended", "joined", "failed"], line);
      const joined = audioOnly.events[1];
      assert.ok(joined.kind === "joined" && joined.by === "audio", line);
      assert.ok(audioOnly.result !== "ok" && audioOnly.result.reason === "prompt-not-ended", line);
    } finally {
      await bench.stop();
    }
  });
});
