import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startTestMeetingPeer, type TestMeetingPeer } from "../../src/demo";
import { requirePeers } from "../harness";
import { allOurNodes, coreNode, helper, nodeOf, type FlowNode, type StatusArg } from "./helpers/node-red-helper";
import { catchAll, flowNode, node, sink, TAB, unique } from "./helpers/flows";
import { recordMessages, recordStatus, until } from "./helpers/recorders";

/** A PIN no port, id or timestamp is likely to contain. */
const PIN = "97531#";

/** Everything the runtime would hand out as the flow (GET /flows) and everything it logged. */
function exposedText(): string {
  return JSON.stringify(helper._redNodes.getFlows()) + JSON.stringify(helper.log().args);
}

/** Every status `id` set since the flow was loaded (the test helper spies on Node.prototype.status). */
function statusesOf(id: string): StatusArg[] {
  const spy = nodeOf(id).status as unknown as { getCalls(): Array<{ thisValue: { id: string }; args: unknown[] }> };
  return spy
    .getCalls()
    .filter((c) => c.thisValue.id === id)
    .map((c) => c.args[0] as StatusArg);
}

function switchOnTopic(id: string, value: string, to: string): FlowNode {
  return flowNode(id, "switch", { name: "", property: "topic", propertyType: "msg", rules: [{ t: "eq", v: value, vt: "str" }], checkall: "true", repair: false, outputs: 1 }, [[to]]);
}

/**
 * TypedInput settings end to end against the embedded test meeting (which answers only the user
 * "meeting"): the callee from a tab's environment variable, a JSONata expression or a msg property,
 * the recording's file name from flow context, and the PIN from dtmf-send's credential.
 */
