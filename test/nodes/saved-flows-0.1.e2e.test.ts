import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { startTestMeetingPeer, type TestMeetingPeer } from "../../src/test-peer";
import { repoRoot } from "../harness/paths";
import { editorDefinition, editorInvalidity } from "./helpers/editor-defaults";
import { allOurNodes, helper, nodeOf, type FlowNode, type StatusArg } from "./helpers/node-red-helper";
import { recordStatus, until } from "./helpers/recorders";

/**
 * test/nodes/fixtures/flows-0.1.json is a flow as sipcast 0.1.0 saved it: every node type, with only
 * the properties the 0.1.0 editor `defaults` had (nodes/*.html at that release), credentials apart
 * (as Node-RED keeps them in flows_cred.json). Today's nodes must load it unchanged: the runtime
 * starts every node without complaint, and the editor finds a valid default for every property
 * added since.
 */
const FIXTURE = path.join(repoRoot(), "test", "nodes", "fixtures", "flows-0.1.json");
const ID = {
  account: "f01a0000000000c1",
  call: "f01a0000000000b1",
  dtmf: "f01a0000000000b2",
  push: "f01a0000000000b3",
  status: "f01a0000000000b4",
  wcs: "f01a0000000000b5",
};
const PASSWORD = "flows-01-password";

function savedFlow(): FlowNode[] {
  return JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as FlowNode[];
}

describe("nodes: a flow saved by 0.1.0 (editor side)", () => {
  it("has one node of each of the six types", () => {
    const types = savedFlow().map((n) => n.type).filter((t) => t !== "tab").sort();
    assert.deepEqual(types, ["call-status", "dtmf-send", "rtmp-republish", "sip-account", "sip-call", "wcs-rest-api"]);
  });

  for (const saved of savedFlow().filter((n) => n.type !== "tab")) {
    it(`${saved.type}: every property added since 0.1.0 has an editor default that passes its own validation, and the saved values still pass`, () => {
      const { defaults } = editorDefinition(saved.type);
      const added = Object.keys(defaults).filter((k) => !(k in saved));
      // What the editor holds after the import: the saved properties, the defaults for the rest.
      const loaded: Record<string, unknown> = { ...saved };
      for (const k of added) loaded[k] = defaults[k].value;
      for (const k of added) assert.equal(editorInvalidity(defaults[k], loaded, k), undefined, `${saved.type}.${k} (added since 0.1.0), default ${JSON.stringify(defaults[k].value)}`);
      for (const k of Object.keys(saved).filter((k) => k in defaults)) {
        assert.equal(editorInvalidity(defaults[k], loaded, k), undefined, `${saved.type}.${k} saved by 0.1.0 as ${JSON.stringify(saved[k])}`);
      }
    });
  }
});

/** Every status `id` set since the flow was loaded (the test helper spies on Node.prototype.status). */
function statusesOf(id: string): StatusArg[] {
  const spy = nodeOf(id).status as unknown as { getCalls(): Array<{ thisValue: { id: string }; args: unknown[] }> };
  return spy
    .getCalls()
    .filter((c) => c.thisValue.id === id)
    .map((c) => c.args[0] as StatusArg);
}

describe("nodes end to end: a flow saved by 0.1.0 runs on today's nodes", function () {
  this.timeout(30_000);
  let peer: TestMeetingPeer;

  before(async () => {
    peer = await startTestMeetingPeer({ user: "meeting", auth: { username: "alice", password: PASSWORD } });
    await helper.startServer();
  });

  after(async () => {
    await helper.unload();
    await helper.stopServer();
    await peer?.stop();
  });

  it("starts every node without an error or warning but the REST node's refusal, and calls the meeting from the old sip-call node", async () => {
    // Unchanged but for the port of the embedded meeting, which is free-chosen per run.
    const flow = savedFlow().map((n) => (n.id === ID.account ? { ...n, port: peer.sipPort } : n));
    await helper.load(allOurNodes(), flow, { [ID.account]: { password: PASSWORD } });
    for (const n of flow) assert.ok(helper.getNode(n.id) || n.type === "tab", `${n.type} ${n.id} is running`);

    // What the nodes logged (the runtime's own notes carry no node id) at Node-RED's fatal 10, error 20 or warn 30.
    const ids = new Set(flow.map((n) => n.id));
    const complaints = helper
      .log()
      .args.map((a) => a[0] as { level?: number; id?: string; type?: string; msg?: unknown })
      .filter((e) => e.level !== undefined && e.level <= 30 && e.id !== undefined && ids.has(e.id));
    assert.equal(complaints.length, 1, `one complaint: ${JSON.stringify(complaints)}`);
    assert.equal(complaints[0].type, "wcs-rest-api");
    assert.equal(complaints[0].level, 30);
    assert.match(String(complaints[0].msg), /^\/rest-api: no credential is set: every request is refused/);

    assert.deepEqual(statusesOf(ID.wcs).at(-1), { fill: "red", shape: "ring", text: "/rest-api: refusing: no credential set" });
    assert.deepEqual(statusesOf(ID.status).at(-1), { fill: "grey", shape: "ring", text: "no calls" });
    for (const id of [ID.call, ID.dtmf, ID.push]) {
      for (const s of statusesOf(id)) assert.notEqual(s.fill, "red", `${id}: ${JSON.stringify(s)}`);
    }

    const callStatus = recordStatus(ID.call);
    const counted = recordStatus(ID.status);
    const callId = "saved-by-0.1";
    nodeOf(ID.call).receive({ callId });
    await callStatus.waitFor((s) => /^ESTABLISHED/.test(s.text ?? ""), 15_000, "ESTABLISHED on the old sip-call node");
    await counted.waitFor((s) => s.text === "1 call", 5000, "1 call on the old call-status node");

    const before = peer.digits().length;
    nodeOf(ID.dtmf).receive({ callId });
    await until(() => peer.digits().slice(before).join("") === "123#", 10_000, "the old dtmf-send node's digits at the meeting");

    nodeOf(ID.call).receive({ callId, terminate: true });
    await counted.waitFor((s) => s.text === "no calls", 10_000, "no calls after the hang-up");
  });
});
