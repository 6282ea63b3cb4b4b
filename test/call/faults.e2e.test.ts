import { strict as assert } from "node:assert";
import { Engine } from "../../src/call/engine";
import { CallStatus } from "../../src/call/call-status";
import type { Call } from "../../src/call/call";
import type { PublishEvent } from "../../src/call/call-event";
import { ffprobe, requirePeers, startBaresip, startRtmpServer, type Baresip, type RtmpServer } from "../harness";
import { processesWithArgument, processesWithArgumentAfter } from "../harness/proc-args";
import { firstVideoFrame, waitForFirstFlvVideo } from "./helpers/media-checks";
import { waitForStatus } from "./helpers/wait-for-status";

/*
 * Faults a call survives, end to end against real peers, each with its recovery figure printed.
 * The outputs run with the default retry policy: the figures are what a user gets.
 */

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function uniqueStream(tag: string): string {
  return `${tag}-${process.pid}-${Date.now().toString(36)}`;
}

/** Calls baresip directly (no registrar). */
function engineFor(b: Baresip): Engine {
  return new Engine({
    account: { login: "alice", domain: "127.0.0.1", port: b.sipPort, password: "", registerRequired: false },
    localAddress: "127.0.0.1",
    rtpTimeoutMs: 0,
  });
}

/** The output statuses of `call` (stats events left out). */
function recordStatuses(call: Call): string[] {
  const statuses: string[] = [];
  call.on("publish", (e: PublishEvent) => {
    if (!e.stats) statuses.push(e.status);
  });
  return statuses;
}

async function waitUntil(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what} not within ${timeoutMs} ms`);
    await sleep(20);
  }
}

async function hangUp(call: Call): Promise<void> {
  call.terminate();
  await waitForStatus(call, CallStatus.FINISH, 10_000);
  await call.whenClosed();
}

describe("Faults a call survives: its output's writer and the RTMP server", function () {
  this.timeout(120_000);
  let baresip: Baresip;
  let engine: Engine | undefined;

  before(async function () {
    requirePeers(["baresip", "ffmpeg", "ffprobe"]);
    baresip = await startBaresip();
  });

  afterEach(async () => {
    await engine?.close();
    engine = undefined;
    await sleep(200);
  });

  after(async () => {
    await baresip?.stop();
  });

  it("ffmpeg killed with SIGKILL mid-call: the output restarts and the stream resumes within 3 s; the call stays up", async () => {
    const rtmp = await startRtmpServer();
    try {
      engine = engineFor(baresip);
      const stream = uniqueStream("kill9");
      const call = engine.call({ callee: baresip.uri });
      const statuses = recordStatuses(call);
      await waitForStatus(call, CallStatus.ESTABLISHED, 10_000);
      const publishedAt = Date.now();
      call.publish({ rtmpUrl: rtmp.url, rtmpStream: stream }, { id: "live" });
      await waitForFirstFlvVideo(() => rtmp.recordedFile(stream), 15_000);
      await waitUntil("PUBLISHING", () => statuses.includes("PUBLISHING"), 10_000);
      await sleep(4000);
      const pids = await processesWithArgument(stream);
      assert.equal(pids.length, 1, `one ffmpeg writes the stream: ${pids.join(",")}`);

      const killedAt = Date.now();
      process.kill(pids[0], "SIGKILL");
      // node-media-server appends a publisher that comes back to the same recording: the new publish is the figure.
      await waitUntil("a second publish", () => rtmp.publishTimes(stream).length >= 2, 15_000);
      const recoveryMs = rtmp.publishTimes(stream)[1] - killedAt;
      await waitUntil("PUBLISHING again", () => statuses.includes("RECONNECTING") && statuses.lastIndexOf("PUBLISHING") > statuses.indexOf("RECONNECTING"), 10_000);
      process.stdout.write(`      SIGKILL of ffmpeg → the server sees the new publish: ${recoveryMs} ms (the first publish took ${rtmp.publishTimes(stream)[0] - publishedAt} ms)\n`);
      assert.ok(recoveryMs <= 3000, `stream resumed ${recoveryMs} ms after the kill (goal ≤ 3000 ms)`);
      const newPids = await processesWithArgument(stream);
      assert.equal(newPids.length, 1);
      assert.notEqual(newPids[0], pids[0], "a new ffmpeg");

      await sleep(2500);
      assert.equal(call.status, CallStatus.ESTABLISHED, "the call stayed up");
      const [snapshot] = call.outputs();
      assert.equal(snapshot.status, "PUBLISHING");
      assert.equal(snapshot.reconnects, 1);
      await hangUp(call);
      await rtmp.waitForUnpublish(stream, 10_000);
      assert.deepEqual(statuses, ["PUBLISHING", "RECONNECTING", "PUBLISHING", "STOPPED"]);
      const file = rtmp.recordedFile(stream)!;
      const probe = await ffprobe(file);
      assert.ok(probe.durationSec >= 2, `resumed stream lasted ${probe.durationSec} s`);
      assert.equal((await firstVideoFrame(file)).keyFrame, 1);
      assert.deepEqual(await processesWithArgumentAfter(stream, 5000), [], "no ffmpeg outlives the call");
    } finally {
      await rtmp.stop();
    }
  });

  // 20 s: the doubling waits (1, 2, 4, 8, 16 s) would next look 11 s after the server's return.
  for (const [downMs, runMs] of [[1500, 3000], [20_000, 11_000]]) {
    it(`RTMP server gone for ${downMs / 1000} s after ${runMs / 1000} s of publishing: the stream resumes within 5 s of its return; the call stays up`, async () => {
      let server = await startRtmpServer();
      const port = server.port;
      try {
        engine = engineFor(baresip);
        const stream = uniqueStream("srv");
        const call = engine.call({ callee: baresip.uri });
        const statuses = recordStatuses(call);
        await waitForStatus(call, CallStatus.ESTABLISHED, 10_000);
        call.publish({ rtmpUrl: server.url, rtmpStream: stream }, { id: "live" });
        await waitForFirstFlvVideo(() => server.recordedFile(stream), 15_000);
        await sleep(runMs);

        await server.stop();
        await waitUntil("RECONNECTING", () => statuses.includes("RECONNECTING"), 10_000);
        await sleep(downMs);
        const restartedAt = Date.now();
        server = await startRtmpServer({ port });
        const upMs = Date.now() - restartedAt;
        const first = await waitForFirstFlvVideo(() => server.recordedFile(stream), 20_000);
        const recoveryMs = first.seenAt - restartedAt;
        process.stdout.write(`      RTMP server back (listening after ${upMs} ms) → first video frame there: ${recoveryMs} ms; reconnects ${call.outputs()[0]?.reconnects}\n`);
        assert.equal(first.keyframe, true, "the resumed stream starts on a keyframe");
        assert.ok(recoveryMs <= 5000, `stream resumed ${recoveryMs} ms after the server came back (goal ≤ 5000 ms)`);
        await sleep(2500);
        assert.equal(call.status, CallStatus.ESTABLISHED, "the call stayed up");
        assert.equal(call.outputs()[0].status, "PUBLISHING");
        await hangUp(call);
        assert.ok(!statuses.includes("FAILED"), statuses.join(" → "));
        assert.equal(statuses[statuses.length - 1], "STOPPED");
      } finally {
        await server.stop();
      }
    });
  }
});
