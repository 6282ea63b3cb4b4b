import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import { startTestMeetingPeer } from "../../src/demo";
import { freePort, requirePeers, runCli } from "../harness";
import { CHROMIUM, launchChromium, playerFigures } from "../output/whep/whep-browser";

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("CLI: --to-stream NAME --whep-listen HOST:PORT serves the call to browsers", function () {
  this.timeout(90_000);

  before(function () {
    if (!fs.existsSync(CHROMIUM)) {
      if (process.env.CI) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
      this.skip();
    }
    requirePeers(["ffmpeg"]);
  });

  it("the player page plays the call behind SIPCAST_WHEP_TOKEN; the CLI prints the page's URL and exits 0 after --duration", async () => {
    const peer = await startTestMeetingPeer();
    const port = await freePort();
    const token = "cli-whep-token-91f3a0d7c2";
    const browser = await launchChromium();
    try {
      const args = ["call", "--sip-login", "caller", "--sip-domain", "127.0.0.1", "--sip-port", String(peer.sipPort), "--sip-register-required", "false", "--sip-local-address", "127.0.0.1", "--callee", "meeting", "--to-stream", "cli1", "--whep-listen", `127.0.0.1:${port}`, "--duration", "12"];
      const run = runCli(args, { SIPCAST_WHEP_TOKEN: token }, 60_000);
      const page = await browser.newPage();
      await until(async () => (await fetch(`http://127.0.0.1:${port}/sipcast/play/cli1`).catch(() => undefined))?.status === 200, 15_000, "the CLI's player page");
      const anonymous = await fetch(`http://127.0.0.1:${port}/sipcast/whep/cli1`, { method: "POST", headers: { "Content-Type": "application/sdp" }, body: "v=0\r\n" });
      assert.equal(anonymous.status, 401);
      await page.goto(`http://127.0.0.1:${port}/sipcast/play/cli1#token=${token}`);
      await until(async () => (await playerFigures(page)).framesDecoded > 25, 15_000, "frames decoded");
      assert.equal((await playerFigures(page)).width, 640);
      await page.close();
      const result = await run;
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, new RegExp(`^whep http://127\\.0\\.0\\.1:${port}/sipcast/play/cli1 \\(bearer token from SIPCAST_WHEP_TOKEN\\)$`, "m"));
      assert.ok(!result.stderr.includes(token) && !result.stdout.includes(token), "the token is never printed");
      assert.ok(result.lines.some((l) => l.startsWith("ESTABLISHED")));
      // The server is gone with the call.
      assert.equal(await fetch(`http://127.0.0.1:${port}/sipcast/play/cli1`).then(() => "up", () => "down"), "down");
    } finally {
      await browser.close();
      await peer.stop();
    }
  });

  it("usage errors name the flag: --to-stream without --whep-listen, a bad name, a bad address", async () => {
    const base = ["call", "--sip-login", "a", "--sip-domain", "127.0.0.1", "--callee", "b"];
    const cases: Array<[string[], RegExp]> = [
      [["--to-stream", "x"], /--to-stream needs --whep-listen/],
      [["--whep-listen", "127.0.0.1:8080"], /--whep-listen needs --to-stream/],
      [["--to-stream", "a/b", "--whep-listen", "127.0.0.1:8080"], /--to-stream: expected 1–64 characters/],
      [["--to-stream", "x", "--whep-listen", "localhost:8080"], /--whep-listen: expected IPV4:PORT/],
      [["--to-stream", "x", "--whep-listen", "127.0.0.1:8080", "--whep-port-range", "9-8"], /--whep-port-range/],
    ];
    for (const [flags, message] of cases) {
      const r = await runCli([...base, ...flags], {}, 10_000);
      assert.equal(r.code, 2, flags.join(" "));
      assert.match(r.stderr, message);
    }
  });
});
