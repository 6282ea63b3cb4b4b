import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { chromium, type Browser, type Page } from "playwright-core";
import { handleWhepRequest, type StreamRegistry, type WhepAccess } from "../../../src";
import { requirePeers } from "../../harness";
import { CHROMIUM, CHROMIUM_ARGS } from "../../browser/editor-page";

export { CHROMIUM };

/**
 * The editor tests' flags, plus ICE on loopback only: Chromium gathers no loopback candidates unless allowed,
 * and hides host addresses behind mDNS names by default; autoplay with sound needs no click.
 */
const FLAGS = [
  ...CHROMIUM_ARGS,
  "--allow-loopback-in-peer-connection",
  "--disable-features=WebRtcHideLocalIpsWithMdns",
  "--autoplay-policy=no-user-gesture-required",
  "--force-webrtc-ip-handling-policy=default",
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

/**
 * The mocha hooks of a suite that watches calls in Chromium: ffmpeg required, Chromium launched before the suite
 * (handed to `use`) and closed after it. Without Chromium the suite is skipped, except under CI, where that is an
 * error naming the package.
 */
export function useWhepChromium(use: (browser: Browser) => void): void {
  let browser: Browser | undefined;
  before(async function () {
    if (!fs.existsSync(CHROMIUM)) {
      if (process.env.CI) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
      this.skip();
    }
    requirePeers(["ffmpeg"]);
    browser = await launchChromium();
    use(browser);
  });
  after(async () => {
    await browser?.close();
  });
}

/** A plain HTTP server on 127.0.0.1 serving WHEP and the player below `/`. */
export async function startWhepServer(registry: StreamRegistry, authorize?: (req: http.IncomingMessage) => WhepAccess): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    handleWhepRequest(req, res, path, { registry, authorize }).then(
      (served) => {
        if (!served) res.writeHead(404).end();
      },
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What the player page reports (window.sipcastPlayer) plus the video element's own figures. */
export interface PlayerFigures {
  state: string;
  framesDecoded: number;
  width: number;
  /** performance.now() of the WHEP POST and of the first decoded frame. */
  postAt?: number;
  firstFrameAt?: number;
  error?: string;
}

export function playerFigures(page: Page): Promise<PlayerFigures> {
  return page.evaluate(() => {
    const p = (window as unknown as { sipcastPlayer: PlayerFigures }).sipcastPlayer;
    const v = document.getElementById("video") as HTMLVideoElement;
    return { state: p.state, framesDecoded: v.getVideoPlaybackQuality().totalVideoFrames, width: v.videoWidth, postAt: p.postAt, firstFrameAt: p.firstFrameAt, error: p.error };
  });
}

/** The strongest frequency of the page's audio over ~1 s (WebAudio analyser on the video element's stream). */
export function dominantToneHz(page: Page): Promise<{ hz: number; level: number }> {
  return page.evaluate(async () => {
    const v = document.getElementById("video") as HTMLVideoElement;
    const ctx = new AudioContext();
    await ctx.resume();
    const source = ctx.createMediaStreamSource(v.srcObject as MediaStream);
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 8192;
    source.connect(analyser);
    const bins = new Float32Array(analyser.frequencyBinCount);
    const sums = new Float32Array(analyser.frequencyBinCount);
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 100));
      analyser.getFloatFrequencyData(bins);
      for (let k = 0; k < bins.length; k++) sums[k] += Math.pow(10, bins[k] / 20);
    }
    let best = 1;
    for (let k = 2; k < sums.length; k++) if (sums[k] > sums[best]) best = k;
    const hz = (best * ctx.sampleRate) / analyser.fftSize;
    const level = sums[best] / 10;
    await ctx.close();
    return { hz, level };
  });
}
