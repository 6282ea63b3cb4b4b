import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { requirePeers } from "../harness";
import { picturesDir } from "../harness/paths";
import { startLauncher, type LauncherProcess } from "./launcher-process";

/** Debian's chromium (/usr/bin/chromium), driven by playwright-core: no browser downloads here. */
const CHROMIUM = "/usr/bin/chromium";
// WebRTC on loopback only: Chromium gathers loopback candidates only when allowed, and hides host addresses behind mDNS names.
const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--allow-loopback-in-peer-connection", "--disable-features=WebRtcHideLocalIpsWithMdns"];

interface Playback {
  currentTime: number;
  frames: number;
  width: number;
  paused: boolean;
}

function playback(page: Page): Promise<Playback> {
  return page.evaluate(() => {
    const v = document.getElementById("video") as HTMLVideoElement;
    return { currentTime: v.currentTime, frames: v.getVideoPlaybackQuality().totalVideoFrames, width: v.videoWidth, paused: v.paused };
  });
}

/**
 * The demo page in a real browser: start the call, watch the stream play (time advancing, frames
 * decoded), send DTMF and see the test meeting echo it, stop. Screenshots go to docs/.
 */
describe("npm start: the demo page in Chromium", function () {
  this.timeout(240_000);
  let launcher: LauncherProcess | undefined;
  let browser: Browser | undefined;

  before(function () {
    if (!fs.existsSync(CHROMIUM)) {
      if (process.env.CI) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
      this.skip();
    }
    requirePeers(["ffmpeg"]);
  });

  after(async () => {
    await browser?.close();
    await launcher?.kill();
  });

  it("starts the call, plays the stream, sends DTMF and shows the digits heard, stops", async () => {
    // The viewers' media on 127.0.0.1, as every test's traffic.
    launcher = await startLauncher({ SIPCAST_DEMO_WHEP_ADDRESS: "127.0.0.1" });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
    // The page asks for the demo's login (HTTP Basic): the browser answers with the printed one.
    const httpCredentials = { username: launcher.user, password: launcher.password };
    const page = await browser.newPage({ viewport: { width: 1280, height: 760 }, httpCredentials });
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));

    await page.goto(launcher.pageUrl);
    await page.waitForSelector('#state[data-status="IDLE"]', { timeout: 10_000 });
    assert.equal(await page.textContent("#callee"), launcher.config.callee);

    await page.click("#start");
    await page.waitForSelector('#state[data-status="ESTABLISHED"]', { timeout: 20_000 });
    // The stream plays: frames decoded, and the clock moves on between two looks.
    await page.waitForFunction(
      () => {
        const v = document.getElementById("video") as HTMLVideoElement;
        return v.currentTime > 1 && v.getVideoPlaybackQuality().totalVideoFrames > 0;
      },
      undefined,
      { timeout: 30_000 },
    );
    const first = await playback(page);
    await page.waitForFunction((t) => (document.getElementById("video") as HTMLVideoElement).currentTime > t + 1, first.currentTime, { timeout: 15_000 });
    const second = await playback(page);
    assert.ok(second.currentTime > first.currentTime, `time advances: ${first.currentTime} → ${second.currentTime}`);
    assert.ok(second.frames > first.frames && second.frames > 0, `frames decoded: ${first.frames} → ${second.frames}`);
    assert.equal(second.width, 640, "the test pattern's width");
    assert.equal(second.paused, false);
    // The default player is WebRTC (WHEP), and the page shows the delay the browser measures.
    assert.equal(await page.inputValue("#player-kind"), "webrtc");
    assert.equal(await page.evaluate(() => (document.getElementById("video") as HTMLVideoElement).srcObject instanceof MediaStream), true, "played from a MediaStream (WebRTC)");
    await page.waitForFunction(() => /^WebRTC buffer \d+ ms$/.test(document.getElementById("delay")?.textContent ?? ""), undefined, { timeout: 10_000 });
    const webrtcDelay = Number(await page.getAttribute("#delay", "data-ms"));
    // HTTP-FLV stays a choice: the same video element plays the RTMP server's stream.
    await page.selectOption("#player-kind", "flv");
    await page.waitForFunction(
      () => {
        const v = document.getElementById("video") as HTMLVideoElement;
        return v.srcObject === null && v.currentTime > 1 && /^HTTP-FLV buffer \d+ ms$/.test(document.getElementById("delay")?.textContent ?? "");
      },
      undefined,
      { timeout: 30_000 },
    );
    console.log(`      the page's measured buffer: WebRTC ${webrtcDelay} ms, HTTP-FLV ${String(await page.getAttribute("#delay", "data-ms"))} ms`);
    await page.selectOption("#player-kind", "webrtc");
    await page.waitForFunction(() => /^WebRTC buffer \d+ ms$/.test(document.getElementById("delay")?.textContent ?? ""), undefined, { timeout: 15_000 });

    // DTMF from the form and from the keypad; the page shows what the test meeting heard.
    await page.fill("#dtmf-input", "12#");
    await page.click("#dtmf-send");
    await page.waitForFunction(() => (document.getElementById("digits")?.textContent ?? "").endsWith("1 2 #"), undefined, { timeout: 10_000 });
    await page.click('#keypad button[data-key="5"]');
    await page.waitForFunction(() => (document.getElementById("digits")?.textContent ?? "").endsWith("1 2 # 5"), undefined, { timeout: 10_000 });
    await page.waitForFunction(() => /^sent /.test(document.getElementById("message")?.textContent ?? ""), undefined, { timeout: 10_000 });

    const docs = picturesDir();
    await page.screenshot({ path: path.join(docs, "demo-page.png") });

    await page.click("#stop");
    await page.waitForSelector('#state[data-status="FINISH"]', { timeout: 15_000 });
    await page.waitForFunction(() => document.getElementById("playback")?.textContent === "no stream", undefined, { timeout: 5000 });
    assert.equal(await page.isEnabled("#start"), true, "the call can be started again");

    // The demo flow in the editor, for the README.
    const editor = await browser.newPage({ viewport: { width: 1440, height: 800 } });
    await editor.goto(`${launcher.url}/`);
    // Node-RED's own login form (adminAuth), with the same user and password.
    await editor.fill("#node-dialog-login-username", launcher.user, { timeout: 60_000 });
    await editor.fill("#node-dialog-login-password", launcher.password);
    await editor.click("#node-dialog-login-submit");
    await editor.waitForSelector("#red-ui-workspace-chart .red-ui-flow-node", { timeout: 60_000 });
    // Let the palette and the node statuses settle before the picture.
    await editor.waitForFunction(() => document.querySelectorAll("#red-ui-workspace-chart .red-ui-flow-node").length >= 20, undefined, { timeout: 20_000 });
    // The sidebar off (the editor's own menu action), so the whole flow fits.
    await editor.evaluate(() => (window as unknown as { RED: { menu: { setSelected(id: string, on: boolean): void } } }).RED.menu.setSelected("menu-item-sidebar", false));
    await editor.waitForTimeout(1500);
    await editor.screenshot({ path: path.join(docs, "demo-flow.png") });

    assert.deepEqual(problems, [], "no script errors on the page");
    await browser.close();
    browser = undefined;
    const exit = await launcher.interrupt(30_000);
    assert.equal(exit.code, 0);
    launcher = undefined;
  });
});
