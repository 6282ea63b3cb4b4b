import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { startTestMeetingPeer, type TestMeetingPeer } from "../../src/test-peer";
import { requirePeers, startRefusingRtmpServer, type RefusingRtmpServer } from "../harness";
import { repoRoot } from "../harness/paths";
import { startSilentSipServer, type SilentSipServer } from "../harness/silent-server";
import { allOurNodes, coreNode, helper, nodeOf, type FlowNode, type Msg } from "./helpers/node-red-helper";
import { errorsLoggedSince, recordMessages, sleep, until } from "./helpers/recorders";

const examplesDir = path.join(repoRoot(), "examples");

/** Our nodes and the core nodes the examples use (the test helper adds catch itself). */
function exampleModules(): ReturnType<typeof allOurNodes> {
  return [
    ...allOurNodes(),
    ...(["common/20-inject", "common/21-debug", "common/60-link", "common/90-comment", "function/10-switch", "function/15-change", "function/89-delay", "network/21-httpin"] as const).map(coreNode),
  ];
}


function examples(): Array<{ file: string; flow: FlowNode[] }> {
  return fs
    .readdirSync(examplesDir)
    .filter((f) => f.endsWith(".json"))
    .map((file) => ({ file, flow: JSON.parse(fs.readFileSync(path.join(examplesDir, file), "utf8")) as FlowNode[] }));
}

/** The examples (importable from the editor's Import menu) are well-formed, secret-free and deploy. */
describe("nodes: examples", function () {
  this.timeout(20_000);
  let silent: SilentSipServer;

  before(async () => {
    silent = await startSilentSipServer("udp");
    await helper.startServer();
  });

  after(async () => {
    await helper.stopServer();
    await silent.stop();
  });

  afterEach(() => helper.unload());

  it("use every non-config node of the package", () => {
    const used = new Set(examples().flatMap((e) => e.flow.map((n) => n.type)));
    for (const type of ["sip-call", "dtmf-send", "rtmp-republish", "call-status"]) assert.ok(used.has(type), `${type} is in no example`);
  });

  it("carry no credentials and link only to nodes of the same example", () => {
    for (const { file, flow } of examples()) {
      const ids = new Set(flow.map((n) => n.id));
      for (const n of flow) {
        assert.equal(n.credentials, undefined, `${file}: ${n.id} has credentials`);
        for (const secret of ["password", "rtmpStream"]) assert.equal(n[secret], undefined, `${file}: ${n.id} has ${secret}`);
        for (const target of (n.wires ?? []).flat()) assert.ok(ids.has(target), `${file}: ${n.id} wires to a missing ${target}`);
        if (typeof n.account === "string" && n.account !== "") assert.ok(ids.has(n.account), `${file}: ${n.id} uses a missing account`);
      }
    }
  });

  for (const { file, flow } of examples()) {
    it(`${file} deploys and starts without errors`, async () => {
      // Point the example's account at a local SIP server that never answers: nothing leaves the machine.
      // Without registration nothing waits on it (closing with a REGISTER unanswered takes sip.js 32 s).
      const local = flow.map((n) => (n.type === "sip-account" ? { ...n, domain: "127.0.0.1", port: silent.port, registerRequired: false } : n));
      const tab: FlowNode = { id: String(flow.find((n) => n.z)?.z), type: "tab", label: file };
      await helper.load(exampleModules(), [tab, ...local]);
      for (const n of local) if (n.type !== "tab") assert.ok(helper.getNode(n.id), `${file}: ${n.type} ${n.id} is running`);
      const errors = helper.log().args.map((a) => a[0] as { level?: number; msg?: unknown }).filter((e) => e.level !== undefined && e.level <= 20);
      assert.deepEqual(errors, [], `${file}: errors logged on start`);
    });
  }
});

/**
 * The scheduled-broadcast example run for real against the embedded test meeting, with its delays
 * shortened in the loaded flow: a dial that keeps failing is retried after a pause and reported once on
 * the "final failure" wire; a meeting that ends early cancels the hang-up timer, so nothing fails when
 * its time comes; a meeting that lasts is hung up by it.
 */
