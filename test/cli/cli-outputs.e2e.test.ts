import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ffprobe, requirePeers, runCli, startBaresip, startRefusingRtmpServer, startRtmpServer, type Baresip, type RtmpServer } from "../harness";
import { processesWithArgument } from "../harness/proc-args";

interface StateLine {
  status: string;
  reason: string;
}

function states(lines: string[]): StateLine[] {
  return lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as StateLine);
}

/** `publish <id> <status> …` lines the CLI writes to stderr. */
function publishLines(stderr: string, id: string): string[] {
  return stderr
    .split("\n")
    .filter((l) => l.startsWith(`publish ${id} `))
    .map((l) => l.split(" ")[2]);
}

function uniqueStream(tag: string): string {
  return `${tag}-${process.pid}-${Date.now().toString(36)}`;
}

describe("sipcast call --record / --rtmp-retries (direct to baresip)", function () {
  this.timeout(120_000);
  let baresip: Baresip;
  let rtmp: RtmpServer;
  let dir: string;
  /** Calls baresip without a registrar. */
  const callArgs = (extra: string[]): string[] => [
    "call", "--sip-login", "alice", "--sip-domain", "127.0.0.1", "--sip-port", String(baresip.sipPort), "--sip-register-required", "false",
    "--sip-local-address", "127.0.0.1", "--callee", "uas", "--json", ...extra,
  ];

  before(async function () {
    requirePeers(["baresip", "ffmpeg", "ffprobe", "sox"]);
    baresip = await startBaresip();
    rtmp = await startRtmpServer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sipcast-cli-outputs-"));
  });

  after(async () => {
    await rtmp?.stop();
    await baresip?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("publishes to RTMP and records to MP4 at the same time", async () => {
    const stream = uniqueStream("cli-rec");
    const file = path.join(dir, "call.mp4");
    const run = await runCli(callArgs(["--rtmp-url", rtmp.url, "--rtmp-stream", stream, "--record", file, "--duration", "5"]), {}, 60_000);
    assert.equal(run.code, 0, run.stderr.slice(-2000));
    assert.deepEqual(publishLines(run.stderr, "rtmp"), ["PUBLISHING", "STOPPED"]);
    assert.deepEqual(publishLines(run.stderr, "record"), ["PUBLISHING", "STOPPED"]);
    await rtmp.waitForUnpublish(stream, 10_000);
    for (const f of [rtmp.recordedFile(stream)!, file]) {
      const probe = await ffprobe(f);
      const codecs = probe.streams.map((s) => s.codec_name);
      assert.ok(codecs.includes("h264") && codecs.includes("aac"), `${f}: ${codecs.join(",")}`);
      assert.ok(Math.abs(probe.durationSec - 5) <= 1.2, `${f}: ${probe.durationSec} s`);
    }
  });

  it("--rtmp-retries 1: one reconnect, then FAILED; the call ends when its only output is gone", async () => {
    const refusing = await startRefusingRtmpServer();
    const stream = uniqueStream("cli-retry");
    try {
      const run = await runCli(callArgs(["--rtmp-url", refusing.url, "--rtmp-stream", stream, "--rtmp-retries", "1", "--duration", "30"]), {}, 60_000);
      assert.equal(run.code, 1);
      assert.deepEqual(publishLines(run.stderr, "rtmp"), ["RECONNECTING", "FAILED"]);
      const seen = states(run.lines);
      assert.equal(seen[seen.length - 1].status, "FAILED");
      assert.equal(seen[seen.length - 1].reason, "FAILED_BY_RTMP_WRITER_ERROR");
      assert.ok(!run.stderr.includes(stream), "stream key hidden");
      assert.deepEqual(await processesWithArgument(stream), []);
    } finally {
      await refusing.stop();
    }
  });

  it("a failing RTMP target does not end the call while the recording goes on", async () => {
    const refusing = await startRefusingRtmpServer();
    const file = path.join(dir, "kept.mkv");
    try {
      const run = await runCli(callArgs(["--rtmp-url", refusing.url, "--rtmp-stream", uniqueStream("cli-keep"), "--rtmp-retries", "0", "--record", file, "--duration", "4"]), {}, 60_000);
      assert.equal(run.code, 0, run.stderr.slice(-2000));
      assert.deepEqual(publishLines(run.stderr, "rtmp"), ["FAILED"]);
      assert.deepEqual(publishLines(run.stderr, "record"), ["PUBLISHING", "STOPPED"]);
      const probe = await ffprobe(file);
      assert.ok(probe.streams.some((s) => s.codec_name === "h264"), "the Matroska recording has the video");
    } finally {
      await refusing.stop();
    }
  });
});
