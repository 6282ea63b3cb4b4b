import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import { ffprobe, requirePeers, startBaresip, startKamailio, startRtmpServer, type Baresip, type Kamailio, type RtmpServer } from "../harness";
import { processesWithArgument } from "../harness/proc-args";
import { allOurNodes, coreNode, helper, nodeOf, type FlowCredentials, type FlowNode } from "./helpers/node-red-helper";
import { catchAll, flowNode, node, sink, tab, unique } from "./helpers/flows";
import { recordMessages, recordStatus, sleep } from "./helpers/recorders";

const PASSWORD = "alicepw";

function injectNode(id: string, to: string): FlowNode {
  return flowNode(id, "inject", { name: "", props: [{ p: "payload" }], repeat: "", crontab: "", once: false, onceDelay: 0.1, topic: "", payload: "", payloadType: "date" }, [[to]]);
}

function switchOnTopic(id: string, value: string, to: string): FlowNode {
  return flowNode(id, "switch", { name: "", property: "topic", propertyType: "msg", rules: [{ t: "eq", v: value, vt: "str" }], checkall: "true", repair: false, outputs: 1 }, [[to]]);
}

/** Everything the runtime would hand out as the flow (GET /flows) and everything it logged. */
function exposedText(): string {
  return JSON.stringify(helper._redNodes.getFlows()) + JSON.stringify(helper.log().args);
}

/**
 * The nodes end to end through real peers: Kamailio (registrar/proxy with digest auth), baresip registered
 * as `uas` (auto-answers with H.264 + a 440 Hz PCMU tone), node-media-server recording the RTMP stream.
 */
