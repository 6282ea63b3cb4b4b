import assert from "node:assert/strict";
import { existsSync, statSync } from "node:fs";
import { InvalidStateError } from "../../src/errors";
import {
  Republisher,
  ffmpegSupportsSdpLocalAddr,
  locateFfmpeg,
  readBoundUdpPorts,
  type FfmpegProcess,
  type FfmpegProgress,
  type MediaError,
  type RepublisherOptions,
} from "../../src/media";
import { CaptureLogger } from "./helpers/capture-logger";
import { describeH264Pcmu, freeTcpPort, probe, sendRtcpBye, startRtmpRecorder, startRtpSource } from "./helpers/media-peers";
import { processGone } from "./helpers/process-gone";
import { TempDir } from "./helpers/temp-dir";

const FFMPEG = locateFfmpeg().path;
const RANGE = { min: 43000, max: 43999 };

/** Records Republisher events in order, plus promises for the interesting ones. */
function watch(r: Republisher) {
  const events: string[] = [];
  const errors: MediaError[] = [];
  const progress: FfmpegProgress[] = [];
  r.on("ready", () => events.push("ready"));
  r.on("started", () => events.push("started"));
  r.on("progress", (p) => progress.push(p));
  r.on("failure", (e) => (events.push("failure"), errors.push(e)));
  r.on("died", (e) => (events.push("died"), errors.push(e)));
  r.on("closed", () => events.push("closed"));
  const started = new Promise<void>((resolve) => r.once("started", resolve));
  const ended = new Promise<MediaError>((resolve) => {
    r.once("failure", resolve);
    r.once("died", resolve);
  });
  /** Resolves once the output has at least `ms` of media. */
  const reached = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const check = (p: FfmpegProgress): void => {
        if ((p.outTimeMs ?? 0) >= ms) (r.off("progress", check), resolve());
      };
      r.on("progress", check);
    });
  return { events, errors, progress, started, ended, reached };
}

/** Everything a test started, stopped in afterEach even when the test failed. */
class Cleanup {
  private procs: FfmpegProcess[] = [];
  private reps: Republisher[] = [];
  add<T extends FfmpegProcess | Republisher>(x: T): T {
    if (x instanceof Republisher) this.reps.push(x);
    else this.procs.push(x);
    return x;
  }
  async run(): Promise<void> {
    for (const r of this.reps) r.close();
    for (const p of this.procs) p.close();
    await Promise.all([...this.reps.map((r) => r.whenClosed()), ...this.procs.map((p) => p.whenExited())]);
  }
}

