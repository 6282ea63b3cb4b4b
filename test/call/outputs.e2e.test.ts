import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Engine } from "../../src/call/engine";
import { CallStatus } from "../../src/call/call-status";
import type { Call } from "../../src/call/call";
import type { CallStateEvent, PublishEvent } from "../../src/call/call-event";
import type { CallOptions } from "../../src/call/call-options";
import { DuplicateOutputError } from "../../src/output/output-types";
import { InvalidStateError } from "../../src/errors";
import { dominantFrequencyHz, ffprobe, freePort, requirePeers, startBaresip, startRtmpServer, type Baresip, type BaresipOptions, type RtmpServer } from "../harness";
import { processesWithArgumentAfter } from "../harness/proc-args";
import { spawnManaged, type ManagedProcess } from "../harness/managed-process";
import { programPath } from "../harness/require-peers";
import { runCommand } from "../harness/run-command";
import { firstVideoFrame, videoKeyframeTimes, waitForFirstFlvVideo } from "./helpers/media-checks";
import { startSippUas } from "./helpers/sipp-uas";
import { waitForStatus } from "./helpers/wait-for-status";

/** Calls baresip directly (no registrar). */
function engineFor(b: Baresip): Engine {
  return new Engine({
    account: { login: "alice", domain: "127.0.0.1", port: b.sipPort, password: "", registerRequired: false },
    localAddress: "127.0.0.1",
    rtpTimeoutMs: 0,
  });
}

function uniqueStream(tag: string): string {
  return `${tag}-${process.pid}-${Date.now().toString(36)}`;
}

/** Every publish event of a call, with a way to wait for one (past ones count). */
function recordPublish(call: Call) {
  const events: PublishEvent[] = [];
  const waiters = new Set<() => void>();
  call.on("publish", (e) => {
    events.push(e);
    for (const w of [...waiters]) w();
  });
  const waitFor = (pred: (e: PublishEvent) => boolean, timeoutMs: number, from = 0): Promise<PublishEvent> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = events.slice(from).find(pred);
        if (!hit) return false;
        waiters.delete(w);
        clearTimeout(timer);
        resolve(hit);
        return true;
      };
      const w = (): void => void check();
      const timer = setTimeout(() => {
        waiters.delete(w);
        reject(new Error(`publish event not seen within ${timeoutMs} ms; got ${events.map((e) => `${e.outputId}:${e.status}`).join(", ")}`));
      }, timeoutMs);
      waiters.add(w);
      check();
    });
  return { events, waitFor, statuses: (id: string) => events.filter((e) => e.outputId === id && !e.stats).map((e) => e.status) };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Places a call to `b`, waits for ESTABLISHED, and returns it with its publish recorder. */
async function answered(engine: Engine, b: Baresip, extra: Partial<CallOptions> = {}) {
  const call = engine.call({ callee: b.uri, ...extra });
  const publish = recordPublish(call);
  await waitForStatus(call, CallStatus.ESTABLISHED, 10_000);
  return { call, publish };
}

async function hangUp(call: Call): Promise<void> {
  call.terminate();
  await waitForStatus(call, CallStatus.FINISH, 10_000);
  await call.whenClosed();
}

