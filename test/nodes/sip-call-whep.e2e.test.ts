import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import type { Browser } from "playwright-core";
import { startTestMeetingPeer, type TestMeetingPeer } from "../../src/demo";
import { requirePeers } from "../harness";
import { CHROMIUM, launchChromium, playerFigures } from "../output/whep/whep-browser";
import { tab, TAB, unique } from "./helpers/flows";
import { httpNodeFront } from "./helpers/http-node-front";
import { helper, nodeOf, ourNode, type FlowNode } from "./helpers/node-red-helper";

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const TOKEN = "viewer-token-3f9d2c71ab";

/** A sip-call node's `toStream` (field or msg.toStream) is watchable at {httpNodeRoot}sipcast/play/{name}, behind its viewer token. */
describe("nodes: sip-call toStream, watched over WebRTC (WHEP)", function () {
  this.timeout(120_000);
  const front = httpNodeFront();
  let browser: Browser | undefined;
  let peer: TestMeetingPeer;

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) {
      if (process.env.CI) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
      this.skip();
    }
    requirePeers(["ffmpeg"]);
    await helper.startServer();
    await front.start();
    browser = await launchChromium();
    peer = await startTestMeetingPeer();
  });

  afterEach(async () => {
    await helper.unload();
  });

  after(async () => {
    await helper.stopServer();
    await front.stop();
    await browser?.close();
    await peer?.stop();
  });

  function flow(callOverrides: Record<string, unknown>): FlowNode[] {
    return [
      tab(),
      { id: "acc", type: "sip-account", name: "", login: "flowuser", authName: "", domain: "127.0.0.1", port: peer.sipPort, outboundProxy: "", transport: "udp", registerRequired: false, registerExpires: 600, rtpPortMin: 10000, rtpPortMax: 20000, publicAddress: "", localAddress: "127.0.0.1", dtmfType: "RFC2833", ffmpegPath: "", tlsAllowSelfSigned: false, requestTimeout: 32 },
      { id: "call", type: "sip-call", z: TAB, x: 100, y: 300, name: "", account: "acc", callee: "meeting", callId: "", hasAudio: true, hasVideo: true, rtmpUrl: "", jitterBufferMs: 50, wires: [["out"]], ...callOverrides },
      { id: "out", type: "helper", z: TAB, x: 300, y: 300, wires: [] },
    ];
  }

  async function established(): Promise<void> {
    const out = nodeOf("out");
    await new Promise<void>((resolve) => out.on("input", (msg: { topic?: string }) => void (msg.topic === "ESTABLISHED" && resolve())));
  }

  it("the node's Watch-as field with a viewer token: the player page plays it with #token=, WHEP without the token is 401", async () => {
    const name = unique("flowcam");
    await helper.load([ourNode("sip-account"), ourNode("sip-call"), front.capture], flow({ toStream: name }), { acc: { password: "unused" }, call: { viewerToken: TOKEN } });
    const up = established();
    nodeOf("call").receive({});
    await up;
    const anonymous = await fetch(`${front.base}/sipcast/whep/${name}`, { method: "POST", headers: { "Content-Type": "application/sdp" }, body: "v=0\r\n" });
    assert.equal(anonymous.status, 401);
    const page = await browser!.newPage();
    await page.goto(`${front.base}/sipcast/play/${name}#token=${TOKEN}`);
    await until(async () => (await playerFigures(page)).framesDecoded > 25, 15_000, "frames decoded");
    assert.equal((await playerFigures(page)).width, 640);
    await page.close();
    nodeOf("call").receive({ terminate: true });
    await until(() => peer.calls().length === 0, 8000, "the BYE");
  });

  it("msg.toStream without a viewer token or httpNodeAuth: nobody may watch (503) and the node says why once", async () => {
    const name = unique("msgcam");
    await helper.load([ourNode("sip-account"), ourNode("sip-call"), front.capture], flow({}), { acc: { password: "unused" } });
    const up = established();
    nodeOf("call").receive({ toStream: name });
    await up;
    const res = await fetch(`${front.base}/sipcast/whep/${name}`, { method: "POST", headers: { "Content-Type": "application/sdp", Authorization: `Bearer ${TOKEN}` }, body: "v=0\r\n" });
    assert.equal(res.status, 503);
    assert.match(await res.text(), /no viewer token and Node-RED's httpNodeAuth is not set/);
    const warnings = helper.log().args.map((a) => String((a[0] as { msg?: unknown }).msg)).filter((m) => m.includes(`toStream "${name}"`));
    assert.equal(warnings.length, 1, warnings.join("\n"));
    nodeOf("call").receive({ terminate: true });
    await until(() => peer.calls().length === 0, 8000, "the BYE");
  });
});
