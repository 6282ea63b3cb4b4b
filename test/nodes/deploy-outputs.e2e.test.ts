import { strict as assert } from "node:assert";
import { requirePeers, startBaresip, startKamailio, startRtmpServer, type Baresip, type Kamailio, type RtmpServer } from "../harness";
import { processesWithArgument, processesWithArgumentAfter } from "../harness/proc-args";
import { allOurNodes, coreNode, helper, nodeOf, type FlowCredentials, type FlowNode } from "./helpers/node-red-helper";
import { flowNode, node, sink, tab, unique } from "./helpers/flows";
import { recordMessages, sleep } from "./helpers/recorders";

/**
 * Deploys while a sip-call node's call publishes to RTMP (sip-call help: Deploys): one that changes
 * the node ends the call and its ffmpeg; those that touch neither the node nor its flow leave the
 * call and its output running, without a restart of the output.
 */
describe("deploys and a publishing call: children and outputs", function () {
  this.timeout(120_000);
  let kamailio: Kamailio;
  let baresip: Baresip;
  let rtmp: RtmpServer;

  before(async function () {
    requirePeers(["kamailio", "baresip", "ffmpeg"]);
    kamailio = await startKamailio();
    baresip = await startBaresip({ registrar: { port: kamailio.udpPort, user: "uas", password: "uaspw" } });
    rtmp = await startRtmpServer();
    await helper.startServer();
  });

  afterEach(async () => helper.unload());

  after(async () => {
    await helper.stopServer();
    await rtmp?.stop();
    await baresip?.stop();
    await kamailio?.stop();
  });

  const OTHER_TAB = "tab2";
  const flow = (changes: { callName?: string; otherName?: string } = {}): FlowNode[] => [
    tab(),
    { id: OTHER_TAB, type: "tab", label: "other" },
    node("sip-account", "acc", { name: "alice", login: "alice", domain: "127.0.0.1", port: kamailio.udpPort }),
    flowNode("inj", "inject", { name: "", props: [{ p: "payload" }], repeat: "", crontab: "", once: false, onceDelay: 0.1, topic: "", payload: "", payloadType: "date" }, [["call"]]),
    node("sip-call", "call", { account: "acc", callee: "uas", name: changes.callName ?? "", rtmpUrl: rtmp.url }, [["calls"]]),
    sink("calls"),
    { id: "other", type: "inject", z: OTHER_TAB, x: 100, y: 100, name: changes.otherName ?? "", props: [{ p: "payload" }], repeat: "", crontab: "", once: false, onceDelay: 0.1, topic: "", payload: "", payloadType: "date", wires: [[]] },
  ];
  const modules = (): ReturnType<typeof allOurNodes> => [...allOurNodes(), coreNode("common/20-inject")];

  /** Loads `flow()` with a fresh stream key, calls, and waits until the call publishes. */
  async function publishingCall(): Promise<{ stream: string; credentials: FlowCredentials; ffmpeg: number; calls: ReturnType<typeof recordMessages> }> {
    const stream = unique("deploy-out");
    const credentials: FlowCredentials = { acc: { password: "alicepw" }, call: { rtmpStream: stream } };
    await helper.load(modules(), flow(), credentials);
    const calls = recordMessages("calls");
    nodeOf("inj").receive({});
    await calls.waitFor((m) => m.topic === "ESTABLISHED", 20_000, "ESTABLISHED");
    await rtmp.waitForPublish(stream, 15_000);
    const pids = await processesWithArgument(stream);
    assert.equal(pids.length, 1, "one ffmpeg publishes the call");
    return { stream, credentials, ffmpeg: pids[0], calls };
  }

  it("a modified-nodes deploy that changes the sip-call node: BYE, and its ffmpeg is gone", async () => {
    const { stream, credentials } = await publishingCall();
    const at = Date.now();
    await helper.setFlows(flow({ callName: "renamed" }), "nodes", credentials);
    await baresip.waitForEvent((e) => e.type === "CALL_CLOSED" && e.receivedAt >= at, 5000);
    process.stdout.write(`      modified-nodes deploy of sip-call: call ended ${Date.now() - at} ms after the deploy started\n`);
    assert.deepEqual(await processesWithArgumentAfter(stream, 3000), [], "no ffmpeg left");
    await rtmp.waitForUnpublish(stream, 10_000);
  });

  for (const [type, what] of [["flows", "a modified-flows deploy of another flow"], ["nodes", "a modified-nodes deploy of a node on another flow"]] as const) {
    it(`${what} keeps the call and its output: same ffmpeg, no new publish`, async () => {
      const { stream, credentials, ffmpeg, calls } = await publishingCall();
      const at = Date.now();
      await helper.setFlows(flow({ otherName: `renamed-${type}` }), type, credentials);
      await sleep(3000);
      assert.ok(!baresip.events.some((e) => e.type === "CALL_CLOSED" && e.receivedAt >= at), "baresip still has the call");
      assert.deepEqual(await processesWithArgument(stream), [ffmpeg], "the same ffmpeg still publishes");
      assert.equal(rtmp.publishTimes(stream).length, 1, "the output was not restarted");
      assert.deepEqual(calls.messages.map((m) => m.topic).filter((t) => t === "FINISH" || t === "FAILED"), []);
      process.stdout.write(`      ${type} deploy of another flow: call up, output not restarted (publishes: ${rtmp.publishTimes(stream).length})\n`);
    });
  }
});
