/**
 * Mocha root hook plugin: after the whole run, stop every peer a test left running
 * (Kamailio, baresip, node-media-server, ffmpeg runs, CLI runs) and say which.
 * Load it with `"require": ["build/test/harness/cleanup.js"]` in .mocharc.json.
 */
import { stopAll } from "./registry";

export const mochaHooks = {
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(30000);
    const stopped = await stopAll();
    if (stopped.length > 0) process.stderr.write(`test harness: stopped peers a test left running: ${stopped.join(", ")}\n`);
  },
};
