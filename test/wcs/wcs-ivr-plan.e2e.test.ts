import { strict as assert } from "node:assert";
import { startTestMeetingPeer, type TestMeetingPeer } from "../../src/test-peer";
import type { MeetingIvrEvent } from "../../src/demo/meeting-ivr";
import { WcsRestApi, type WcsCallJson, type WcsIvrJson, type WcsResponse } from "../../src/wcs";
import { childProcessesNamed, requirePeers } from "../harness";
import { MEETING_ID, PASSCODE } from "../ivr/ivr-join-helpers";

async function post(api: WcsRestApi, method: string, body: unknown): Promise<WcsResponse> {
  return api.handle("POST", `/rest-api${method}`, JSON.parse(JSON.stringify(body)) as unknown);
}

/** Polls `/call/find` until `done(call)`; every `ivr` seen is kept in `seen`. */
async function untilCall(api: WcsRestApi, callId: string, done: (c: WcsCallJson) => boolean, seen: WcsIvrJson[], timeoutMs: number): Promise<WcsCallJson> {
  const deadline = Date.now() + timeoutMs;
  let last: WcsCallJson | undefined;
  while (Date.now() < deadline) {
    const r = await post(api, "/call/find", { callId });
    assert.ok(!JSON.stringify(r.body).includes(MEETING_ID) && !JSON.stringify(r.body).includes(PASSCODE), `no key in /call/find: ${JSON.stringify(r.body)}`);
    if (r.status === 200) {
      last = (r.body as WcsCallJson[])[0];
      if (last.ivr && JSON.stringify(seen.at(-1)) !== JSON.stringify(last.ivr)) seen.push(last.ivr);
      if (done(last)) return last;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`call ${callId}: not there in time (last ${JSON.stringify(last)})`);
}

describe("WCS REST API: /call/startup with a DTMF plan joins the test meeting through its IVR", function () {
  this.timeout(120_000);
  let peer: TestMeetingPeer;
  let api: WcsRestApi;
  const meeting: MeetingIvrEvent[] = [];
  const logged: string[] = [];

  before(async () => {
    requirePeers(["ffmpeg", "espeak-ng"]);
    peer = await startTestMeetingPeer({ ivr: { meetingId: MEETING_ID, passcode: PASSCODE, firstPromptDelayMs: 1500 }, audioCodecs: ["PCMU"] });
    peer.on("ivr", (e) => void meeting.push(e));
  });

  beforeEach(() => {
    meeting.length = 0;
    logged.length = 0;
    api = new WcsRestApi({ engineOptions: { localAddress: "127.0.0.1", rtpTimeoutMs: 0 }, logger: { log: (_l, _c, message: string) => void logged.push(message) } });
  });

  afterEach(async () => {
    await api.close();
    assert.deepEqual(await childProcessesNamed(["ffmpeg"]), [], "no ffmpeg is left");
  });

  after(async () => {
    await peer?.stop();
  });

  function body(callId: string, dtmf: string): Record<string, string> {
    return { callId, callee: peer.user, sipLogin: "caller", sipDomain: "127.0.0.1", sipPort: String(peer.sipPort), sipRegisterRequired: "false", hasVideo: "true", dtmf };
  }

  it("meeting ID and passcode accepted after the prompts; /call/find shows the plan RUNNING, then JOINED, never the keys; the call stays up", async () => {
    const callId = `ivr-${process.pid}-${Date.now().toString(36)}`;
    const started = await post(api, "/call/startup", body(callId, `{prompt}${MEETING_ID}#{prompt}${PASSCODE}#{joined:30:retry=1}`));
    assert.deepEqual([started.status, started.body], [200, {}]);
    const seen: WcsIvrJson[] = [];
    const joined = await untilCall(api, callId, (c) => c.ivr?.status === "JOINED" || c.ivr?.status === "FAILED", seen, 60_000);
    assert.equal(joined.status, "ESTABLISHED");
    assert.deepEqual(joined.ivr, { status: "JOINED", event: "joined", groupsSent: 2 }, JSON.stringify(seen));
    assert.equal(seen[0].status === "PENDING" || seen[0].status === "RUNNING", true, JSON.stringify(seen));
    assert.ok(seen.some((s) => s.status === "RUNNING" && s.event === "prompt-ended"), JSON.stringify(seen));
    const entries = meeting.flatMap((e) => (e.kind === "entry" ? [`${e.field}:${e.ok}`] : []));
    assert.deepEqual(entries, ["meeting-id:true", "passcode:true"], "the meeting got the right ID and passcode");
    assert.ok(meeting.some((e) => e.kind === "joined"));
    assert.ok(!logged.some((l) => l.includes(MEETING_ID) || l.includes(PASSCODE)), logged.join("\n"));
    assert.deepEqual((await post(api, "/call/terminate", { callId })).status, 200);
    await untilCall(api, callId, (c) => c.status === "FINISH", [], 15_000);
  });

  it("a plan whose wait times out is FAILED with its reason in /call/find, and the call stays ESTABLISHED", async () => {
    const callId = `ivr-fail-${process.pid}-${Date.now().toString(36)}`;
    // The meeting's first prompt comes after 1.5 s: a 0.5 s wait for it fails with no-prompt.
    const started = await post(api, "/call/startup", body(callId, `{prompt:0.5}${MEETING_ID}#`));
    assert.equal(started.status, 200, JSON.stringify(started.body));
    const seen: WcsIvrJson[] = [];
    const failed = await untilCall(api, callId, (c) => c.ivr?.status === "FAILED" || c.ivr?.status === "SENT", seen, 30_000);
    assert.equal(failed.ivr?.status, "FAILED", JSON.stringify(seen));
    assert.equal(failed.ivr?.reason, "no-prompt");
    assert.equal(failed.ivr?.groupsSent, 0, "no key went out");
    await new Promise((r) => setTimeout(r, 500));
    const after = await untilCall(api, callId, () => true, [], 5_000);
    assert.equal(after.status, "ESTABLISHED", "a failed plan does not end the call");
    assert.equal((await post(api, "/call/terminate", { callId })).status, 200);
    await untilCall(api, callId, (c) => c.status === "FINISH", [], 15_000);
  });
});