describe("nodes: examples/scheduled-meeting-broadcast.json handles failure", function () {
  this.timeout(60_000);
  const FILE = "scheduled-meeting-broadcast.json";
  const PIN = "311705123#";
  let peer: TestMeetingPeer;
  let refusing: RefusingRtmpServer;

  before(async () => {
    requirePeers(["ffmpeg"]);
    peer = await startTestMeetingPeer({ user: "meeting" });
    refusing = await startRefusingRtmpServer();
    await helper.startServer();
  });

  after(async () => {
    await helper.unload();
    await helper.stopServer();
    await peer?.stop();
    await refusing?.stop();
  });

  afterEach(async () => {
    await helper.unload();
    await peer.hangupAll();
  });

  /** The example's node named `name` (names are what a user sees, and stable across edits of the example). */
  function named(flow: FlowNode[], name: string): FlowNode {
    const found = flow.find((n) => n.name === name);
    if (!found) throw new Error(`${FILE} has no node named "${name}"`);
    return found;
  }

  /**
   * Loads the example with its account on the test meeting (no registration), the callee `callee`,
   * "go live" on a local RTMP server that refuses, and `edit` applied to its nodes; returns the flow.
   */
  async function loadExample(callee: string, edit: (flow: FlowNode[]) => void): Promise<FlowNode[]> {
    const flow = (JSON.parse(fs.readFileSync(path.join(examplesDir, FILE), "utf8")) as FlowNode[]).map((n) => ({ ...n }));
    const account = flow.find((n) => n.type === "sip-account");
    Object.assign(account ?? {}, { domain: "127.0.0.1", port: peer.sipPort, registerRequired: false, localAddress: "127.0.0.1" });
    named(flow, "dial the meeting").callee = callee;
    named(flow, "go live").rtmpUrl = refusing.url;
    edit(flow);
    const tab: FlowNode = { id: String(flow.find((n) => n.z)?.z), type: "tab", label: FILE };
    await helper.load(exampleModules(), [tab, ...flow]);
    return flow;
  }

  function shorten(node: FlowNode, ms: number): void {
    Object.assign(node, { timeout: String(ms), timeoutUnits: "milliseconds" });
  }

  it("retries a dial that fails (404) twice after a pause, then fires the final-failure wire once; nothing is logged as an error", async () => {
    const PAUSE_MS = 300;
    const flow = await loadExample("nobody", (f) => shorten(named(f, "pause before redialling"), PAUSE_MS));
    const states = recordMessages(named(flow, "call state").id);
    const finalFailure = recordMessages(named(flow, "final failure").id);
    const logMark = helper.log().args.length;

    nodeOf(named(flow, "10:00 on weekdays").id).receive({});
    const reported = await finalFailure.waitFor(() => true, 20_000, "the final failure");
    // Nothing more comes: no fourth attempt, no second report.
    await sleep(PAUSE_MS * 3);
    assert.equal(finalFailure.messages.length, 1, "the final-failure wire fired once");
    const failed = states.messages.filter((m) => m.topic === "FAILED");
    assert.deepEqual(failed.map((m) => m.attempt), [1, 2, 3], "three attempts: the first dial and two retries");
    assert.equal(new Set(failed.map((m) => m.callId)).size, 3, "each attempt is a new call");
    for (const m of failed) assert.equal((m.payload as { reason: string }).reason, "NOT_FOUND");
    const times = failed.map((m) => (m.payload as { timestamp: number }).timestamp);
    for (let i = 1; i < times.length; i++) assert.ok(times[i] - times[i - 1] >= PAUSE_MS, `attempt ${i + 1} came ${times[i] - times[i - 1]} ms after the failure before it`);
    assert.equal(reported.attempt, 3);
    assert.equal(reported.callId, failed[2].callId);
    assert.match((reported.error as { message: string }).message, /ended FAILED: NOT_FOUND \(SIP 404/);
    assert.deepEqual(errorsLoggedSince(logMark), [], "the failures were handled by the flow, not logged as errors");
  });

  /** Dials the meeting, waits for the PIN to be heard and the hang-up timer to hold the call's message. */
  async function answeredAndTimed(flow: FlowNode[]): Promise<{ callId: string; timedAt: number }> {
    const timer = recordMessages(named(flow, "meeting length").id);
    const digitsBefore = peer.digits().length;
    nodeOf(named(flow, "10:00 on weekdays").id).receive({});
    const timed = await timer.waitFor(() => true, 30_000, "the hang-up timer to start");
    const timedAt = Date.now();
    await until(() => peer.digits().slice(digitsBefore).join("") === PIN, 5000, "the PIN at the meeting");
    return { callId: String(timed.callId), timedAt };
  }

  it("a meeting that ends early (the far end hangs up) cancels the hang-up timer: no error when it would have run out", async () => {
    const LENGTH_MS = 3000;
    const flow = await loadExample("meeting", (f) => {
      shorten(named(f, "let the IVR greet"), 100);
      shorten(named(f, "meeting length"), LENGTH_MS);
      named(f, "enter the PIN").pauseMs = 50;
    });
    const states = recordMessages(named(flow, "call state").id);
    const hangUps = recordMessages(named(flow, "hang up").id);
    const logMark = helper.log().args.length;
    const { callId, timedAt } = await answeredAndTimed(flow);

    await peer.hangupAll();
    await states.waitFor((m) => m.callId === callId && m.topic === "FINISH", 5000, "FINISH after the meeting's BYE");
    await sleep(Math.max(0, timedAt + LENGTH_MS + 1000 - Date.now()));
    assert.deepEqual(errorsLoggedSince(logMark), [], "no error after the early end");
    assert.deepEqual(hangUps.messages, [], "the hang-up timer did not run out");
    assert.deepEqual(
      states.messages.map((m) => m.topic).filter((t) => t === "TRYING" || t === "FINISH"),
      ["TRYING", "FINISH"],
      "a normal end is not redialled",
    );
  });

  it("a meeting that lasts is hung up by the timer, without an error", async () => {
    const flow = await loadExample("meeting", (f) => {
      shorten(named(f, "let the IVR greet"), 100);
      shorten(named(f, "meeting length"), 500);
      named(f, "enter the PIN").pauseMs = 50;
    });
    const states = recordMessages(named(flow, "call state").id);
    const logMark = helper.log().args.length;
    const { callId } = await answeredAndTimed(flow);
    const finish = await states.waitFor((m: Msg) => m.callId === callId && m.topic === "FINISH", 5000, "FINISH by the timer");
    assert.equal((finish.payload as { initiator?: string }).initiator, "local");
    assert.equal((finish.payload as { reason: string }).reason, "NORMAL_CALL_CLEARING");
    await sleep(300);
    assert.deepEqual(errorsLoggedSince(logMark), []);
  });
});
