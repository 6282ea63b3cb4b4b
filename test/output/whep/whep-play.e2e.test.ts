import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import type { Browser } from "playwright-core";
import { Engine, type Call, type CallStateEvent } from "../../../src";
import { startTestMeetingPeer, type TestMeetingPeer } from "../../../src/demo";
import { RTCPeerConnection, RTCRtpCodecParameters } from "werift";
import { childProcessesNamed, startRtmpServer } from "../../harness";
import { dominantToneHz, playerFigures, startWhepServer, useWhepChromium } from "./whep-browser";

function stateOf(call: Call, match: (e: CallStateEvent) => boolean, timeoutMs = 20_000): Promise<CallStateEvent> {
  return new Promise((resolve, reject) => {
    if (match(call.snapshot())) return resolve(call.snapshot());
    const timer = setTimeout(() => reject(new Error(`call ${call.id}: no matching state within ${timeoutMs} ms (now ${call.status})`)), timeoutMs);
    call.on("state", (e) => {
      if (!match(e)) return;
      clearTimeout(timer);
      resolve(e);
    });
  });
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("WebRTC viewers (WHEP) of a call, in headless Chromium", function () {
  this.timeout(120_000);
  let browser: Browser | undefined;
  useWhepChromium((b) => (browser = b));

  it("plays the test meeting's call (H.264 + PCMU, no RTMP server): frames decoded rise, the audio is the 440 Hz tone, DTMF reaches the peer while two viewers watch", async () => {
    const peer: TestMeetingPeer = await startTestMeetingPeer();
    const engine = new Engine({
      account: { login: "caller", domain: "127.0.0.1", port: peer.sipPort, registerRequired: false },
      localAddress: "127.0.0.1",
      whep: { network: { bindAddress: "127.0.0.1" } },
    });
    const server = await startWhepServer(engine.streams);
    try {
      const call = engine.call({ callee: "meeting", toStream: "call1" });
      await stateOf(call, (e) => e.status === "ESTABLISHED");
      const page = await browser!.newPage();
      await page.goto(`${server.url}/sipcast/play/call1`);
      await until(async () => (await playerFigures(page)).framesDecoded > 0, 10_000, "a first decoded frame");
      const first = await playerFigures(page);
      const postToFrameMs = first.firstFrameAt! - first.postAt!;
      const answerMs = (await page.evaluate(() => (window as unknown as { sipcastPlayer: { answeredAt: number; postAt: number } }).sipcastPlayer.answeredAt - (window as unknown as { sipcastPlayer: { postAt: number } }).sipcastPlayer.postAt));
      console.log(`      WHEP POST → answer ${answerMs.toFixed(0)} ms, → first decoded frame: ${postToFrameMs.toFixed(0)} ms`);
      // The figure is the measurement (goal ≤ 1 s, printed above); the bound only says a picture comes, on a shared,
      // noisy machine: speed is the bench's to measure, not a timed test's to assert.
      assert.ok(postToFrameMs <= 5000, `first frame ${postToFrameMs.toFixed(0)} ms after the POST`);
      assert.equal(first.width, 640);
      await new Promise((r) => setTimeout(r, 2000));
      const later = await playerFigures(page);
      assert.ok(later.framesDecoded >= first.framesDecoded + 30, `frames decoded ${first.framesDecoded} → ${later.framesDecoded} in 2 s`);
      const tone = await dominantToneHz(page);
      assert.ok(Math.abs(tone.hz - 440) <= 15, `tone at ${tone.hz.toFixed(1)} Hz`);

      const second = await browser!.newPage();
      await second.goto(`${server.url}/sipcast/play/call1`);
      await until(async () => (await playerFigures(second)).framesDecoded > 0, 10_000, "the second viewer's first frame");
      assert.equal(engine.streams.viewerCount, 2);
      await call.sendDtmf("12#");
      await until(() => peer.digits().length >= 3, 5000, "the keys at the peer");
      assert.deepEqual(peer.digits(), ["1", "2", "#"]);

      await second.close();
      await until(() => engine.streams.viewerCount === 1, 5000, "the closed page's viewer to go (DELETE on pagehide, or ICE)");
      const before = (await playerFigures(page)).framesDecoded;
      await new Promise((r) => setTimeout(r, 1000));
      assert.ok((await playerFigures(page)).framesDecoded > before + 10, "the other viewer kept playing");
      assert.equal(call.status, "ESTABLISHED");
      // The stream is one of the call's outputs: unpublishing it ends its viewers, the call goes on.
      assert.deepEqual(call.outputs().map((o) => [o.id, o.kind, o.status, o.target]), [["whep", "whep", "PUBLISHING", "call1"]]);
      call.unpublish("whep");
      assert.equal(engine.streams.viewerCount, 0);
      assert.equal(engine.streams.isLive("call1"), false);
      assert.equal(call.status, "ESTABLISHED");
      // …and publishing { toStream } again makes it watchable again.
      assert.equal(call.publish({ toStream: "call1" }, { id: "again" }), "again");
      assert.equal(engine.streams.isLive("call1"), true);
      await page.close();
      call.terminate();
      await stateOf(call, (e) => e.status === "FINISH" || e.status === "FAILED");
      await call.whenClosed();
      assert.equal(engine.streams.viewerCount, 0);
      assert.deepEqual(engine.streams.list(), []);
    } finally {
      await server.close();
      await engine.close();
      await peer.stop();
    }
    assert.deepEqual(await childProcessesNamed(["ffmpeg"]), [], "no ffmpeg left");
  });

  it("a viewer that never completes ICE is closed after iceTimeoutMs; the call, its RTMP output and the playing viewer go on", async () => {
    const peer = await startTestMeetingPeer();
    const rtmp = await startRtmpServer();
    const engine = new Engine({
      account: { login: "caller", domain: "127.0.0.1", port: peer.sipPort, registerRequired: false },
      localAddress: "127.0.0.1",
      whep: { network: { bindAddress: "127.0.0.1", iceTimeoutMs: 1000 } },
    });
    const server = await startWhepServer(engine.streams);
    const rtmpStream = `whep-${process.pid}-${Date.now().toString(36)}`;
    const ghosts: RTCPeerConnection[] = [];
    try {
      const call = engine.call({ callee: "meeting", toStream: "ice-timeout", rtmpUrl: rtmp.url, rtmpStream });
      await stateOf(call, (e) => e.status === "ESTABLISHED");
      await rtmp.waitForPublish(rtmpStream, 20_000);
      const page = await browser!.newPage();
      await page.goto(`${server.url}/sipcast/play/ice-timeout`);
      await until(async () => (await playerFigures(page)).framesDecoded > 0, 10_000, "a first decoded frame");

      // Three offers whose senders go away before ICE: a werift client closed right after its offer was answered.
      for (let i = 0; i < 3; i++) {
        const ghost = new RTCPeerConnection({
          codecs: {
            video: [new RTCRtpCodecParameters({ mimeType: "video/H264", clockRate: 90000, parameters: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f" })],
            audio: [new RTCRtpCodecParameters({ mimeType: "audio/PCMU", clockRate: 8000, payloadType: 0 })],
          },
          iceServers: [], iceAdditionalHostAddresses: ["127.0.0.1"], iceInterfaceAddresses: { udp4: "127.0.0.1" }, iceUseIpv6: false });
        ghosts.push(ghost);
        ghost.addTransceiver("video", { direction: "recvonly" });
        ghost.addTransceiver("audio", { direction: "recvonly" });
        await ghost.setLocalDescription(await ghost.createOffer());
        await ghost.close();
        const res = await fetch(`${server.url}/sipcast/whep/ice-timeout`, { method: "POST", headers: { "Content-Type": "application/sdp" }, body: ghost.localDescription!.sdp });
        assert.equal(res.status, 201);
      }
      assert.equal(engine.streams.viewerCount, 4);
      const flvBefore = fs.statSync(rtmp.recordedFile(rtmpStream)!).size;
      const framesBefore = (await playerFigures(page)).framesDecoded;
      const closedAt = Date.now();
      await until(() => engine.streams.viewerCount === 1, 5000, "the three viewers without ICE to be closed");
      const tookMs = Date.now() - closedAt;
      console.log(`      viewers without ICE closed ${tookMs} ms after the last POST (iceTimeoutMs 1000)`);
      await new Promise((r) => setTimeout(r, 1000));
      assert.ok((await playerFigures(page)).framesDecoded > framesBefore + 25, "the playing viewer went on");
      assert.ok(fs.statSync(rtmp.recordedFile(rtmpStream)!).size > flvBefore, "the RTMP output went on");
      assert.equal(call.status, "ESTABLISHED");
      assert.deepEqual(call.outputs().map((o) => [o.id, o.kind, o.status, o.target]), [["rtmp", "rtmp", "PUBLISHING", call.outputs()[0].target], ["whep", "whep", "PUBLISHING", "ice-timeout"]]);
      await page.close();
      call.terminate();
      await stateOf(call, (e) => e.status === "FINISH" || e.status === "FAILED");
      await call.whenClosed();
    } finally {
      await server.close();
      await engine.close();
      await peer.stop();
      await rtmp.stop();
    }
    assert.deepEqual(await childProcessesNamed(["ffmpeg"]), [], "no ffmpeg left");
  });
});