describe("nodes end to end: inject → sip-call → ESTABLISHED → dtmf-send → rtmp-republish → terminate", function () {
  this.timeout(120_000);
  let kamailio: Kamailio;
  let baresip: Baresip;
  let rtmp: RtmpServer;

  before(async function () {
    requirePeers(["kamailio", "baresip", "ffmpeg", "ffprobe"]);
    kamailio = await startKamailio();
    baresip = await startBaresip({ registrar: { port: kamailio.udpPort, user: "uas", password: "uaspw" } });
    rtmp = await startRtmpServer();
    await helper.startServer();
  });

  after(async () => {
    await helper.unload();
    await helper.stopServer();
    await rtmp?.stop();
    await baresip?.stop();
    await kamailio?.stop();
  });

  const account = (): FlowNode => node("sip-account", "acc", { name: "alice", login: "alice", domain: "127.0.0.1", port: kamailio.udpPort });
  const modules = (): ReturnType<typeof allOurNodes> => [...allOurNodes(), coreNode("common/20-inject"), coreNode("function/10-switch")];

  it("calls, sends DTMF once established, republishes H.264 + AAC, hangs up; no secret in the flow", async () => {
    const callId = unique("nr-e2e");
    const stream = unique("nr-push");
    const flow = [
      tab(),
      account(),
      injectNode("inj", "call"),
      node("sip-call", "call", { account: "acc", callee: "uas", callId }, [["calls", "sw"]]),
      switchOnTopic("sw", "ESTABLISHED", "dtmf"),
      node("dtmf-send", "dtmf", { digits: "12#", pauseMs: 100 }, [["dtmfOut"]]),
      node("rtmp-republish", "push", { rtmpUrl: rtmp.url }, [["pushOut"]]),
      node("call-status", "status", {}, [["statusOut"]]),
      catchAll("catch", "errors"),
      ...["calls", "dtmfOut", "pushOut", "statusOut", "errors"].map(sink),
    ];
    const credentials: FlowCredentials = { acc: { password: PASSWORD }, push: { rtmpStream: stream } };
    await helper.load(modules(), flow, credentials);
    const callStatus = recordStatus("call");
    const pushStatus = recordStatus("push");
    const [calls, dtmfOut, pushOut, statusOut, errors] = ["calls", "dtmfOut", "pushOut", "statusOut", "errors"].map(recordMessages);

    // The account registers on its first user and shows it there.
    await callStatus.waitFor((s) => s.text === "registered" && s.fill === "green", 10_000, "registered");
    assert.match(kamailio.logs(), /AUTH 401 REGISTER alice/);

    nodeOf("inj").receive({});
    const established = await calls.waitFor((m) => m.topic === "ESTABLISHED", 20_000, "ESTABLISHED");
    assert.equal(established.callId, callId);
    assert.equal(typeof established.payload, "object");
    assert.equal((established.payload as { status: string }).status, "ESTABLISHED");
    await callStatus.waitFor((s) => /^ESTABLISHED 00:00:0\d$/.test(s.text ?? "") && s.fill === "green", 3000, "ESTABLISHED with duration");

    // The switch routed ESTABLISHED to dtmf-send, which passed the msg on after the last digit.
    const sent = await dtmfOut.waitFor(() => true, 20_000, "dtmf-send output");
    assert.deepEqual(sent.dtmf, { callId, digits: "12#", type: "RFC2833" });
    await baresip.waitForEvent((e) => e.type === "CALL_DTMF_START" && e.param === "#", 5000);
    assert.equal(baresip.dtmfDigits().join(""), "12#");

    nodeOf("push").receive({ callId, action: "start" });
    const publishing = await pushOut.waitFor((m) => m.topic === "PUBLISHING", 20_000, "PUBLISHING");
    assert.equal(publishing.callId, callId);
    assert.equal(typeof publishing.outputId, "string");
    assert.ok(!JSON.stringify(publishing.payload).includes(stream), "the event hides the stream key");
    await rtmp.waitForPublish(stream, 10_000);
    await sleep(4000);
    await pushStatus.waitFor((s) => /^publishing 00:00:0[2-9]/.test(s.text ?? ""), 3000, "publishing time in the status");

    nodeOf("push").receive({ callId, action: "stop" });
    await pushOut.waitFor((m) => m.topic === "STOPPED", 10_000, "STOPPED");
    await rtmp.waitForUnpublish(stream, 10_000);

    nodeOf("call").receive({ callId, terminate: true });
    const finish = await calls.waitFor((m) => m.topic === "FINISH", 10_000, "FINISH");
    assert.equal((finish.payload as { reason: string }).reason, "NORMAL_CALL_CLEARING");
    assert.ok(((finish.payload as { duration?: number }).duration ?? 0) >= 4000);
    await baresip.waitForEvent((e) => e.type === "CALL_CLOSED", 10_000);

    const topics = calls.messages.map((m) => m.topic).filter((t) => t !== "RING" && t !== "SESSION_PROGRESS");
    assert.deepEqual(topics, ["TRYING", "ESTABLISHED", "FINISH"]);
    assert.deepEqual(statusOut.messages.filter((m) => m.callId === callId).map((m) => m.topic).filter((t) => t !== "RING"), ["TRYING", "ESTABLISHED", "FINISH"]);

    const file = rtmp.recordedFile(stream);
    assert.ok(file && fs.existsSync(file), "the RTMP server recorded the stream");
    const codecs = (await ffprobe(file)).streams.map((s) => s.codec_name);
    assert.ok(codecs.includes("h264") && codecs.includes("aac"), `codecs: ${codecs.join(",")}`);
    assert.deepEqual(await processesWithArgument(stream), [], "no ffmpeg for this stream is left");
    assert.deepEqual(errors.messages.map((m) => m.error), [], "nothing reached the Catch node");

    const exposed = exposedText();
    assert.ok(!exposed.includes(PASSWORD), "no password in the flow or the log");
    assert.ok(!exposed.includes(stream), "no stream key in the flow or the log");
    await helper.unload();
  });

  it("a redeploy mid-call hangs up with BYE and leaves no ffmpeg", async () => {
    const stream = unique("nr-redeploy");
    const flow = [tab(), account(), injectNode("inj", "call"), node("sip-call", "call", { account: "acc", callee: "uas", rtmpUrl: rtmp.url }, [["calls"]]), sink("calls")];
    const credentials: FlowCredentials = { acc: { password: PASSWORD }, call: { rtmpStream: stream } };
    await helper.load(modules(), flow, credentials);
    const calls = recordMessages("calls");
    nodeOf("inj").receive({});
    const established = await calls.waitFor((m) => m.topic === "ESTABLISHED", 20_000, "ESTABLISHED");
    await rtmp.waitForPublish(stream, 15_000);
    assert.equal((await processesWithArgument(stream)).length, 1, "one ffmpeg publishes the call");
    assert.ok(!exposedText().includes(stream), "no stream key in the flow or the log");

    const registrations = (): number => kamailio.logs().split("\n").filter((l) => /REGISTERED alice/.test(l)).length;
    const registeredBefore = registrations();
    const byes = (): number => kamailio.logs().split("\n").filter((l) => /REQ BYE /.test(l)).length;
    const byesBefore = byes();
    const redeployAt = Date.now();
    await helper.setFlows(flow, "full", credentials);
    const closeMs = Date.now() - redeployAt;
    assert.ok(closeMs < 15_000, `the old flow closed in ${closeMs} ms (Node-RED allows 15 s)`);
    await baresip.waitForEvent((e) => e.type === "CALL_CLOSED" && e.receivedAt >= redeployAt, 5000);
    assert.deepEqual(await processesWithArgument(stream), [], "the call's ffmpeg is gone once the close finished");
    assert.ok(byes() > byesBefore, "the BYE went through Kamailio");
    assert.equal(typeof established.callId, "string");
    // The redeployed account registers again.
    for (let i = 0; i < 100 && registrations() <= registeredBefore; i++) await sleep(100);
    assert.ok(registrations() > registeredBefore, "the new flow's account registered");
  });
});