describe("media/Republisher with real ffmpeg (H.264 + PCMU RTP in, RTMP out)", function () {
  let dir: TempDir;
  let cleanup: Cleanup;
  beforeEach(() => {
    dir = new TempDir();
    cleanup = new Cleanup();
  });
  afterEach(async () => {
    await cleanup.run();
    dir.dispose();
  });

  function options(outputUrl: string, logger: CaptureLogger, extra: Partial<RepublisherOptions> = {}): RepublisherOptions {
    return { ffmpegPath: FFMPEG, outputUrl, hasAudio: true, hasVideo: true, describeInput: describeH264Pcmu, logger, portRange: RANGE, ...extra };
  }

  it("this ffmpeg can bind its input to 127.0.0.1 (-localaddr); a fake one cannot", async () => {
    assert.equal(await ffmpegSupportsSdpLocalAddr(FFMPEG), true);
    assert.equal(await ffmpegSupportsSdpLocalAddr(dir.script("ff", "echo nothing")), false);
  });

  it("publishes h264 + aac to an RTMP server, ends on RTCP BYE within close()'s grace", async () => {
    const key = `sipcastKey${Date.now()}`;
    const url = `rtmp://127.0.0.1:${await freeTcpPort()}/live/${key}`;
    const flv = dir.file("out.flv");
    const recorder = cleanup.add(await startRtmpRecorder(FFMPEG, url, flv));
    const logger = new CaptureLogger();
    const rep = cleanup.add(new Republisher(options(url, logger, { closeGraceMs: 3000 })));
    const w = watch(rep);

    const ports = await rep.start();
    assert.equal(rep.state, "ready");
    assert.ok(ports.video! >= RANGE.min && ports.audio! <= RANGE.max);
    const info = rep.toJSON();
    assert.equal(statSync(info.sdpPath!).mode & 0o777, 0o600);
    // ffmpeg listens on loopback only (-localaddr): 127.0.0.1 in /proc/net/udp is 0100007F.
    const bound = await readBoundUdpPorts();
    for (const p of [ports.video!, ports.video! + 1, ports.audio!, ports.audio! + 1]) assert.ok(bound!.has(p));

    const source = cleanup.add(startRtpSource(FFMPEG, ports, dir.file("source.sdp")));
    await w.started;
    assert.equal(rep.state, "started");
    await w.reached(3000);

    const byeAt = Date.now();
    await sendRtcpBye(ports); // what the call's forwarder sends when the call ends
    rep.close();
    await rep.whenClosed();
    const byeToClosedMs = Date.now() - byeAt;
    const end = rep.toJSON();
    assert.deepEqual(end.exit, { code: 0, signal: null }); // ended by the BYE, not by SIGTERM
    assert.deepEqual(w.events, ["ready", "started", "closed"]);
    assert.equal(processGone(info.pid!), true);
    assert.equal(existsSync(info.sdpPath!), false);

    source.close();
    await recorder.whenExited(); // the one-shot server ends when the publisher leaves
    const out = await probe(flv);
    const video = out.streams.find((s) => s.codec_type === "video");
    const audio = out.streams.find((s) => s.codec_type === "audio");
    assert.deepEqual([video?.codec_name, video?.width, video?.height], ["h264", 320, 240]);
    assert.deepEqual([audio?.codec_name, audio?.sample_rate, audio?.channels], ["aac", "44100", 2]);
    assert.ok(out.duration >= 2.5, `duration ${out.duration}`);
    assert.ok(!logger.text().includes(key), "stream key leaked into the logs");
    console.log(`      ffmpeg timings: spawn→ports bound ${end.spawnToBoundMs} ms, spawn→started ${end.spawnToStartedMs} ms, BYE→closed ${byeToClosedMs} ms`);
  });

  it("close() without a BYE stops ffmpeg by SIGTERM after the grace; the FLV is still valid", async () => {
    const key = `sipcastKey${Date.now()}`;
    const url = `rtmp://127.0.0.1:${await freeTcpPort()}/live/${key}`;
    const flv = dir.file("out.flv");
    const recorder = cleanup.add(await startRtmpRecorder(FFMPEG, url, flv));
    const rep = cleanup.add(new Republisher(options(url, new CaptureLogger(), { closeGraceMs: 100 })));
    const w = watch(rep);
    const ports = await rep.start();
    cleanup.add(startRtpSource(FFMPEG, ports, dir.file("source.sdp")));
    await w.reached(2000);
    const pid = rep.toJSON().pid!;
    rep.close();
    rep.close(); // idempotent
    assert.equal(rep.state, "closing");
    await rep.whenClosed();
    assert.equal(rep.state, "closed");
    assert.deepEqual(w.events, ["ready", "started", "closed"]);
    const exit = rep.toJSON().exit!;
    assert.deepEqual(exit, { code: 255, signal: null }); // ffmpeg catches SIGTERM, finishes the output, exits 255
    assert.equal(processGone(pid), true);
    await recorder.whenExited();
    const out = await probe(flv);
    assert.deepEqual(out.streams.map((s) => s.codec_name).filter((c) => c === "h264" || c === "aac").sort(), ["aac", "h264"]);
  });

  it("a refused RTMP connection → failure FAILED_BY_RTMP_WRITER_ERROR without the stream key, then closed", async () => {
    const key = `sipcastKey${Date.now()}`;
    const url = `rtmp://127.0.0.1:${await freeTcpPort()}/live/${key}`; // nobody listens there
    const logger = new CaptureLogger();
    const rep = cleanup.add(new Republisher(options(url, logger)));
    const w = watch(rep);
    const ports = await rep.start();
    const sdpPath = rep.toJSON().sdpPath!;
    const pid = rep.toJSON().pid!;
    cleanup.add(startRtpSource(FFMPEG, ports, dir.file("source.sdp")));
    const err = await w.ended;
    await rep.whenClosed();
    assert.deepEqual(w.events, ["ready", "failure", "closed"]);
    assert.equal(err.reason, "FAILED_BY_RTMP_WRITER_ERROR");
    assert.match(err.detail, /Connection refused/);
    assert.ok(!err.detail.includes(key) && !err.message.includes(key), err.detail);
    assert.ok(err.detail.includes("/live/***"), err.detail);
    assert.ok(!logger.text().includes(key), "stream key leaked into the logs");
    assert.equal(processGone(pid), true);
    assert.equal(existsSync(sdpPath), false);
  });

  it("the RTMP server vanishing mid-stream → died FAILED_BY_RTMP_WRITER_ERROR", async () => {
    const url = `rtmp://127.0.0.1:${await freeTcpPort()}/live/k${Date.now()}`;
    const recorder = cleanup.add(await startRtmpRecorder(FFMPEG, url, dir.file("out.flv")));
    const rep = cleanup.add(new Republisher(options(url, new CaptureLogger())));
    const w = watch(rep);
    const ports = await rep.start();
    cleanup.add(startRtpSource(FFMPEG, ports, dir.file("source.sdp")));
    await w.reached(1000);
    process.kill(recorder.pid!, "SIGKILL");
    const err = await w.ended;
    await rep.whenClosed();
    assert.deepEqual(w.events, ["ready", "started", "died", "closed"]);
    assert.equal(err.reason, "FAILED_BY_RTMP_WRITER_ERROR");
    assert.match(err.detail, /Broken pipe|Connection reset/);
  });
});

