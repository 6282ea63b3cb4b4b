import { strict as assert } from "node:assert";
import { startTestMeetingPeer, type TestMeetingPeer } from "../../src/test-peer";
import { allOurNodes, helper, nodeOf, type FlowNode } from "./helpers/node-red-helper";
import { node, sink, tab } from "./helpers/flows";
import { recordMessages, sleep, type MessageRecorder } from "./helpers/recorders";

/**
 * call-status sends call events on output 1 and query answers on output 2, so a flow need not
 * filter; a node saved with one output (version 0.1) keeps both on that output. A real call to
 * the embedded test meeting makes the events.
 */
describe("nodes end to end: call-status separates call events (output 1) from query answers (output 2)", function () {
  this.timeout(30_000);
  let peer: TestMeetingPeer;
  let events: MessageRecorder;
  let answers: MessageRecorder;
  let single: MessageRecorder;

  before(async () => {
    peer = await startTestMeetingPeer({ user: "meeting" });
    await helper.startServer();
    const flow: FlowNode[] = [
      tab(),
      node("sip-account", "acc", { login: "alice", domain: "127.0.0.1", port: peer.sipPort, registerRequired: false, localAddress: "127.0.0.1" }),
      node("sip-call", "call", { account: "acc", callee: "meeting" }, [[]]),
      node("call-status", "two", {}, [["events"], ["answers"]]),
      // As version 0.1 saved it: one list of wires.
      node("call-status", "one", {}, [["single"]]),
      sink("events"),
      sink("answers"),
      sink("single"),
    ];
    await helper.load(allOurNodes(), flow, { acc: { password: "unused" } });
    events = recordMessages("events");
    answers = recordMessages("answers");
    single = recordMessages("single");
  });

  after(async () => {
    await helper.unload();
    await helper.stopServer();
    await peer?.stop();
  });

  it("events reach output 1 only, answers output 2 only; a node saved with one output gets both on it", async () => {
    const callId = "outputs-call";
    nodeOf("call").receive({ callId });
    await events.waitFor((m) => m.callId === callId && m.topic === "ESTABLISHED", 15_000, "ESTABLISHED on output 1");
    await single.waitFor((m) => m.callId === callId && m.topic === "ESTABLISHED", 5000, "ESTABLISHED on the one-output node");
    assert.equal(answers.messages.length, 0, "no call event on output 2");

    nodeOf("two").receive({ topic: "find", callId });
    const one = await answers.waitFor((m) => m.topic === "find", 5000, "the answer to find on output 2");
    assert.equal((one.payload as { status: string }).status, "ESTABLISHED");
    nodeOf("two").receive({ topic: "find_all" });
    const all = await answers.waitFor((m) => m.topic === "find_all", 5000, "the answer to find_all on output 2");
    assert.deepEqual((all.payload as Array<{ callId: string }>).map((c) => c.callId), [callId]);

    nodeOf("one").receive({ topic: "find_all" });
    const old = await single.waitFor((m) => m.topic === "find_all", 5000, "the answer on the one-output node's output 1");
    assert.deepEqual((old.payload as Array<{ callId: string }>).map((c) => c.callId), [callId]);

    nodeOf("call").receive({ callId, terminate: true });
    await events.waitFor((m) => m.callId === callId && m.topic === "FINISH", 10_000, "FINISH on output 1");
    await sleep(200);
    assert.deepEqual(
      events.messages.filter((m) => m.topic === "find" || m.topic === "find_all"),
      [],
      "no answer on output 1",
    );
    assert.deepEqual(
      answers.messages.map((m) => m.topic),
      ["find", "find_all"],
      "output 2 carried the two answers and nothing else",
    );
  });
});
