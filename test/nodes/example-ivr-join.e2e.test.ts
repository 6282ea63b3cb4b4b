import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { startTestMeetingPeer, type TestMeetingPeer } from "../../src/demo";
import { requirePeers, startRefusingRtmpServer, type RefusingRtmpServer } from "../harness";
import { repoRoot } from "../harness/paths";
import { allOurNodes, coreNode, helper, nodeOf, type FlowNode } from "./helpers/node-red-helper";
import { recordMessages } from "./helpers/recorders";

const FILE = "join-meeting-through-ivr.json";

/**
 * The IVR example run for real against the test meeting in IVR mode (the bridge's number is its user):
 * the right passcode goes live once joined; a wrong one is sent twice (retry=1), then reaches "join failed".
 */
describe(`nodes: the ${FILE} example against the test meeting's IVR`, function () {
  this.timeout(120_000);
  let refusing: RefusingRtmpServer;

  before(async () => {
    requirePeers(["ffmpeg", "espeak-ng"]);
    refusing = await startRefusingRtmpServer();
    await helper.startServer();
  });

  after(async () => {
    await helper.stopServer();
    await refusing?.stop();
  });

  afterEach(() => helper.unload());

  function named(flow: FlowNode[], name: string): FlowNode {
    const found = flow.find((n) => n.name === name);
    if (!found) throw new Error(`${FILE} has no node named "${name}"`);
    return found;
  }

  async function loadExample(peer: TestMeetingPeer): Promise<FlowNode[]> {
    const flow = (JSON.parse(fs.readFileSync(path.join(repoRoot(), "examples", FILE), "utf8")) as FlowNode[]).map((n) => ({ ...n }));
    Object.assign(flow.find((n) => n.type === "sip-account") ?? {}, { domain: "127.0.0.1", port: peer.sipPort, registerRequired: false, localAddress: "127.0.0.1" });
    named(flow, "go live").rtmpUrl = refusing.url;
    const tab: FlowNode = { id: String(flow.find((n) => n.z)?.z), type: "tab", label: FILE };
    const core = (["common/20-inject", "common/21-debug", "common/90-comment", "function/10-switch", "function/15-change"] as const).map(coreNode);
    await helper.load([...allOurNodes(), ...core], [tab, ...flow]);
    return flow;
  }

  for (const [label, passcode, joins] of [
    ["the right passcode: joined, then go live", "4321", true],
    ["a wrong passcode: sent again once, then join failed (reprompted) hangs up", "9999", false],
  ] as const) {
    it(label, async () => {
      const peer = await startTestMeetingPeer({ user: "meeting-bridge", ivr: { meetingId: "311705123", passcode, firstPromptDelayMs: 1500 } });
      const entries: string[] = [];
      peer.on("ivr", (e) => e.kind === "entry" && entries.push(`${e.field}:${String(e.ok)}`));
      try {
        const flow = await loadExample(peer);
        const live = recordMessages(named(flow, "go live").id);
        const why = recordMessages(named(flow, "why").id);
        const states = recordMessages(named(flow, "call state").id);
        nodeOf(named(flow, "join now").id).receive({});
        if (joins) {
          const msg = await live.waitFor(() => true, 60_000, "go live");
          const ivr = (msg.dtmf as { ivr: Array<{ kind: string; by?: string }> }).ivr;
          assert.deepEqual(ivr.map((e) => e.kind), ["prompt-ended", "prompt-ended", "joined"]);
          assert.deepEqual(entries, ["meeting-id:true", "passcode:true"]);
        } else {
          const failed = await why.waitFor(() => true, 60_000, "join failed");
          const error = failed.error as { message: string };
          assert.match(error.message, /asked again after key group 2 .*wrong PIN/);
          assert.deepEqual(entries, ["meeting-id:true", "passcode:false", "passcode:false"]);
          assert.equal(live.messages.length, 0, "not live");
          await states.waitFor((m) => m.topic === "FINISH", 15_000, "the call hung up");
        }
      } finally {
        await helper.unload();
        await peer.stop();
      }
    });
  }
});