describe("media/Republisher lifecycle (fake ffmpeg scripts)", () => {
  let dir: TempDir;
  beforeEach(() => (dir = new TempDir()));
  afterEach(() => dir.dispose());

  const base = (ffmpegPath: string, logger = new CaptureLogger()): RepublisherOptions => ({
    ffmpegPath,
    outputUrl: "rtmp://127.0.0.1:1/live/fakeKey123",
    hasAudio: true,
    hasVideo: false,
    describeInput: describeH264Pcmu,
    logger,
    portRange: RANGE,
    closeGraceMs: 0,
    loopbackInput: false, // a fake binary cannot answer the -localaddr probe
  });

  it("ffmpeg failing at once → start() rejects with the failure, file removed, closed", async () => {
    const rep = new Republisher(base(dir.script("ff", `echo "Unknown encoder 'aac'" >&2\nexit 1`)));
    const w = watch(rep);
    await assert.rejects(rep.start(), (e: unknown) => {
      assert.equal((e as MediaError).reason, "FAILED_BY_FFMPEG_ERROR");
      assert.equal((e as MediaError).detail, "Unknown encoder 'aac'");
      return true;
    });
    await rep.whenClosed();
    assert.deepEqual(w.events, ["failure", "closed"]);
    assert.equal(existsSync(rep.toJSON().sdpPath!), false);
  });

  it("ffmpeg that never binds its ports → failure FAILED_BY_FFMPEG_START after bindTimeoutMs, process gone", async () => {
    const logger = new CaptureLogger();
    const rep = new Republisher({ ...base(dir.script("ff", "exec sleep 30"), logger), bindTimeoutMs: 150 });
    const w = watch(rep);
    await assert.rejects(rep.start(), /FAILED_BY_FFMPEG_START: ffmpeg did not bind its RTP ports within 150 ms/);
    await rep.whenClosed();
    assert.deepEqual(w.events, ["failure", "closed"]);
    assert.equal(processGone(rep.toJSON().pid!), true);
  });

  it("close() while waiting for the ports → start() rejects InvalidStateError, no process left", async () => {
    const logger = new CaptureLogger();
    const rep = new Republisher({ ...base(dir.script("ff", "exec sleep 30"), logger), bindTimeoutMs: 20_000 });
    const w = watch(rep);
    const starting = rep.start();
    await logger.waitFor(/spawn /);
    const pid = rep.toJSON().pid!;
    rep.close();
    await assert.rejects(starting, InvalidStateError);
    await rep.whenClosed();
    assert.deepEqual(w.events, ["closed"]);
    assert.equal(processGone(pid), true);
    assert.equal(existsSync(rep.toJSON().sdpPath!), false);
  });

  it("close() before anything ran, and start() twice", async () => {
    const rep = new Republisher(base(dir.script("ff", "exit 0")));
    const w = watch(rep);
    const starting = rep.start();
    rep.close();
    await assert.rejects(starting, InvalidStateError);
    await rep.whenClosed();
    assert.deepEqual(w.events, ["closed"]);
    assert.equal(rep.toJSON().pid, undefined);
    await assert.rejects(rep.start(), InvalidStateError);
  });

  it("describeInput throwing rejects start() and closes", async () => {
    const rep = new Republisher({ ...base(dir.script("ff", "exit 0")), describeInput: () => { throw new Error("no codec"); } });
    await assert.rejects(rep.start(), /no codec/);
    await rep.whenClosed();
    assert.equal(rep.state, "closed");
  });
});