describe("nodes end to end: TypedInput settings, PIN credential and recording without a function node", function () {
  this.timeout(60_000);
  let peer: TestMeetingPeer;
  let media: string;

  before(async function () {
    requirePeers(["ffmpeg"]);
    peer = await startTestMeetingPeer({ user: "meeting" });
    media = fs.mkdtempSync(path.join(os.tmpdir(), "sipcast-typed-"));
    await helper.startServer();
  });

  after(async () => {
    await helper.unload();
    await helper.stopServer();
    await peer?.stop();
    if (media) fs.rmSync(media, { recursive: true, force: true });
  });

  afterEach(async () => {
    await helper.unload();
  });

  const account = (): FlowNode => node("sip-account", "acc", { login: "alice", domain: "127.0.0.1", port: peer.sipPort, registerRequired: false, localAddress: "127.0.0.1" });
  const tabWithEnv = (): FlowNode => ({ id: TAB, type: "tab", label: "broadcast", env: [{ name: "MEETING_CALLEE", value: "meeting", type: "str" }] });

  it("calls the env callee, records to the flow-context file name, sends the PIN credential showing only its key count", async () => {
    const callId = unique("typed");
    const recordName = `${callId}.mp4`;
    const flow = [
      tabWithEnv(),
      account(),
      node("sip-call", "call", { account: "acc", callee: "MEETING_CALLEE", calleeType: "env", callId, recordPath: "recordName", recordPathType: "flow", mediaFolder: media }, [["calls", "sw"]]),
      switchOnTopic("sw", "ESTABLISHED", "pin"),
      node("dtmf-send", "pin", { name: "", digits: "", digitsType: "cred" }, [["sent"]]),
      sink("calls"),
      sink("sent"),
    ];
    await helper.load([...allOurNodes(), coreNode("function/10-switch")], flow, { pin: { pin: PIN } });
    // What a change node ("set flow.recordName") would have done before the call.
    (nodeOf("call") as unknown as { context(): { flow: { set(key: string, value: unknown): void } } }).context().flow.set("recordName", recordName);
    const sent = recordMessages("sent");
    const callStatus = recordStatus("call");

    nodeOf("call").receive({ payload: "start" });
    await callStatus.waitFor((s) => /^ESTABLISHED/.test(s.text ?? ""), 15_000, "ESTABLISHED: the callee came from the tab's env");
    const out = await sent.waitFor(() => true, 15_000, "dtmf-send passes the message on");
    assert.deepEqual(out.dtmf, { callId, keys: PIN.length, type: "RFC2833" }, "msg.dtmf counts the keys and leaves the PIN out");
    await until(() => peer.digits().join("").endsWith(PIN), 10_000, "the PIN at the meeting");
    assert.deepEqual(statusesOf("pin").at(-1), { fill: "green", shape: "dot", text: "sent 6 keys" });
    for (const s of statusesOf("pin")) assert.ok(!(s.text ?? "").includes("97531"), `a status shows the PIN: ${JSON.stringify(s)}`);

    nodeOf("call").receive({ callId, terminate: true });
    await callStatus.waitFor((s) => /^FINISH/.test(s.text ?? ""), 10_000, "FINISH");
    const file = path.join(media, recordName);
    await until(() => fs.existsSync(file) && fs.statSync(file).size > 0, 15_000, `the recording ${file}`);
    assert.ok(!exposedText().includes(PIN), "the PIN is in the flow JSON or the log");
  });

  it("takes the callee from JSONata or a msg property; msg.callee still wins over the setting", async () => {
    const flow = [
      tabWithEnv(),
      account(),
      node("sip-call", "byJsonata", { account: "acc", callee: '"meet" & payload.suffix', calleeType: "jsonata" }, [["out"]]),
      node("sip-call", "byMsg", { account: "acc", callee: "room.user", calleeType: "msg" }, [["out"]]),
      node("sip-call", "overridden", { account: "acc", callee: "nobody-here", calleeType: "str" }, [["out"]]),
      sink("out"),
    ];
    await helper.load(allOurNodes(), flow);
    const out = recordMessages("out");
    const ids = { byJsonata: unique("jsonata"), byMsg: unique("msg"), overridden: unique("override") };
    nodeOf("byJsonata").receive({ callId: ids.byJsonata, payload: { suffix: "ing" } });
    nodeOf("byMsg").receive({ callId: ids.byMsg, room: { user: "meeting" } });
    nodeOf("overridden").receive({ callId: ids.overridden, callee: "meeting" });
    for (const callId of Object.values(ids)) {
      await out.waitFor((m) => m.callId === callId && m.topic === "ESTABLISHED", 15_000, `${callId} ESTABLISHED`);
    }
    for (const [id, callId] of Object.entries(ids)) nodeOf(id).receive({ callId, terminate: true });
    for (const callId of Object.values(ids)) await out.waitFor((m) => m.callId === callId && m.topic === "FINISH", 10_000, `${callId} FINISH`);
  });

  it("a setting that evaluates to an object, or a recording outside the media folder, goes to Catch naming the setting", async () => {
    const flow = [
      tabWithEnv(),
      account(),
      node("sip-call", "call", { account: "acc", callee: "room", calleeType: "msg", recordPath: "../outside.mp4", mediaFolder: media }, [[]]),
      catchAll("catch", "errors"),
      sink("errors"),
    ];
    await helper.load(allOurNodes(), flow);
    const errors = recordMessages("errors");
    nodeOf("call").receive({ room: { user: "meeting" } });
    const typed = await errors.waitFor(() => true, 5000, "the callee error");
    assert.match((typed.error as { message: string }).message, /callee: the msg value is object, expected text$/);
    nodeOf("call").receive({ room: "meeting" });
    const outside = await errors.waitFor((m) => m !== typed, 5000, "the record path error");
    assert.match((outside.error as { message: string }).message, /recordPath: the recording must be in the media folder, got "\.\.\/outside\.mp4"$/);
    assert.ok(!fs.existsSync(path.join(media, "..", "outside.mp4")));
  });
});
