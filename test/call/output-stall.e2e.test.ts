import { strict as assert } from "node:assert";
import { Engine } from "../../src/call/engine";
import { CallStatus } from "../../src/call/call-status";
import type { PublishEvent } from "../../src/call/call-event";
import { requirePeers, startBaresip, startRtmpServer, type Baresip, type RtmpServer } from "../harness";
import { processesWithArgument } from "../harness/proc-args";
import { waitForStatus } from "./helpers/wait-for-status";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` every 100 ms until it returns a value; rejects after `timeoutMs`. */
async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`${what} not seen within ${timeoutMs} ms`);
    await sleep(100);
  }
}

describe("Output watchdog: a server that stops reading (baresip, node-media-server frozen)", function () {
  this.timeout(150_000);
  let baresip: Baresip;
  let rtmp: RtmpServer | undefined;
  let engine: Engine | undefined;

  before(async function () {
    requirePeers(["baresip", "ffmpeg"]);
    baresip = await startBaresip();
  });

  after(async () => {
    await engine?.close();
    await rtmp?.stop();
    await baresip?.stop();
  });

  it("reports OUTPUT_STALLED while RTP still arrives, restarts ffmpeg, and publishes again once the server reads again; the call stays up", async () => {
    rtmp = await startRtmpServer();
    const logs: Array<{ at: number; level: string; category: string; message: string }> = [];
    engine = new Engine({
      logger: { log: (level, category, message) => void logs.push({ at: Date.now(), level, category, message }) },
      account: { login: "alice", domain: "127.0.0.1", port: baresip.sipPort, password: "", registerRequired: false },
      localAddress: "127.0.0.1",
      rtpTimeoutMs: 0,
    });
    const stream = `stall-${process.pid}-${Date.now().toString(36)}`;
    const call = engine.call({
      callee: baresip.uri,
      publishRetry: { initialBackoffMs: 500, maxBackoffMs: 2000, maxRetries: 30 },
      publishStatsIntervalMs: 200,
    });
    const events: Array<PublishEvent & { at: number }> = [];
    call.on("publish", (e) => events.push({ ...e, at: Date.now() }));
    await waitForStatus(call, CallStatus.ESTABLISHED, 10_000);
    call.publish({ rtmpUrl: rtmp.url, rtmpStream: stream }, { id: "live" });
    await until("PUBLISHING", () => events.find((e) => e.status === "PUBLISHING" && !e.stats), 20_000);
    await sleep(3000);
    const [firstPid] = await processesWithArgument(stream);
    assert.ok(firstPid !== undefined, "the output's ffmpeg runs");

    const frozenAt = Date.now();
    rtmp.freeze();
    const stalled = await until("RECONNECTING with OUTPUT_STALLED", () => events.find((e) => e.at >= frozenAt && e.status === "RECONNECTING"), 90_000);
    assert.equal(stalled.reason, "OUTPUT_STALLED", `reason of the restart: ${stalled.reason} ${stalled.detail ?? ""}`);
    assert.match(stalled.detail ?? "", /stalled/);
    // When the timeline last moved: the last periodic progress report whose out_time grew.
    const progress = events.filter((e) => e.stats && e.at <= stalled.at);
    let lastAdvanceAt = frozenAt;
    for (let i = 1; i < progress.length; i++) if (progress[i].stats!.outTimeMs > progress[i - 1].stats!.outTimeMs) lastAdvanceAt = progress[i].at;
    const restartedPid = await until("a new ffmpeg", async () => (await processesWithArgument(stream)).find((p) => p !== firstPid), 20_000);
    const restartedAt = Date.now();
    assert.notEqual(restartedPid, firstPid);
    assert.equal(call.status, CallStatus.ESTABLISHED, "the call stays up through the stall");
    const line = logs.find((l) => l.at >= frozenAt && /stalled/.test(l.message));
    assert.ok(line, "a log line tells of the stall");
    assert.equal(line.level, "warn");
    assert.match(line.message, /^output live: stalled at out_time [\d.]+ s: no output for [\d.]+ s while RTP kept arriving; restarting it$/);
    const sigkill = logs.find((l) => l.at >= stalled.at && /SIGKILL/.test(l.message));

    await sleep(1000);
    const thawedAt = Date.now();
    rtmp.thaw();
    const resumed = await until("PUBLISHING after the server reads again", () => events.find((e) => e.at >= thawedAt && e.status === "PUBLISHING" && !e.stats), 40_000);
    await sleep(3000);
    const [snapshot] = call.outputs();
    assert.equal(snapshot.status, "PUBLISHING");
    assert.ok(snapshot.reconnects >= 1, `reconnects ${snapshot.reconnects}`);
    const after = events.filter((e) => e.stats && e.at > resumed.at).map((e) => e.stats!.outTimeMs);
    assert.ok(after.length >= 2 && after[after.length - 1] > after[0], `out_time advances again: ${after.join(",")}`);
    assert.equal(call.status, CallStatus.ESTABLISHED, "the call stayed up");
    process.stdout.write(
      `      frozen → timeline stopped: ${lastAdvanceAt - frozenAt} ms; timeline stopped → OUTPUT_STALLED: ${stalled.at - lastAdvanceAt} ms; ` +
        `event → new ffmpeg: ${restartedAt - stalled.at} ms${sigkill ? " (the stalled ffmpeg ignored SIGTERM)" : ""}; thawed → PUBLISHING: ${resumed.at - thawedAt} ms\n`,
    );
    call.terminate();
    await waitForStatus(call, CallStatus.FINISH, 10_000);
    await call.whenClosed();
  });
});
