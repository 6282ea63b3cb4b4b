import { strict as assert } from "node:assert";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { Engine } from "../../src";
import { startTestMeetingPeer, type TestMeetingPeer } from "../../src/test-peer";
import { requirePeers } from "../harness";
import { isDeadState, listProcesses } from "../harness/proc";
import { TempDir } from "./helpers/temp-dir";

/** The bound: ffmpeg exits within ~0.5 s of the kill here; a loaded machine gets some room. */
const GONE_WITHIN_MS = 8000;

/** Live (non-zombie) descendants of `root` whose comm is `name`. */
function descendantsNamed(root: number, name: string): number[] {
  const all = listProcesses();
  const found = new Set<number>([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all) {
      if (found.has(p.ppid) && !found.has(p.pid)) {
        found.add(p.pid);
        grew = true;
      }
    }
  }
  return all.filter((p) => p.pid !== root && found.has(p.pid) && p.comm === name && !isDeadState(p.state)).map((p) => p.pid);
}

function running(pid: number): boolean {
  const p = listProcesses().find((q) => q.pid === pid);
  return p !== undefined && !isDeadState(p.state);
}

function waitForLine(child: ChildProcess, line: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`no "${line}" within ${timeoutMs} ms; child said: ${out}`)), timeoutMs);
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.split("\n").includes(line)) {
        clearTimeout(timer);
        resolve();
      } else if (out.includes("ended ")) {
        clearTimeout(timer);
        reject(new Error(`the call ended: ${out}`));
      }
    });
  });
}

describe("processes: a killed engine leaves no ffmpeg and no temp folder behind", function () {
  this.timeout(90_000);
  let peer: TestMeetingPeer | undefined;
  let child: ChildProcess | undefined;
  let orphans: number[] = [];
  const scratch = new TempDir();

  before(function () {
    requirePeers(["ffmpeg"]);
  });

  after(async () => {
    if (child?.pid !== undefined && running(child.pid)) child.kill("SIGKILL");
    for (const pid of orphans) if (running(pid)) process.kill(pid, "SIGKILL");
    await peer?.stop();
    scratch.dispose();
  });

  it("after kill -9 of the Node process its ffmpeg children exit within seconds, and the next Engine removes its SDP folder", async () => {
    peer = await startTestMeetingPeer();
    const script = path.join(__dirname, "helpers", "killable-engine.js");
    // A temp root of this test's own: engines of other processes on the machine sweep the shared one too.
    const tmp = scratch.file("tmp");
    mkdirSync(tmp);
    child = spawn(process.execPath, [script, String(peer.sipPort), scratch.file("call.mp4")], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, TMPDIR: tmp } });
    const pid = child.pid;
    assert.ok(pid !== undefined);
    await waitForLine(child, "ready", 30_000);

    orphans = descendantsNamed(pid, "ffmpeg");
    assert.ok(orphans.length >= 2, `expected the recording's and the slate's ffmpeg, found ${orphans.length}`);
    const folders = readdirSync(tmp).filter((n) => n.startsWith(`sipcast-${pid}-`));
    assert.ok(folders.length >= 1, "the engine wrote no SDP folder named after its pid");

    child.kill("SIGKILL");
    const killedAt = Date.now();
    // With the engine gone ffmpeg gets no RTP at all: the same idle input as a call on hold.
    while (orphans.some(running) && Date.now() - killedAt < GONE_WITHIN_MS) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(orphans.filter(running), [], `ffmpeg still running ${Date.now() - killedAt} ms after the kill`);
    console.log(`      ${orphans.length} ffmpeg gone ${Date.now() - killedAt} ms after the kill`);

    // The next start comes after the killed process is gone for good: until this test (its parent) reaps it,
    // its pid still exists (a zombie) and its folder is rightly kept.
    const killed = child;
    if (killed.exitCode === null && killed.signalCode === null) await new Promise((resolve) => killed.once("exit", resolve));
    for (const f of folders) assert.ok(existsSync(path.join(tmp, f)), "the killed engine could not remove its folder itself");
    const shared = process.env.TMPDIR;
    process.env.TMPDIR = tmp; // os.tmpdir() reads it at each call: the next Engine sweeps this test's root
    try {
      const next = new Engine({ account: { login: "caller", domain: "127.0.0.1", port: peer.sipPort, registerRequired: false }, localAddress: "127.0.0.1" });
      await next.close();
    } finally {
      if (shared === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = shared;
    }
    for (const f of folders) assert.equal(existsSync(path.join(tmp, f)), false, `${f} is still there`);
  });
});
