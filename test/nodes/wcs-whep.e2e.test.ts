import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Browser } from "playwright-core";
import { startTestMeetingPeer, type TestMeetingPeer } from "../../src/demo";
import type { WcsCallJson, WcsPushJson } from "../../src/wcs";
import { requirePeers, startRtmpServer, type RtmpServer } from "../harness";
import { repoRoot } from "../harness/paths";
import { CHROMIUM, dominantToneHz, launchChromium, playerFigures } from "../output/whep/whep-browser";
import { DOC_CALL_STARTUP, DOC_PUSH_STARTUP } from "../wcs/wcs-fixtures";
import { tab, TAB, unique } from "./helpers/flows";
import { httpNodeFront } from "./helpers/http-node-front";
import { helper, type FlowNode, type NodeModule } from "./helpers/node-red-helper";

const wcsNode = require(path.join(repoRoot(), "nodes", "wcs-rest-api.js")) as NodeModule;
const TOKEN = "whep-test-token-7c41a9e2";

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}


/**
 * A WCS client's `/call/startup` with `toStream` and nothing else set up (no RTMP server, no
 * localRtmpUrl) is playable in a browser at `{httpNodeRoot}sipcast/play/{toStream}`, behind the
 * node's own credential; `/push/startup` of that stream still republishes it.
 */
describe("nodes: wcs-rest-api serves its calls' toStream over WebRTC (WHEP) and the player page", function () {
  this.timeout(120_000);
  const front = httpNodeFront();
  let browser: Browser | undefined;
  let peer: TestMeetingPeer;
  let rtmp: RtmpServer;

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) {
      if (process.env.CI) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
      this.skip();
    }
    requirePeers(["ffmpeg"]);
    await helper.startServer();
    await front.start();
    browser = await launchChromium();
    rtmp = await startRtmpServer();
    peer = await startTestMeetingPeer({ user: DOC_CALL_STARTUP.callee, auth: { username: DOC_CALL_STARTUP.sipLogin, password: DOC_CALL_STARTUP.sipPassword } });
  });

  after(async () => {
    await helper.unload();
    await helper.stopServer();
    await front.stop();
    await browser?.close();
    await peer?.stop();
    await rtmp?.stop();
  });

  const rest = (urlPath: string, body: unknown): Promise<{ status: number; json: unknown; text: string }> =>
    fetch(`${front.base}${urlPath}`, { method: "POST", headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" }, body: JSON.stringify(body) }).then(async (r) => {
      const text = await r.text();
      return { status: r.status, text, json: r.headers.get("content-type")?.startsWith("application/json") ? (JSON.parse(text) as unknown) : undefined };
    });

  it("/call/startup with toStream only → the player page plays it (frames, 440 Hz tone); WHEP wants the node's token; /push/startup republishes it", async () => {
    const node: FlowNode = {
      id: "wcs", type: "wcs-rest-api", z: TAB, x: 100, y: 100, name: "", basePath: "/rest-api", localRtmpUrl: "", streamNamePrefix: "", defaultDtmfType: "RFC2833",
      localAddress: "127.0.0.1", publicAddress: "", rtpPortMin: 10000, rtpPortMax: 20000, auth: "credential", allowedSipHosts: "", allowedRtmpHosts: "", wires: [],
    };
    await helper.load([wcsNode, front.capture], [tab(), node], { wcs: { token: TOKEN } });
    const toStream = unique("call1");
    const callId = unique("whep");
    const { rtmpUrl: _r, rtmpStream: _s, ...withoutRtmp } = DOC_CALL_STARTUP;
    const started = await rest("/rest-api/call/startup", { ...withoutRtmp, callId, toStream, sipDomain: "127.0.0.1", sipOutboundProxy: "127.0.0.1", sipPort: String(peer.sipPort) });
    assert.equal(started.status, 200, started.text);
    await until(async () => ((await rest("/rest-api/call/find", { callId })).json as WcsCallJson[] | undefined)?.[0]?.status === "ESTABLISHED", 20_000, "ESTABLISHED");

    // No token: the WHEP endpoint refuses, as the REST API does.
    const anonymous = await fetch(`${front.base}/sipcast/whep/${toStream}`, { method: "POST", headers: { "Content-Type": "application/sdp" }, body: "v=0\r\n" });
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get("www-authenticate") ?? "", /^Bearer/);

    const page = await browser!.newPage();
    await page.goto(`${front.base}/sipcast/play/${toStream}#token=${TOKEN}`);
    await until(async () => (await playerFigures(page)).framesDecoded > 25, 15_000, "frames decoded in the player page");
    const figures = await playerFigures(page);
    assert.equal(figures.width, 640);
    const tone = await dominantToneHz(page);
    assert.ok(Math.abs(tone.hz - 440) <= 15, `tone at ${tone.hz.toFixed(1)} Hz`);

    const push = await rest("/rest-api/push/startup", { ...DOC_PUSH_STARTUP, streamName: toStream, rtmpUrl: rtmp.url });
    assert.equal(push.status, 200, push.text);
    await rtmp.waitForPublish(toStream, 20_000);
    assert.equal((await rest("/rest-api/push/terminate", { mediaSessionId: (push.json as WcsPushJson).mediaSessionId })).status, 200);

    const before = (await playerFigures(page)).framesDecoded;
    await new Promise((r) => setTimeout(r, 1000));
    assert.ok((await playerFigures(page)).framesDecoded > before + 10, "still playing after the push");
    await page.close();
    assert.equal((await rest("/rest-api/call/terminate", { callId })).status, 200);
    await until(() => peer.calls().length === 0, 8000, "the peer to see the BYE");
  });
});
