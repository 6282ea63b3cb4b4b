import { chromium, type Browser } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, chromiumMissing } from "./editor-page";
import { startNodeRed, type NodeRedInstance } from "./node-red-process";

/**
 * The mocha hooks of an editor test: Node-RED with this package's nodes and headless Chromium, started before
 * the suite (handed to `use`, which may open pages) and stopped after it. Without Chromium the suite is skipped
 * and says why.
 */
export function useNodeRedInChromium(use: (red: NodeRedInstance, browser: Browser) => void | Promise<void>): void {
  let red: NodeRedInstance | undefined;
  let browser: Browser | undefined;
  before(async function () {
    const missing = chromiumMissing();
    if (missing) {
      process.stdout.write(`      browser test skipped: ${missing}\n`);
      this.skip();
    }
    red = await startNodeRed();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    await use(red, browser);
  });
  after(async function () {
    this.timeout(60_000);
    await browser?.close();
    await red?.stop();
  });
}
