import { strict as assert } from "node:assert";
import * as dgram from "node:dgram";
import { Engine, type Call, type CallStateEvent } from "../../src";
import { startTestMeetingPeer, type MeetingCallInfo, type MeetingDtmf, type MeetingHangup, type TestMeetingPeer } from "../../src/demo";
import { childProcessesNamed, dominantFrequencyHz, ffprobe, requirePeers, startRtmpServer, type RtmpServer } from "../harness";
import { processesWithArgument } from "../harness/proc-args";

function uniqueStream(tag: string): string {
  return `${tag}-${process.pid}-${Date.now().toString(36)}`;
}

/** Resolves with the first state event that satisfies `match`. */
function stateOf(call: Call, match: (e: CallStateEvent) => boolean, timeoutMs = 20_000): Promise<CallStateEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`call ${call.id}: no matching state within ${timeoutMs} ms (now ${call.status})`)), timeoutMs);
    call.on("state", (e) => {
      if (!match(e)) return;
      clearTimeout(timer);
      resolve(e);
    });
  });
}

/** Collects what the peer reports. */
function record(peer: TestMeetingPeer): { calls: MeetingCallInfo[]; dtmf: MeetingDtmf[]; hangups: MeetingHangup[] } {
  const seen = { calls: [] as MeetingCallInfo[], dtmf: [] as MeetingDtmf[], hangups: [] as MeetingHangup[] };
  peer.on("call", (c) => seen.calls.push(c));
  peer.on("dtmf", (d) => seen.dtmf.push(d));
  peer.on("hangup", (h) => seen.hangups.push(h));
  return seen;
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function engineFor(peer: TestMeetingPeer, extra: { login?: string; password?: string } = {}): Engine {
  return new Engine({
    account: { login: extra.login ?? "caller", password: extra.password, domain: "127.0.0.1", port: peer.sipPort, registerRequired: false },
    localAddress: "127.0.0.1",
  });
}

describe("test meeting peer (embedded loopback SIP peer) called by the engine", function () {
  this.timeout(120_000);
  let rtmp: RtmpServer;

  before(async function () {
    requirePeers(["ffmpeg", "ffprobe"]);
    rtmp = await startRtmpServer();
  });

  after(async () => {
    await rtmp?.stop();
  });

  it("answers with H.264 + PCMU, the engine publishes h264 + aac with the 440 Hz tone, the peer hears 12# (RFC 4733) and 4 (INFO)", async () => {
    const peer = await startTestMeetingPeer();
    const seen = record(peer);
    const engine = engineFor(peer);
    const stream = uniqueStream("meeting");
    try {
      assert.equal(peer.uri, `sip:meeting@127.0.0.1:${peer.sipPort}`);
      const call = engine.call({ callee: "meeting", rtmpUrl: rtmp.url, rtmpStream: stream });
      await stateOf(call, (e) => e.status === "ESTABLISHED");
      assert.equal(seen.calls.length, 1);
      const info = seen.calls[0];
      assert.deepEqual(info.video, { codec: "H264", payloadType: 96 });
      assert.deepEqual(info.audio, { codec: "PCMU", payloadType: 0, telephoneEvent: 101 });
      assert.match(info.from, /^sip:caller@127\.0\.0\.1/);
      assert.deepEqual(peer.calls().map((c) => c.callId), [info.callId]);
      await rtmp.waitForPublish(stream, 20_000);

      await call.sendDtmf("12#");
      await until(() => seen.dtmf.length >= 3, 5000, "three RFC 4733 keys at the peer");
      await call.sendDtmf("4", { type: "INFO" });
      await until(() => seen.dtmf.length >= 4, 5000, "the INFO key at the peer");
      assert.deepEqual(peer.digits(), ["1", "2", "#", "4"]);
      assert.deepEqual(seen.dtmf.map((d) => `${d.digit}:${d.method}`), ["1:RFC4733", "2:RFC4733", "#:RFC4733", "4:INFO"]);
      assert.ok(seen.dtmf.every((d) => d.callId === info.callId));

      await new Promise((r) => setTimeout(r, 5000));
      call.terminate();
      const end = await stateOf(call, (e) => e.status === "FINISH" || e.status === "FAILED");
      assert.equal(end.status, "FINISH", `ended ${end.status} ${end.reason} ${end.detail ?? ""}`);
      await call.whenClosed();
      await until(() => seen.hangups.length === 1, 5000, "the peer's hangup event");
      assert.equal(seen.hangups[0].by, "caller");
      assert.deepEqual(peer.calls(), []);

      await rtmp.waitForUnpublish(stream, 15_000);
      const file = rtmp.recordedFile(stream);
      assert.ok(file, "the RTMP server recorded the stream");
      const probe = await ffprobe(file);
      const video = probe.streams.find((s) => s.codec_name === "h264");
      assert.ok(video, `codecs: ${probe.streams.map((s) => s.codec_name).join(",")}`);
      assert.equal(video.width, 640);
      assert.equal(video.height, 360);
      assert.ok(probe.streams.some((s) => s.codec_name === "aac"), "aac audio");
      assert.ok(probe.durationSec >= 5, `recorded ${probe.durationSec} s`);
      const hz = await dominantFrequencyHz(file, { skipSec: 1 });
      assert.ok(Math.abs(hz - 440) <= 10, `tone at ${hz} Hz`);
    } finally {
      await engine.close();
      await peer.stop();
    }
    assert.deepEqual(await childProcessesNamed(["ffmpeg"]), [], "no ffmpeg of the engine or the peer is left");
    assert.deepEqual(await processesWithArgument(stream), []);
  });

  it("hangs up by itself: the engine sees a remote BYE and the peer's ffmpeg is gone", async () => {
    const peer = await startTestMeetingPeer();
    const seen = record(peer);
    const engine = engineFor(peer);
    try {
      const call = engine.call({ callee: "meeting" });
      await stateOf(call, (e) => e.status === "ESTABLISHED");
      await until(() => seen.calls.length === 1, 2000, "the call event");
      // Only the peer runs an ffmpeg here (the call publishes nowhere).
      let running: number[] = [];
      for (let i = 0; i < 100 && running.length === 0; i++) {
        running = await childProcessesNamed(["ffmpeg"]);
        if (running.length === 0) await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(running.length, 1, "the peer's ffmpeg runs");
      const ended = stateOf(call, (e) => e.status === "FINISH" || e.status === "FAILED", 10_000);
      await peer.hangupAll();
      const end = await ended;
      assert.equal(end.status, "FINISH");
      assert.equal(end.initiator, "remote");
      assert.deepEqual(seen.hangups.map((h) => h.by), ["peer"]);
      await call.whenClosed();
      assert.deepEqual(await childProcessesNamed(["ffmpeg"]), []);
    } finally {
      await engine.close();
      await peer.stop();
    }
  });

  it("challenges INVITEs when auth is set: the right password gets in, a wrong one fails with 401", async () => {
    const peer = await startTestMeetingPeer({ auth: { username: "alice", password: "s3cret" } });
    const good = engineFor(peer, { login: "alice", password: "s3cret" });
    const bad = engineFor(peer, { login: "alice", password: "wrong" });
    try {
      const ok = good.call({ callee: "meeting", hasVideo: false });
      await stateOf(ok, (e) => e.status === "ESTABLISHED");
      const refused = bad.call({ callee: "meeting" });
      const end = await stateOf(refused, (e) => e.status === "FAILED" || e.status === "FINISH");
      assert.equal(end.status, "FAILED");
      assert.equal(end.reason, "AUTHENTICATION_FAILED");
      assert.equal(end.sipStatus, 401);
      assert.equal(peer.calls().length, 1);
      assert.equal(peer.calls()[0].video, undefined, "audio-only offer, audio-only answer");
    } finally {
      await good.close();
      await bad.close();
      await peer.stop();
    }
    assert.deepEqual(await childProcessesNamed(["ffmpeg"]), []);
  });

  it("answers 404 for another user, and stop() ends live calls, leaves no ffmpeg and frees the SIP port", async () => {
    const peer = await startTestMeetingPeer();
    const engine = engineFor(peer);
    const port = peer.sipPort;
    try {
      const wrong = engine.call({ callee: "someone-else" });
      const refused = await stateOf(wrong, (e) => e.status === "FAILED");
      assert.equal(refused.sipStatus, 404);
      const call = engine.call({ callee: "meeting" });
      await stateOf(call, (e) => e.status === "ESTABLISHED");
      const ended = stateOf(call, (e) => e.status === "FINISH" || e.status === "FAILED", 10_000);
      await peer.stop();
      assert.equal((await ended).initiator, "remote");
      assert.deepEqual(await childProcessesNamed(["ffmpeg"]), []);
      // The port can be bound again: the peer's socket is closed.
      const probe = dgram.createSocket("udp4");
      await new Promise<void>((resolve, reject) => {
        probe.once("error", reject);
        probe.bind({ address: "127.0.0.1", port, exclusive: true }, () => resolve());
      });
      probe.close();
    } finally {
      await engine.close();
      await peer.stop();
    }
  });
});
