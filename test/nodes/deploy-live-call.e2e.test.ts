import { strict as assert } from "node:assert";
import { requirePeers, startBaresip, startKamailio, type Baresip, type Kamailio } from "../harness";
import { allOurNodes, coreNode, helper, nodeOf, type FlowCredentials, type FlowNode } from "./helpers/node-red-helper";
import { flowNode, node, sink, tab, unique } from "./helpers/flows";
import { recordMessages, sleep, type MessageRecorder } from "./helpers/recorders";

const CREDENTIALS: FlowCredentials = { acc: { password: "alicepw" } };

/**
 * What each kind of deploy does to a call that a sip-call node has up (the sip-call help says so,
 * sentence by sentence): through Kamailio to baresip, which answers at once.
 */
describe("deploys and a live call (sip-call help: Deploys)", function () {
  this.timeout(120_000);
  let kamailio: Kamailio;
  let baresip: Baresip;

  before(async function () {
    requirePeers(["kamailio", "baresip"]);
    kamailio = await startKamailio();
    baresip = await startBaresip({ registrar: { port: kamailio.udpPort, user: "uas", password: "uaspw" } });
    await helper.startServer();
  });

  afterEach(async () => helper.unload());

  after(async () => {
    await helper.stopServer();
    await baresip?.stop();
    await kamailio?.stop();
  });

  const flow = (changes: { callName?: string; injectName?: string; registerExpires?: number } = {}): FlowNode[] => [
    tab(),
    node("sip-account", "acc", { name: "alice", login: "alice", domain: "127.0.0.1", port: kamailio.udpPort, registerExpires: changes.registerExpires ?? 600 }),
    flowNode("inj", "inject", { name: changes.injectName ?? "", props: [{ p: "payload" }], repeat: "", crontab: "", once: false, onceDelay: 0.1, topic: "", payload: "", payloadType: "date" }, [["call"]]),
    node("sip-call", "call", { account: "acc", callee: "uas", callId: "", name: changes.callName ?? "" }, [["calls"]]),
    sink("calls"),
  ];
  const modules = (): ReturnType<typeof allOurNodes> => [...allOurNodes(), coreNode("common/20-inject")];
  const lines = (pattern: RegExp): number => kamailio.logs().split("\n").filter((l) => pattern.test(l)).length;

  /** Loads `flow()`, places a call from it and waits until it is answered. */
  async function liveCall(): Promise<{ calls: MessageRecorder; callId: string; byes: number; registrations: number }> {
    await helper.load(modules(), flow(), CREDENTIALS);
    const calls = recordMessages("calls");
    nodeOf("inj").receive({ callId: unique("deploy") });
    const established = await calls.waitFor((m) => m.topic === "ESTABLISHED", 20_000, "ESTABLISHED");
    return { calls, callId: String(established.callId), byes: lines(/REQ BYE /), registrations: lines(/REGISTERED alice/) };
  }

  /** Deploys `next` and checks that the call was hung up with a BYE, and that the node sent nothing more for it. */
  async function deployEndsCall(next: FlowNode[], type: "full" | "nodes" | "flows"): Promise<void> {
    const { calls, byes, registrations } = await liveCall();
    const sent = calls.messages.length;
    const at = Date.now();
    await helper.setFlows(next, type, CREDENTIALS);
    await baresip.waitForEvent((e) => e.type === "CALL_CLOSED" && e.receivedAt >= at, 5000);
    assert.ok(lines(/REQ BYE /) > byes, "our BYE went through Kamailio");
    await sleep(500);
    assert.equal(calls.messages.length, sent, `no FINISH (or any) message for the ended call: ${JSON.stringify(calls.messages.slice(sent).map((m) => m.topic))}`);
    // The account (restarted, or left by its last user and taken up again) registers once more.
    for (let i = 0; i < 100 && lines(/REGISTERED alice/) <= registrations; i++) await sleep(100);
    assert.ok(lines(/REGISTERED alice/) > registrations, "the account registered again");
  }

  it("a full deploy hangs up the call (BYE); no FINISH message is sent for it", async () => {
    await deployEndsCall(flow(), "full");
  });

  it("a modified-nodes deploy that changes the sip-call node hangs up its call", async () => {
    await deployEndsCall(flow({ callName: "renamed" }), "nodes");
  });

  it("a modified-nodes deploy that changes its sip-account hangs up the call", async () => {
    await deployEndsCall(flow({ registerExpires: 300 }), "nodes");
  });

  it("a modified-flows deploy of the call's flow hangs it up, even if only another node changed", async () => {
    await deployEndsCall(flow({ injectName: "renamed" }), "flows");
  });

  it("a modified-nodes deploy that touches neither (here: the inject node wired into it) leaves the call up", async () => {
    const { calls, callId, byes } = await liveCall();
    const callNode = nodeOf("call");
    const at = Date.now();
    await helper.setFlows(flow({ injectName: "renamed" }), "nodes", CREDENTIALS);
    await sleep(3000);
    assert.equal(nodeOf("call"), callNode, "the sip-call node was not restarted");
    assert.ok(!baresip.events.some((e) => e.type === "CALL_CLOSED" && e.receivedAt >= at), "baresip still has the call");
    assert.equal(lines(/REQ BYE /), byes, "no BYE");
    assert.deepEqual(calls.messages.map((m) => m.topic).filter((t) => t === "FINISH" || t === "FAILED"), []);
    // The same node still owns the call: it ends it on request and reports FINISH.
    nodeOf("call").receive({ callId, terminate: true });
    const finish = await calls.waitFor((m) => m.topic === "FINISH" && m.callId === callId, 10_000, "FINISH");
    assert.equal((finish.payload as { reason: string }).reason, "NORMAL_CALL_CLEARING");
  });
});
