import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type { Browser } from "playwright-core";
import { Engine, type Call } from "../../../src";
import { startTestMeetingPeer } from "../../../src/demo";
import { startDemoRtmpServer } from "../../../src/demo-app/rtmp-server";
import { freePorts } from "../../harness";
import { repoRoot } from "../../harness/paths";
import { delaysMs, flashOnsets, quantile, recordFlashOnsets } from "./flash-onsets";
import { playerFigures, startWhepServer, useWhepChromium } from "./whep-browser";

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Date.now() of every video keyframe the call received (polled from call.stats() every 2 ms). */
function keyframeArrivals(call: Call): { times: number[]; stop(): void } {
  const times: number[] = [];
  let seen = -1;
  const timer = setInterval(() => {
    const video = (call.stats().media as { video?: { keyframesReceived: number } } | undefined)?.video;
    if (!video) return;
    if (seen >= 0 && video.keyframesReceived > seen) times.push(Date.now());
    seen = video.keyframesReceived;
  }, 2);
  return { times, stop: () => clearInterval(timer) };
}

/** A page playing HTTP-FLV with mpegts.js, set up as the demo page sets it up (no stash buffer, latency chasing). */
function flvPage(flvUrl: string): string {
  return `<!doctype html><html><body><video id="video" muted autoplay playsinline></video>
<script src="/mpegts.js"></script>
<script>
const video = document.getElementById("video");
const player = mpegts.createPlayer({ type: "flv", isLive: true, url: ${JSON.stringify(flvUrl)} }, { enableStashBuffer: false, liveBufferLatencyChasing: true, autoCleanupSourceBuffer: true });
player.attachMediaElement(video); player.load(); video.play();
</script></body></html>`;
}

/**
 * The delay from a frame's arrival at sipcast to its display in the browser, WebRTC (WHEP) and
 * RTMP → HTTP-FLV (node-media-server + mpegts.js, as the demo page) side by side in one run. The
 * test meeting's flash-beep picture turns white on the keyframe every other second (GOP 50 frames
 * at 25 fps, flash on frames 0–2 of each second): the keyframe's arrival at the engine is the
 * source time, the first bright frame shown is the display time (same machine, same clock). The
 * encoder's own delay in the test meeting (libx264 ultrafast, zerolatency) is not counted.
 */
describe("glass-to-glass: WebRTC (WHEP) and RTMP → HTTP-FLV delay in headless Chromium", function () {
  this.timeout(150_000);
  let browser: Browser | undefined;
  useWhepChromium((b) => (browser = b));

  it("measures p50/p95 of both paths (printed; goal for WebRTC p95 ≤ 250 ms); WebRTC is faster than HTTP-FLV", async () => {
    const peer = await startTestMeetingPeer({ pattern: "flash-beep" });
    const [rtmpPort, flvPort] = await freePorts(2);
    const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), "sipcast-delay-"));
    const rtmp = await startDemoRtmpServer({ rtmpPort, flvPort, storeDir });
    const engine = new Engine({
      account: { login: "caller", domain: "127.0.0.1", port: peer.sipPort, registerRequired: false },
      localAddress: "127.0.0.1",
      whep: { network: { bindAddress: "127.0.0.1" } },
    });
    const whep = await startWhepServer(engine.streams);
    const mpegts = fs.readFileSync(path.join(repoRoot(), "node_modules", "mpegts.js", "dist", "mpegts.js"));
    const stream = `delay-${process.pid}-${Date.now().toString(36)}`;
    const pages = http.createServer((req, res) => {
      if (req.url === "/mpegts.js") return void res.writeHead(200, { "Content-Type": "text/javascript" }).end(mpegts);
      res.writeHead(200, { "Content-Type": "text/html" }).end(flvPage(rtmp.flvUrl(stream)));
    });
    await new Promise<void>((resolve) => pages.listen(0, "127.0.0.1", resolve));
    const pagesUrl = `http://127.0.0.1:${(pages.address() as AddressInfo).port}/flv.html`;
    let arrivals: { times: number[]; stop(): void } | undefined;
    try {
      const call = engine.call({ callee: "meeting", toStream: "delay", rtmpUrl: rtmp.rtmpUrl, rtmpStream: stream });
      await until(() => call.status === "ESTABLISHED", 20_000, "ESTABLISHED");
      await until(() => rtmp.isPublishing(stream), 20_000, "the RTMP publish");
      const webrtc = await browser!.newPage();
      await webrtc.goto(`${whep.url}/sipcast/play/delay`);
      await until(async () => (await playerFigures(webrtc)).framesDecoded > 0, 10_000, "WebRTC frames");
      const flv = await browser!.newPage();
      await flv.goto(pagesUrl);
      await until(() => flv.evaluate(() => (document.getElementById("video") as HTMLVideoElement).getVideoPlaybackQuality().totalVideoFrames > 0), 20_000, "HTTP-FLV frames");
      // Let the FLV player's latency chasing settle, then measure both at once.
      await new Promise((r) => setTimeout(r, 3000));
      await recordFlashOnsets(webrtc);
      await recordFlashOnsets(flv);
      arrivals = keyframeArrivals(call);
      await new Promise((r) => setTimeout(r, 24_000));
      arrivals.stop();
      const sources = arrivals.times.slice(0, -1);
      const w = delaysMs(sources, await flashOnsets(webrtc));
      const f = delaysMs(sources, await flashOnsets(flv));
      const fmt = (d: number[]): string => `p50 ${quantile(d, 0.5).toFixed(0)} ms, p95 ${quantile(d, 0.95).toFixed(0)} ms (n=${d.length})`;
      console.log(`      arrival at sipcast → displayed: WebRTC ${fmt(w)}; RTMP→HTTP-FLV ${fmt(f)}`);
      assert.ok(w.length >= 8, `WebRTC flashes matched: ${w.length} of ${sources.length} keyframes`);
      assert.ok(f.length >= 8, `HTTP-FLV flashes matched: ${f.length} of ${sources.length} keyframes`);
      // Side by side in one run: the figures are printed (goal for WebRTC p95 ≤ 250 ms); what is asserted is the
      // comparison, which a noisy machine shifts for both paths alike.
      assert.ok(quantile(w, 0.5) < quantile(f, 0.5), `WebRTC is faster than HTTP-FLV: ${fmt(w)} against ${fmt(f)}`);
      await webrtc.close();
      await flv.close();
      call.terminate();
      await call.whenClosed();
    } finally {
      arrivals?.stop();
      await new Promise<void>((resolve) => {
        pages.closeAllConnections();
        pages.close(() => resolve());
      });
      await whep.close();
      await engine.close();
      await rtmp.stop();
      await peer.stop();
      fs.rmSync(storeDir, { recursive: true, force: true });
    }
  });
});
