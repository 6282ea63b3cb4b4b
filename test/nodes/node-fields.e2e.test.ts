import { strict as assert } from "node:assert";
import { startTestMeetingPeer, type TestMeetingPeer } from "../../src/demo";
import { freePort, requirePeers, startRtmpServer, type RtmpServer } from "../harness";
import { allOurNodes, helper, nodeOf, type FlowNode } from "./helpers/node-red-helper";
import { catchAll, node, sink, tab, unique } from "./helpers/flows";
import { recordMessages } from "./helpers/recorders";

/**
 * The publishing fields the nodes gained, against the embedded test meeting and an RTMPS server
 * with a self-signed certificate: an rtmp-republish node whose "Accept a self-signed RTMPS
 * certificate" is ticked publishes; one without it, with Retries 0, fails at once and reaches Catch;
 * sip-call takes msg.rtmpsAllowSelfSigned for its own rtmpUrl output. (An output started on a call
 * inherits the call's settings: the strict one runs on a call placed without the tick.)
 */
describe("nodes end to end: RTMPS certificate and retries fields", function () {
  this.timeout(60_000);
  let peer: TestMeetingPeer;
  let rtmp: RtmpServer;

  before(async function () {
    requirePeers(["ffmpeg"]);
    peer = await startTestMeetingPeer({ user: "meeting" });
    rtmp = await startRtmpServer({ rtmpsPort: await freePort() });
    await helper.startServer();
  });

  after(async () => {
    await helper.unload();
    await helper.stopServer();
    await rtmp?.stop();
    await peer?.stop();
  });

  it("rtmp-republish: the self-signed tick publishes, Retries 0 without it fails once to Catch; sip-call takes msg.rtmpsAllowSelfSigned", async () => {
    assert.ok(rtmp.rtmpsUrl);
    const callId = unique("fields");
    const flow: FlowNode[] = [
      tab(),
      node("sip-account", "acc", { login: "alice", domain: "127.0.0.1", port: peer.sipPort, registerRequired: false, localAddress: "127.0.0.1" }),
      node("sip-call", "call", { account: "acc", callee: "meeting" }, [["calls"]]),
      node("rtmp-republish", "tls", { rtmpUrl: rtmp.rtmpsUrl, rtmpsAllowSelfSigned: true }, [["tlsOut"]]),
      node("rtmp-republish", "strict", { rtmpUrl: rtmp.rtmpsUrl, rtmpRetries: "0" }, [["strictOut"]]),
      catchAll("catch", "errors", ["strict"]),
      sink("calls"),
      sink("tlsOut"),
      sink("strictOut"),
      sink("errors"),
    ];
    const [own, ok, refused] = [unique("own"), unique("ok"), unique("refused")];
    await helper.load(allOurNodes(), flow, { tls: { rtmpStream: ok }, strict: { rtmpStream: refused } });
    const calls = recordMessages("calls");
    const tlsOut = recordMessages("tlsOut");
    const strictOut = recordMessages("strictOut");
    const errors = recordMessages("errors");

    nodeOf("call").receive({ callId });
    await calls.waitFor((m) => m.topic === "ESTABLISHED", 15_000, "ESTABLISHED");

    nodeOf("tls").receive({ callId });
    nodeOf("strict").receive({ callId });
    await tlsOut.waitFor((m) => m.topic === "PUBLISHING", 15_000, "the self-signed-accepting output PUBLISHING");
    await rtmp.waitForPublish(ok, 15_000);
    await strictOut.waitFor((m) => m.topic === "FAILED", 20_000, `the strict output FAILED (seen ${JSON.stringify(strictOut.messages.map((m) => [m.topic, (m.payload as { reason?: string }).reason]))})`);
    const failed = await errors.waitFor(() => true, 5000, "the strict output's failure at Catch");
    assert.equal(failed.topic, "FAILED");
    assert.equal((failed.payload as { reconnects?: number; reason: string }).reason, "FAILED_BY_RTMP_WRITER_ERROR");
    assert.deepEqual(
      strictOut.messages.map((m) => m.topic).filter((t) => t !== "STARTING"),
      ["FAILED"],
      "Retries 0: given up without a restart",
    );

    // A second call publishes to the RTMPS server itself, told by its message to accept the certificate.
    const second = unique("fields-msg");
    nodeOf("call").receive({ callId: second, rtmpUrl: rtmp.rtmpsUrl, rtmpStream: own, rtmpsAllowSelfSigned: "true" });
    await rtmp.waitForPublish(own, 15_000);

    for (const id of [callId, second]) nodeOf("call").receive({ callId: id, terminate: true });
    for (const id of [callId, second]) await calls.waitFor((m) => m.callId === id && m.topic === "FINISH", 10_000, `${id} FINISH`);
  });
});
