import { strict as assert } from "node:assert";
import { startTestMeetingPeer, type TestMeetingPeer } from "../../src/demo/test-meeting-peer";
import type { MeetingIvrEvent } from "../../src/demo/meeting-ivr";
import { childProcessesNamed, requirePeers, runCli } from "../harness";

describe("sipcast call --dtmf with {prompt} and {joined} waits, against the test meeting's IVR", function () {
  this.timeout(90_000);
  let peer: TestMeetingPeer;
  const meeting: MeetingIvrEvent[] = [];

  before(async () => {
    requirePeers(["ffmpeg", "espeak-ng"]);
    peer = await startTestMeetingPeer({ ivr: { meetingId: "4455", passcode: "77", firstPromptDelayMs: 1500 }, audioCodecs: ["G722"] });
    peer.on("ivr", (e) => meeting.push(e));
  });

  after(async () => {
    await peer?.stop();
    assert.deepEqual(await childProcessesNamed(["ffmpeg"]), []);
  });

  it("prints an ivr line per wait (prompt ended twice, joined on video), never the keys in them, and exits 0", async () => {
    const run = await runCli(
      ["call", "--sip-login", "cli", "--sip-domain", "127.0.0.1", "--sip-port", String(peer.sipPort), "--sip-register-required", "false", "--callee", "meeting", "--dtmf", "{prompt}4455#{prompt}77#{joined}", "--duration", "20"],
      {},
      60_000,
    );
    assert.equal(run.code, 0, `exit ${run.code}: ${run.stderr.slice(-1500)}`);
    const ivr = run.stderr.split("\n").filter((l) => l.startsWith("ivr "));
    assert.match(ivr[0] ?? "", /^ivr prompt-ended speechMs=\d+ groupsSent=0$/);
    assert.match(ivr[1] ?? "", /^ivr prompt-ended speechMs=\d+ groupsSent=1$/);
    assert.equal(ivr[2], "ivr joined by=video groupsSent=2");
    assert.equal(ivr.length, 3, run.stderr);
    assert.ok(!ivr.some((l) => /4455|77#/.test(l)), "no keys in the ivr lines");
    assert.match(run.stderr, /^dtmf done /m);
    assert.deepEqual(meeting.flatMap((e) => (e.kind === "entry" ? [`${e.field}:${e.ok}`] : [])), ["meeting-id:true", "passcode:true"]);
  });
});
