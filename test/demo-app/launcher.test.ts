import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { DEMO_API, DEMO_CALL_ID, REST_API_BASE } from "../../src/demo-app";
import type { WcsCallJson } from "../../src/wcs";
import { ffprobe, requirePeers, startBaresip, startKamailio, startRtmpServer } from "../harness";
import { runDir } from "../harness/paths";
import { DOC_CALL_STARTUP } from "../wcs/wcs-fixtures";
import { eventually, isAlive, postJson, startLauncher, type LauncherProcess } from "./launcher-process";

const unique = (tag: string): string => `${tag}-${process.pid}-${Date.now().toString(36)}`;

/** Reads an HTTP-FLV stream for `ms` and returns the bytes received. */
async function readFlv(url: string, ms: number): Promise<Buffer> {
  const controller = new AbortController();
  const chunks: Buffer[] = [];
  const timer = setTimeout(() => controller.abort(), ms);
  try {
    const res = await fetch(url, { signal: controller.signal });
    assert.equal(res.status, 200, `GET ${url}`);
    const reader = res.body?.getReader();
    for (;;) {
      const { done, value } = (await reader?.read()) ?? { done: true, value: undefined };
      if (done) break;
      if (value) chunks.push(Buffer.from(value));
    }
  } catch (error) {
    if ((error as Error).name !== "AbortError") throw error;
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(chunks);
}

/** The codecs ffprobe finds in FLV bytes. */
async function codecsOf(flv: Buffer): Promise<string[]> {
  const file = path.join(runDir("demo-flv"), "sample.flv");
  fs.writeFileSync(file, flv);
  const probe = await ffprobe(file);
  return probe.streams.map((s) => s.codec_name).filter((c) => c && c !== "unknown");
}

describe("npm start: the demo launcher", function () {
  this.timeout(180_000);
  let launcher: LauncherProcess | undefined;

  before(() => requirePeers(["ffmpeg", "ffprobe"]));

  after(async () => {
    await launcher?.kill();
  });

  it("serves the WCS REST API and the demo flow against the embedded peers; Ctrl-C stops everything, no child left", async () => {
    launcher = await startLauncher();
    const { url, config, authHeaders: auth, fetch: get } = launcher;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(config.flvUrl, /^http:\/\/127\.0\.0\.1:\d+\/live\/demo\.flv$/);
    const peerPort = /@127\.0\.0\.1:(\d+)$/.exec(config.callee)?.[1];
    assert.ok(peerPort, `the test meeting's address: ${config.callee}`);

    // The page and its player are served.
    const page = await get(launcher.pageUrl);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<video id="video"/);
    const player = await get("/sipcast/mpegts.js");
    assert.equal(player.status, 200);
    assert.ok((await player.text()).includes("mpegts"), "mpegts.js is served");

    // A WCS client's body (the documented one, with the test meeting's address) against /rest-api.
    const toStream = unique("wcs-demo");
    const body = {
      ...DOC_CALL_STARTUP,
      callId: unique("wcs-call"),
      callee: "meeting",
      toStream,
      rtmpUrl: "",
      rtmpStream: "",
      sipLogin: "demo",
      sipAuthenticationName: "",
      sipPassword: "",
      sipDomain: "127.0.0.1",
      sipOutboundProxy: "",
      sipPort: peerPort,
    };
    const started = await postJson(`${url}${REST_API_BASE}/call/startup`, body, auth);
    assert.deepEqual(started, { status: 200, body: {} });
    const established = await eventually(
      async () => {
        const r = await postJson(`${url}${REST_API_BASE}/call/find`, { callId: body.callId }, auth);
        const call = r.status === 200 ? (r.body as WcsCallJson[])[0] : undefined;
        return call?.status === "ESTABLISHED" ? call : undefined;
      },
      20_000,
      "the WCS call to be ESTABLISHED",
    );
    assert.equal(established.streamName, toStream);
    // toStream is published on the embedded server: its HTTP-FLV carries H.264 and AAC.
    const wcsFlv = await readFlv(config.flvUrl.replace(/demo\.flv$/, `${toStream}.flv`), 3000);
    assert.deepEqual((await codecsOf(wcsFlv)).sort(), ["aac", "h264"]);
    assert.equal((await postJson(`${url}${REST_API_BASE}/call/send_dtmf`, { callId: body.callId, dtmf: "9", type: "RFC2833" }, auth)).status, 200);
    await eventually(async () => {
      const heard = (await (await get("/sipcast/digits")).json()) as { digits: string[] };
      return heard.digits.includes("9") ? true : undefined;
    }, 8000, "the test meeting to hear 9");
    assert.equal((await postJson(`${url}${REST_API_BASE}/call/terminate`, { callId: body.callId }, auth)).status, 200);

    // The demo flow's endpoints, as the page uses them: start, a second start refused, DTMF, state.
    assert.deepEqual(await postJson(`${url}${DEMO_API.start}`, {}, auth), { status: 200, body: { callId: DEMO_CALL_ID } });
    const twice = await postJson(`${url}${DEMO_API.start}`, {}, auth);
    assert.equal(twice.status, 409);
    assert.match((twice.body as { error: string }).error, /already exists/);
    await eventually(async () => {
      const state = (await (await get(DEMO_API.state)).json()) as { status: string };
      return state.status === "ESTABLISHED" ? true : undefined;
    }, 20_000, "the demo call to be ESTABLISHED");
    assert.deepEqual(await postJson(`${url}${DEMO_API.dtmf}`, { digits: "12#" }, auth), { status: 200, body: { sent: "12#" } });
    const heard = (await (await get("/sipcast/digits")).json()) as { digits: string[] };
    await eventually(async () => {
      const now = (await (await get("/sipcast/digits")).json()) as { digits: string[] };
      return now.digits.slice(-3).join("") === "12#" ? true : undefined;
    }, 8000, `the test meeting to hear 12# (heard ${heard.digits.join("")})`);
    const demoFlv = await readFlv(config.flvUrl, 3000);
    assert.deepEqual((await codecsOf(demoFlv)).sort(), ["aac", "h264"]);

    // Ctrl-C with the demo call still up: everything below the launcher goes, and the launcher exits 0.
    const children = launcher.descendants();
    assert.ok(children.some((p) => p.comm === "ffmpeg"), `ffmpeg runs: ${JSON.stringify(children)}`);
    assert.ok(children.some((p) => p.comm === "node"), "the RTMP server process runs");
    const exit = await launcher.interrupt(30_000);
    assert.deepEqual([exit.code, exit.signal], [0, null], launcher.logs().slice(-3000));
    assert.match(launcher.logs(), /sipcast demo: stopped/);
    await eventually(async () => (children.every((p) => !isAlive(p.pid)) ? true : undefined), 5000, "every child of the launcher to exit");
    launcher = undefined;
  });

  it("points at a real account and RTMP target with environment variables only (Kamailio + baresip, an RTMP server)", async function () {
    requirePeers(["kamailio", "baresip"]);
    const kamailio = await startKamailio();
    const baresip = await startBaresip({ registrar: { port: kamailio.udpPort, user: "uas", password: "uaspw" } });
    const rtmp = await startRtmpServer();
    const streamKey = unique("demo-target-key");
    try {
      launcher = await startLauncher({
        SIPCAST_SIP_DOMAIN: "127.0.0.1",
        SIPCAST_SIP_PORT: String(kamailio.udpPort),
        SIPCAST_SIP_LOGIN: "alice",
        SIPCAST_SIP_PASSWORD: "alicepw",
        SIPCAST_SIP_CALLEE: "uas",
        SIPCAST_SIP_LOCAL_ADDRESS: "127.0.0.1",
        SIPCAST_RTMP_URL: rtmp.url,
        SIPCAST_RTMP_STREAM: streamKey,
      });
      const { url, config, authHeaders: auth, fetch: get } = launcher;
      assert.equal(config.embeddedPeer, false);
      assert.equal(config.callee, "uas@127.0.0.1");
      assert.equal(config.republishTarget, rtmp.url, "the target without its key");
      // Neither secret is written to the userDir: Node-RED reads them from the environment.
      const written = fs.readdirSync(launcher.userDir).map((f) => (f.endsWith(".json") ? fs.readFileSync(path.join(launcher?.userDir ?? "", f), "utf8") : "")).join("\n");
      assert.ok(!written.includes("alicepw") && !written.includes(streamKey), "no secret on disk");

      assert.deepEqual(await postJson(`${url}${DEMO_API.start}`, {}, auth), { status: 200, body: { callId: DEMO_CALL_ID } });
      await eventually(async () => {
        const state = (await (await get(DEMO_API.state)).json()) as { status: string };
        return state.status === "ESTABLISHED" ? true : undefined;
      }, 20_000, "the call through Kamailio to be ESTABLISHED");
      await kamailio.waitForLog(/AUTH 401 REGISTER alice/, 5000);
      // Answered: the rtmp-republish node pushes the copy to the target under the key from the environment.
      await rtmp.waitForPublish(streamKey, 20_000);
      assert.deepEqual(await postJson(`${url}${DEMO_API.dtmf}`, { digits: "4" }, auth), { status: 200, body: { sent: "4" } });
      await eventually(async () => (baresip.dtmfDigits().includes("4") ? true : undefined), 8000, "baresip to hear 4");
      assert.equal((await postJson(`${url}${DEMO_API.stop}`, {}, auth)).status, 200);
      await baresip.waitForEvent((e) => e.type === "CALL_CLOSED", 10_000);
      await rtmp.waitForUnpublish(streamKey, 15_000);
      const exit = await launcher.interrupt(30_000);
      assert.equal(exit.code, 0, launcher.logs().slice(-3000));
      assert.ok(!launcher.logs().includes("alicepw") && !launcher.logs().includes(streamKey), "no secret in the log");
      launcher = undefined;
    } finally {
      await launcher?.kill();
      launcher = undefined;
      await rtmp.stop();
      await baresip.stop();
      await kamailio.stop();
    }
  });
});
