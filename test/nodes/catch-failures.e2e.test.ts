import { strict as assert } from "node:assert";
import { startTestMeetingPeer, type TestMeetingPeer } from "../../src/test-peer";
import { requirePeers, startRefusingRtmpServer, type RefusingRtmpServer } from "../harness";
import { startSippUas, type SippUas } from "../call/helpers/sipp-uas";
import { allOurNodes, helper, nodeOf, type FlowCredentials, type FlowNode, type Msg } from "./helpers/node-red-helper";
import { catchAll, node, sink, tab, unique } from "./helpers/flows";
import { errorsLoggedSince, recordMessages, sleep, until, type MessageRecorder } from "./helpers/recorders";

/** What a Catch node puts in msg.error. */
interface CaughtError {
  message: string;
  source: { id: string; type: string };
}

interface CallPayload {
  callId: string;
  status: string;
  reason: string;
  sipStatus: number;
}

function caught(msg: Msg): CaughtError {
  return msg.error as CaughtError;
}


/**
 * The failures that happen after a node's input message was done reach Catch nodes with the call's
 * state: a call that ends BUSY or FAILED (sip-call), an output given up after its reconnect attempts
 * (sip-call's own rtmpUrl output and rtmp-republish's outputs). A normal FINISH does not, and nothing
 * is raised by calls a deploy ends. Real peers: the embedded test meeting (answers "meeting",
 * 404 for anyone else, 401 for a wrong password), a sipp UAS that answers 486, and an "RTMP server"
 * that closes every connection.
 */
