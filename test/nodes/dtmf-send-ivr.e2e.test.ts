import { strict as assert } from "node:assert";
import { startTestMeetingPeer, type TestMeetingPeer } from "../../src/demo";
import { requirePeers } from "../harness";
import { allOurNodes, helper, nodeOf, type FlowNode } from "./helpers/node-red-helper";
import { node, sink, tab } from "./helpers/flows";
import { recordMessages, recordStatus, type MessageRecorder, type StatusRecorder } from "./helpers/recorders";

/** dtmf-send with a plan that listens: a real call to the test meeting in IVR mode. */
describe("nodes end to end: dtmf-send joins the test meeting through its IVR ({prompt}…{joined})", function () {
  this.timeout(60_000);
  let peer: TestMeetingPeer;
  let events: MessageRecorder;
  let sent: MessageRecorder;
  let status: StatusRecorder;

  before(async () => {
    requirePeers(["ffmpeg", "espeak-ng"]);
    peer = await startTestMeetingPeer({ user: "meeting", ivr: { meetingId: "8642", passcode: "1357", firstPromptDelayMs: 1200 } });
    await helper.startServer();
    const flow: FlowNode[] = [
      tab(),
      node("sip-account", "acc", { login: "alice", domain: "127.0.0.1", port: peer.sipPort, registerRequired: false, localAddress: "127.0.0.1" }),
      node("sip-call", "call", { account: "acc", callee: "meeting" }, [[]]),
      node("call-status", "statusNode", {}, [["events"], []]),
      node("dtmf-send", "dtmf", { digits: "{prompt}8642#{prompt}1357#{joined}" }, [["sent"]]),
      sink("events"),
      sink("sent"),
    ];
    await helper.load(allOurNodes(), flow, { acc: { password: "unused" } });
    events = recordMessages("events");
    sent = recordMessages("sent");
    status = recordStatus("dtmf");
  });

  after(async () => {
    await helper.unload();
    await helper.stopServer();
    await peer?.stop();
  });

  it("passes the message on once joined, with msg.dtmf.ivr; the status follows the steps and never shows the keys", async () => {
    const callId = "ivr-node-call";
    nodeOf("call").receive({ callId });
    await events.waitFor((m) => m.callId === callId && m.topic === "ESTABLISHED", 15_000, "ESTABLISHED");
    nodeOf("dtmf").receive({ callId });
    const out = await sent.waitFor((m) => m.callId === callId, 40_000, "dtmf-send output");
    const dtmf = out.dtmf as { ivr?: Array<{ kind: string; by?: string }> };
    assert.deepEqual(dtmf.ivr?.map((e) => e.kind), ["prompt-ended", "prompt-ended", "joined"]);
    assert.equal(dtmf.ivr?.[2].by, "video");
    const texts = status.statuses.map((s) => String(s.text));
    assert.ok(texts.includes("listening for the prompt") && texts.includes("prompt ended · sending"), texts.join(" | "));
    assert.equal(status.last()?.text, "joined");
    assert.ok(!texts.some((t) => /8642|1357/.test(t)), `no keys in the status: ${texts.join(" | ")}`);
    nodeOf("call").receive({ callId, terminate: true });
    await events.waitFor((m) => m.callId === callId && m.topic === "FINISH", 10_000, "FINISH");
  });
});