describe("Call outputs against baresip and node-media-server", function () {
  this.timeout(120_000);
  let baresip: Baresip;
  let rtmp: RtmpServer;
  let engine: Engine | undefined;
  let dir: string;

  before(async function () {
    requirePeers(["baresip", "ffmpeg", "ffprobe", "sox"]);
    baresip = await startBaresip();
    rtmp = await startRtmpServer({ rtmpsPort: await freePort() });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sipcast-outputs-"));
  });

  afterEach(async () => {
    await engine?.close();
    engine = undefined;
    await sleep(200); // baresip closes the call before the next test dials it
  });

  after(async () => {
    await rtmp?.stop();
    await baresip?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("runs two RTMP outputs and a recording at once; stopping one leaves the others and the call running", async () => {
    engine = engineFor(baresip);
    const early = engine.call({ callee: baresip.uri, publishStatsIntervalMs: 1000 });
    assert.throws(() => early.publish({ rtmpUrl: rtmp.url, rtmpStream: "x" }), InvalidStateError, "no publish before the answer");
    const publish = recordPublish(early);
    await waitForStatus(early, CallStatus.ESTABLISHED, 10_000);
    const call = early;
    const [streamA, streamB] = [uniqueStream("outA"), uniqueStream("outB")];
    const recordPath = path.join(dir, "both.mp4");

    const publishedAt = Date.now();
    assert.equal(call.publish({ rtmpUrl: rtmp.url, rtmpStream: streamA }, { id: "a" }), "a");
    const idB = call.publish({ rtmpUrl: rtmp.url, rtmpStream: streamB });
    assert.equal(idB, "out-1");
    assert.equal(call.publish({ recordPath }, { id: "rec" }), "rec");
    assert.throws(() => call.publish({ rtmpUrl: rtmp.url, rtmpStream: "other" }, { id: "a" }), DuplicateOutputError);

    const firstA = await waitForFirstFlvVideo(() => rtmp.recordedFile(streamA), 15_000);
    for (const id of ["a", idB, "rec"]) await publish.waitFor((e) => e.outputId === id && e.status === "PUBLISHING", 15_000);
    const keyframeAtServerMs = firstA.seenAt - publishedAt;
    process.stdout.write(`      publish() → first video frame in the server's FLV: ${keyframeAtServerMs} ms (keyframe: ${firstA.keyframe}); peer keyframe after ${call.outputs()[0].firstKeyframeMs} ms\n`);
    assert.equal(firstA.keyframe, true, "the first video frame the server got is a keyframe");
    assert.ok(keyframeAtServerMs < 5000, `first frame after ${keyframeAtServerMs} ms`);

    await sleep(3000);
    const stopAt = Date.now();
    call.unpublish(idB);
    await publish.waitFor((e) => e.outputId === idB && e.status === "STOPPED", 5000);
    await rtmp.waitForUnpublish(streamB, 10_000);
    assert.deepEqual(call.outputs().map((o) => [o.id, o.kind, o.status]), [["a", "rtmp", "PUBLISHING"], ["rec", "record", "PUBLISHING"]]);
    assert.equal(call.status, CallStatus.ESTABLISHED);
    // The server saw the stream end when ffmpeg closed the connection; its exit follows shortly.
    assert.deepEqual(await processesWithArgumentAfter(streamB, 5000), [], "the stopped output's ffmpeg is gone");

    // Long enough for output A to outlast one keyframe request interval (4 s) by far (see the end).
    await sleep(4000);
    const snapshot = call.outputs().find((o) => o.id === "a");
    assert.ok(snapshot && snapshot.stats && snapshot.stats.outTimeMs > 5000, `stats ${JSON.stringify(snapshot)}`);
    assert.equal(snapshot.target, `${rtmp.url}/***`, "stream key hidden");
    const statsEvents = publish.events.filter((e) => e.outputId === "a" && e.stats);
    assert.ok(statsEvents.length >= 3, `${statsEvents.length} stats events`);
    assert.ok(statsEvents.every((e) => e.status === "PUBLISHING" && e.stats!.bitrateKbps > 0 && e.stats!.outTimeMs > 0));
    const endAt = Date.now();
    await hangUp(call);
    assert.deepEqual(publish.statuses("a"), ["PUBLISHING", "STOPPED"]);
    assert.deepEqual(publish.statuses("rec"), ["PUBLISHING", "STOPPED"]);
    assert.ok(publish.events.every((e) => !JSON.stringify(e).includes(streamA)), "no event carries the stream key");

    await rtmp.waitForUnpublish(streamA, 10_000);
    const [a, b, rec] = [rtmp.recordedFile(streamA)!, rtmp.recordedFile(streamB)!, recordPath];
    const probes = await Promise.all([a, b, rec].map((f) => ffprobe(f)));
    for (const [i, p] of probes.entries()) {
      const codecs = p.streams.map((s) => s.codec_name);
      assert.ok(codecs.includes("h264") && codecs.includes("aac"), `output ${i}: ${codecs.join(",")}`);
    }
    const untilStop = (stopAt - publishedAt) / 1000;
    const untilEnd = (endAt - publishedAt) / 1000;
    assert.ok(Math.abs(probes[1].durationSec - untilStop) < 1.5, `B lasted ${probes[1].durationSec} s, stopped after ${untilStop} s`);
    assert.ok(Math.abs(probes[0].durationSec - untilEnd) < 1.5, `A lasted ${probes[0].durationSec} s, call ended after ${untilEnd} s`);
    assert.ok(Math.abs(probes[2].durationSec - untilEnd) < 1.5, `the recording lasted ${probes[2].durationSec} s`);
    for (const f of [a, b, rec]) {
      const first = await firstVideoFrame(f);
      assert.equal(first.keyFrame, 1, `${f}: first frame ${JSON.stringify(first)}`);
      assert.match(first.packetFlags, /^K/);
    }
    assert.ok(Math.abs((await dominantFrequencyHz(rec, { skipSec: 1 })) - 440) <= 10, "the recording has the callee's tone");
    // baresip sends a keyframe every 10 s unless asked: the outputs asked whenever 4 s went by without one.
    // The bound leaves 2.5 s for the peer's answer on a loaded machine and still tells 4 s from 10 s.
    // Every stretch without a keyframe counts, the one up to the end of the file too: how many
    // keyframes fit depends on how long the output ran, which a loaded machine stretches.
    const keyframes = await videoKeyframeTimes(a);
    const stretches = [...keyframes.slice(1), probes[0].durationSec].map((t, i) => t - keyframes[i]);
    assert.ok(probes[0].durationSec > 6.5, `output A ran ${probes[0].durationSec} s: too short to tell 4 s from 10 s`);
    assert.ok(keyframes.length >= 2 && Math.max(...stretches) <= 6.5, `keyframes at ${keyframes.join(", ")} s of ${probes[0].durationSec} s`);
  });

  it("keeps the call up while the RTMP server restarts: RECONNECTING, then PUBLISHING on the new server", async () => {
    let server = await startRtmpServer();
    const port = server.port;
    try {
      engine = engineFor(baresip);
      const stream = uniqueStream("restart");
      const { call, publish } = await answered(engine, baresip, { publishRetry: { initialBackoffMs: 300, maxBackoffMs: 1200, maxRetries: 30 } });
      call.publish({ rtmpUrl: server.url, rtmpStream: stream }, { id: "live" });
      await publish.waitFor((e) => e.status === "PUBLISHING", 15_000);
      await sleep(2000);

      await server.stop();
      const reconnecting = await publish.waitFor((e) => e.status === "RECONNECTING", 10_000);
      assert.equal(reconnecting.reason, "FAILED_BY_RTMP_WRITER_ERROR");
      await sleep(1500); // a few refused reconnects
      const restartedAt = Date.now();
      server = await startRtmpServer({ port });
      const from = publish.events.length;
      await publish.waitFor((e) => e.status === "PUBLISHING", 20_000, from);
      const first = await waitForFirstFlvVideo(() => server.recordedFile(stream), 10_000);
      process.stdout.write(`      new server up → first video frame there: ${first.seenAt - restartedAt} ms\n`);
      assert.equal(first.keyframe, true, "the resumed stream starts on a keyframe");
      await sleep(3000);
      const [snapshot] = call.outputs();
      assert.equal(snapshot.status, "PUBLISHING");
      assert.ok(snapshot.reconnects >= 2, `reconnects ${snapshot.reconnects}`);
      assert.equal(call.status, CallStatus.ESTABLISHED, "the call stayed up");
      await hangUp(call);

      const statuses = publish.statuses("live");
      assert.equal(statuses[0], "PUBLISHING");
      assert.equal(statuses[statuses.length - 1], "STOPPED");
      assert.ok(statuses.indexOf("RECONNECTING") < statuses.lastIndexOf("PUBLISHING"), statuses.join(" → "));
      assert.ok(!statuses.includes("FAILED"));
      await server.waitForUnpublish(stream, 10_000);
      const file = server.recordedFile(stream)!;
      const probe = await ffprobe(file);
      const codecs = probe.streams.map((s) => s.codec_name);
      assert.ok(codecs.includes("h264") && codecs.includes("aac"), codecs.join(","));
      assert.ok(probe.durationSec >= 2.5, `resumed stream lasted ${probe.durationSec} s`);
      assert.equal((await firstVideoFrame(file)).keyFrame, 1);
    } finally {
      await server.stop();
    }
  });

  it("publishes a video-only call with a silent AAC track (sipp answers video only, ffmpeg sends the H.264)", async () => {
    requirePeers(["sipp"]);
    // baresip rejects an offer without audio ("no common audio codecs"): a sipp UAS answers instead.
    const uas = await startSippUas("uas_video_only.xml");
    let sender: ManagedProcess | undefined;
    try {
      engine = new Engine({ account: { login: "alice", domain: "127.0.0.1", port: uas.port, password: "", registerRequired: false }, localAddress: "127.0.0.1", rtpTimeoutMs: 0 });
      const stream = uniqueStream("vonly");
      const call = engine.call({ callee: uas.uri, hasAudio: false, rtmpUrl: rtmp.url, rtmpStream: stream });
      const publish = recordPublish(call);
      await waitForStatus(call, CallStatus.ESTABLISHED, 10_000);
      const videoPort = (call.stats().media as { video: { rtpPort: number } }).video.rtpPort;
      sender = spawnManaged("ffmpeg h264 rtp sender", programPath("ffmpeg"), [
        "-nostdin", "-v", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "30",
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "25", "-payload_type", "96", "-f", "rtp", `rtp://127.0.0.1:${videoPort}`,
      ]);
      await publish.waitFor((e) => e.outputId === "rtmp" && e.status === "PUBLISHING", 15_000);
      await sleep(3000);
      await hangUp(call);
      await rtmp.waitForUnpublish(stream, 10_000);
      const file = rtmp.recordedFile(stream)!;
      const probe = await ffprobe(file);
      const video = probe.streams.find((s) => s.codec_name === "h264");
      assert.ok(video && probe.streams.some((s) => s.codec_name === "aac"), probe.streams.map((s) => s.codec_name).join(","));
      assert.deepEqual([video.width, video.height], [320, 240]);
      assert.equal(await dominantFrequencyHz(file, { skipSec: 0.5, seconds: 2 }), 0, "the audio is silence");
      assert.equal((await firstVideoFrame(file)).keyFrame, 1);
    } finally {
      await sender?.stop();
      await uas.stop();
    }
  });

  it("publishes to RTMPS when told to accept the self-signed certificate, and refuses it by default", async () => {
    engine = engineFor(baresip);
    const [ok, refused] = [uniqueStream("tls"), uniqueStream("tlsno")];
    const { call, publish } = await answered(engine, baresip, { publishRetry: { maxRetries: 0 } });
    call.publish({ rtmpUrl: rtmp.rtmpsUrl!, rtmpStream: ok }, { id: "tls", rtmpsAllowSelfSigned: true });
    call.publish({ rtmpUrl: rtmp.rtmpsUrl!, rtmpStream: refused }, { id: "strict" });
    const failed = await publish.waitFor((e) => e.outputId === "strict" && e.status === "FAILED", 15_000);
    assert.equal(failed.reason, "FAILED_BY_RTMP_WRITER_ERROR");
    assert.match(failed.detail ?? "", /certificate|verif|tls/i);
    await publish.waitFor((e) => e.outputId === "tls" && e.status === "PUBLISHING", 15_000);
    assert.equal(call.status, CallStatus.ESTABLISHED, "a failed output does not end the call by default");
    await sleep(2500);
    await hangUp(call);
    await rtmp.waitForUnpublish(ok, 10_000);
    const probe = await ffprobe(rtmp.recordedFile(ok)!);
    assert.ok(probe.streams.some((s) => s.codec_name === "h264") && probe.durationSec >= 2, JSON.stringify(probe));
    assert.equal(rtmp.recordedFile(refused), undefined);
  });

  it("sends a slate image as video into the call (baresip decodes it)", async () => {
    const slate = path.join(dir, "slate.png");
    const made = await runCommand(programPath("ffmpeg"), ["-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=800x600", "-frames:v", "1", slate]);
    assert.equal(made.code, 0, made.stderr);
    engine = engineFor(baresip);
    assert.throws(() => engine!.call({ callee: baresip.uri, sendVideoSlate: path.join(dir, "missing.png") }), /sendVideoSlate/);
    assert.throws(() => engine!.call({ callee: baresip.uri, recordPath: path.join(dir, "no/such/folder.mp4") }), /does not exist/);
    const logFrom = baresip.logs().length;
    const { call } = await answered(engine, baresip, { sendVideoSlate: slate });
    await sleep(3000);
    const sent = (call.stats().media as { videoSlate?: { packetsSent: number } }).videoSlate;
    assert.ok(sent && sent.packetsSent > 20, `slate packets ${JSON.stringify(sent)}`);
    await hangUp(call);
    await sleep(300);
    const log = baresip.logs().slice(logFrom);
    assert.match(log, /video: receiving with resolution 640 x 360/, "baresip decoded our picture (800x600 fitted into 640x360)");
    const stats = /decoder stats \(keyframes:(\d+)/.exec(log);
    assert.ok(stats && Number(stats[1]) >= 1, `baresip: ${stats?.[0] ?? "no decoder stats"}`);
  });

  it("asks for the keyframe by SIP INFO picture_fast_update too (baresip reports it)", async () => {
    engine = engineFor(baresip);
    const before = (baresip.logs().match(/receive media control: fast_update/g) ?? []).length;
    const { call, publish } = await answered(engine, baresip);
    call.publish({ recordPath: path.join(dir, "info.mkv") }, { id: "rec", keyframes: { infoAfterTries: 0 } });
    await publish.waitFor((e) => e.status === "PUBLISHING", 15_000);
    await hangUp(call);
    const after = (baresip.logs().match(/receive media control: fast_update/g) ?? []).length;
    assert.equal(after - before, 1, "one INFO picture_fast_update reached the peer");
    const probe = await ffprobe(path.join(dir, "info.mkv"));
    assert.ok(probe.streams.some((s) => s.codec_name === "h264"), "Matroska recording has the video");
  });
});

describe("Call outputs for foreign and missing media (baresip with restricted codecs)", function () {
  this.timeout(120_000);
  let rtmp: RtmpServer;

  before(async function () {
    requirePeers(["baresip", "ffmpeg", "ffprobe", "sox"]);
    rtmp = await startRtmpServer();
  });

  after(async () => {
    await rtmp?.stop();
  });

  /** Calls a fresh baresip, publishes 3 s, and returns what ffprobe sees plus baresip's log. */
  async function publishFrom(options: BaresipOptions, tag: string, call: Partial<CallOptions> = {}) {
    const b = await startBaresip(options);
    const engine = engineFor(b);
    try {
      const stream = uniqueStream(tag);
      const { call: c, publish } = await answered(engine, b, { rtmpUrl: rtmp.url, rtmpStream: stream, ...call });
      await publish.waitFor((e) => e.status === "PUBLISHING", 15_000);
      await sleep(3000);
      await hangUp(c);
      await rtmp.waitForUnpublish(stream, 10_000);
      const file = rtmp.recordedFile(stream)!;
      return { file, probe: await ffprobe(file), logs: b.logs() };
    } finally {
      await engine.close();
      await b.stop();
    }
  }

  it("publishes an audio-only call with generated black H.264 video beside the AAC tone", async () => {
    const { file, probe } = await publishFrom({ video: false }, "aonly", { hasVideo: false });
    const video = probe.streams.find((s) => s.codec_name === "h264");
    assert.ok(video && probe.streams.some((s) => s.codec_name === "aac"), JSON.stringify(probe.streams));
    assert.deepEqual([video.width, video.height], [640, 360]);
    assert.ok(probe.durationSec >= 2.5, `${probe.durationSec} s`);
    assert.equal((await firstVideoFrame(file)).keyFrame, 1);
    assert.ok(Math.abs((await dominantFrequencyHz(file, { skipSec: 1, seconds: 2 })) - 440) <= 10);
  });

  // baresip names wideband codecs with their rate; it resamples the 8 kHz tone for them.
  for (const codec of ["PCMA", "G722/16000/1", "opus/48000/2"]) {
    const name = codec.split("/")[0];
    it(`turns ${name} from the peer into AAC with the 440 Hz tone`, async () => {
      const { file, probe, logs } = await publishFrom({ video: false, audioCodecs: [codec] }, name.toLowerCase(), { hasVideo: false });
      assert.match(logs, new RegExp(`Set audio encoder: ${name} `), "baresip really sent this codec");
      const audio = probe.streams.find((s) => s.codec_name === "aac");
      assert.ok(audio, JSON.stringify(probe.streams));
      assert.equal(audio.sample_rate, 44100);
      const hz = await dominantFrequencyHz(file, { skipSec: 1, seconds: 2 });
      assert.ok(Math.abs(hz - 440) <= 10, `${name}: tone at ${hz} Hz`);
    });
  }

  it("transcodes a VP8-only peer to H.264", async () => {
    const { file, probe, logs } = await publishFrom({ videoCodec: "VP8" }, "vp8");
    assert.match(logs, /Set video encoder: VP8/);
    const video = probe.streams.find((s) => s.codec_type === "video");
    assert.equal(video?.codec_name, "h264");
    assert.deepEqual([video.width, video.height], [640, 360]);
    assert.equal((await firstVideoFrame(file)).keyFrame, 1);
  });
});