describe("nodes end to end: failures reach Catch nodes with the call's state", function () {
  this.timeout(60_000);
  const PASSWORD = "meetingpw";
  const STREAM_KEY = "catch-secret-streamkey";
  let peer: TestMeetingPeer;
  let busy: SippUas;
  let refusing: RefusingRtmpServer;
  let errors: MessageRecorder;
  let calls: MessageRecorder;
  let pushes: MessageRecorder;
  let flow: FlowNode[];
  let credentials: FlowCredentials;

  const account = (id: string, port: number, password: string): [FlowNode, Record<string, string>] => [
    node("sip-account", id, { login: "alice", domain: "127.0.0.1", port, registerRequired: false, localAddress: "127.0.0.1", requestTimeout: 5 }),
    { password },
  ];

  before(async function () {
    requirePeers(["ffmpeg", "sipp"]);
    peer = await startTestMeetingPeer({ user: "meeting", auth: { username: "alice", password: PASSWORD } });
    busy = await startSippUas("uas_busy.xml");
    refusing = await startRefusingRtmpServer();
    await helper.startServer();
    const [acc, accCred] = account("acc", peer.sipPort, PASSWORD);
    const [wrong, wrongCred] = account("wrong", peer.sipPort, "not-the-password");
    const [sipp, sippCred] = account("sipp", busy.port, "unused");
    flow = [
      tab(),
      acc,
      wrong,
      sipp,
      node("sip-call", "call", { account: "acc", callee: "meeting" }, [["calls"]]),
      node("sip-call", "callWrong", { account: "wrong", callee: "meeting" }, [["calls"]]),
      node("sip-call", "callBusy", { account: "sipp", callee: "uas" }, [["calls"]]),
      node("rtmp-republish", "push", { rtmpUrl: refusing.url }, [["pushes"]]),
      catchAll("catch", "errors"),
      sink("errors"),
      sink("calls"),
      sink("pushes"),
    ];
    credentials = { acc: accCred, wrong: wrongCred, sipp: sippCred, push: { rtmpStream: STREAM_KEY } };
    await helper.load(allOurNodes(), flow, credentials);
    errors = recordMessages("errors");
    calls = recordMessages("calls");
    pushes = recordMessages("pushes");
  });

  after(async () => {
    await helper.unload();
    await helper.stopServer();
    await peer?.stop();
    await busy?.stop();
    await refusing?.stop();
  });

  /** The Catch message for call `callId`, checking it carries the call's state as the output message did. */
  async function caughtFor(callId: string, pred: (m: Msg) => boolean, what: string): Promise<Msg> {
    const got = await errors.waitFor((m) => m.callId === callId && pred(m), 15_000, what);
    assert.equal((got.payload as CallPayload).callId, callId, "msg.payload is the call's state");
    assert.equal(got.topic, (got.payload as CallPayload).status, "msg.topic is the call's status");
    return got;
  }

  it("sip-call: a call answered 404 ends FAILED NOT_FOUND and reaches Catch with its state and the starting message's fields", async () => {
    const callId = unique("c404");
    nodeOf("call").receive({ callId, callee: "nobody", origin: "scheduler" });
    const out = await calls.waitFor((m) => m.callId === callId && m.topic === "FAILED", 15_000, "FAILED at the output");
    const got = await caughtFor(callId, () => true, "the Catch message of the 404 call");
    assert.equal(got.topic, "FAILED");
    assert.deepEqual(got.payload, out.payload, "the same payload as the output message");
    assert.equal((got.payload as CallPayload).reason, "NOT_FOUND");
    assert.equal((got.payload as CallPayload).sipStatus, 404);
    assert.equal(got.origin, "scheduler");
    assert.equal(caught(got).source.id, "call");
    assert.match(caught(got).message, new RegExp(`^CallEndedError: call ${callId} ended FAILED: NOT_FOUND \\(SIP 404 Not Found\\)`));
  });

  it("sip-call: a wrong password ends FAILED AUTHENTICATION_FAILED and reaches Catch, without the password", async () => {
    const callId = unique("c401");
    nodeOf("callWrong").receive({ callId });
    const got = await caughtFor(callId, () => true, "the Catch message of the refused call");
    assert.equal(got.topic, "FAILED");
    assert.equal((got.payload as CallPayload).reason, "AUTHENTICATION_FAILED");
    assert.equal(caught(got).source.id, "callWrong");
    assert.ok(!JSON.stringify(got).includes("not-the-password"));
  });

  it("sip-call: a callee answering 486 ends BUSY and reaches Catch", async () => {
    const callId = unique("c486");
    nodeOf("callBusy").receive({ callId });
    const got = await caughtFor(callId, () => true, "the Catch message of the busy call");
    assert.equal(got.topic, "BUSY");
    assert.equal((got.payload as CallPayload).reason, "USER_BUSY");
    assert.equal((got.payload as CallPayload).sipStatus, 486);
    assert.match(caught(got).message, new RegExp(`call ${callId} ended BUSY: USER_BUSY \\(SIP 486 Busy Here\\)`));
    assert.equal((await busy.exited).code, 0, "sipp got its ACK");
  });

  it("outputs given up reach Catch (sip-call's rtmpUrl, rtmp-republish's), the call goes on, its FINISH does not", async () => {
    const callId = unique("cout");
    nodeOf("call").receive({ callId, rtmpUrl: refusing.url, rtmpStream: STREAM_KEY, rtmpRetries: 0 });
    await calls.waitFor((m) => m.callId === callId && m.topic === "ESTABLISHED", 15_000, "ESTABLISHED");

    // The call's own output: refused, no retry, given up; Catch gets the call's (live) state.
    const own = await caughtFor(callId, (m) => m.outputId === "rtmp", "the Catch message of the rtmpUrl output");
    assert.equal(own.topic, "ESTABLISHED");
    assert.equal(caught(own).source.id, "call");
    assert.equal((own.output as { status: string }).status, "FAILED");
    assert.equal((own.output as { reason: string }).reason, "FAILED_BY_RTMP_WRITER_ERROR");
    assert.match(caught(own).message, new RegExp(`^OutputGivenUpError: output rtmp of call ${callId} given up: FAILED_BY_RTMP_WRITER_ERROR`));

    // rtmp-republish with one retry: RECONNECTING once, then FAILED, which reaches Catch.
    nodeOf("push").receive({ callId, action: "start", rtmpRetries: 1 });
    const pushed = await caughtFor(callId, (m) => caught(m).source.id === "push", "the Catch message of rtmp-republish's output");
    assert.equal(pushed.topic, "FAILED");
    const event = pushed.payload as { outputId: string; status: string; reason: string };
    assert.equal(event.status, "FAILED");
    assert.equal(event.reason, "FAILED_BY_RTMP_WRITER_ERROR");
    assert.equal(pushed.outputId, event.outputId);
    const topics = pushes.messages.filter((m) => m.outputId === event.outputId).map((m) => m.topic);
    assert.deepEqual(topics.filter((t) => t !== "STARTING"), ["RECONNECTING", "FAILED"], "one retry, then given up");
    assert.match(caught(pushed).message, new RegExp(`^OutputGivenUpError: output ${event.outputId} of call ${callId} given up`));

    // The call is still up; hanging it up is a normal end, not an error.
    assert.equal(peer.calls().length, 1);
    nodeOf("call").receive({ callId, terminate: true });
    await calls.waitFor((m) => m.callId === callId && m.topic === "FINISH", 10_000, "FINISH");
    await sleep(500);
    assert.deepEqual(
      errors.messages.filter((m) => m.callId === callId).map((m) => caught(m).source.id),
      ["call", "push"],
      "exactly the two outputs given up reached Catch for this call",
    );
    // Only the starting message's own msg.rtmpStream rides along (as on every output message).
    for (const m of errors.messages) assert.ok(!JSON.stringify({ ...m, rtmpStream: undefined }).includes(STREAM_KEY), `a stream key in what Catch got: ${JSON.stringify(m)}`);
  });

  /** Starts a call to the meeting whose rtmpUrl output and an rtmp-republish output both reconnect (2 retries each). */
  async function callWithReconnectingOutputs(tag: string): Promise<string> {
    const callId = unique(tag);
    nodeOf("call").receive({ callId, rtmpUrl: refusing.url, rtmpStream: STREAM_KEY, rtmpRetries: 2 });
    await calls.waitFor((m) => m.callId === callId && m.topic === "ESTABLISHED", 15_000, "ESTABLISHED");
    nodeOf("push").receive({ callId, action: "start", rtmpRetries: 2 });
    await pushes.waitFor((m) => m.callId === callId && m.topic === "RECONNECTING", 10_000, "the pushed output reconnecting");
    return callId;
  }

  it("a modified-nodes deploy of sip-call and rtmp-republish ends the call; the Catch node, still running, gets nothing from it", async () => {
    const callId = await callWithReconnectingOutputs("cnodes");
    const from = helper.log().args.length;
    const changed = flow.map((n) => (n.id === "call" || n.id === "push" ? { ...n, name: "changed" } : n));
    await helper.setFlows(changed, "nodes", credentials);
    await until(() => peer.calls().length === 0, 5000, "the peer to see the BYE");
    // Longer than both retries' backoff (1 s + 2 s): an output left behind would now be given up.
    await sleep(4000);
    assert.deepEqual(errors.messages.filter((m) => m.callId === callId), [], "nothing reached Catch for the call the deploy ended");
    assert.deepEqual(errorsLoggedSince(from), [], "no error after the deploy");
  });

  it("a stop (full unload) that ends a call and its reconnecting output raises nothing after the nodes closed", async () => {
    await callWithReconnectingOutputs("cstop");
    const from = helper.log().args.length;
    await helper.unload();
    await until(() => peer.calls().length === 0, 5000, "the peer to see the BYE");
    // Longer than both retries' backoff (1 s + 2 s): an output left behind would now be given up.
    await sleep(4000);
    assert.deepEqual(errorsLoggedSince(from), [], "no error after the stop");
  });
});
