import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import {
  dominantFrequencyHz,
  ffprobe,
  requirePeers,
  runCli,
  startBaresip,
  startKamailio,
  startRefusingRtmpServer,
  startRtmpServer,
  type Baresip,
  type Kamailio,
  type RtmpServer,
} from "../harness";
import { processesWithArgument } from "../harness/proc-args";
import { startSilentSipServer } from "../harness/silent-server";

interface StateLine {
  callId: string;
  status: string;
  sipStatus: number;
  reason: string;
  detail?: string;
}

function states(lines: string[]): StateLine[] {
  return lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as StateLine);
}

function uniqueStream(tag: string): string {
  return `${tag}-${process.pid}-${Date.now().toString(36)}`;
}

/** Flags for calling `uas` as alice through Kamailio, exactly as the README shows them. */
function callArgs(k: Kamailio, extra: string[]): string[] {
  return ["call", "--sip-login", "alice", "--sip-authentication-name", "alice", "--sip-domain", "127.0.0.1", "--sip-port", String(k.udpPort), "--callee", "uas", "--json", ...extra];
}

const ALICE = { SIP_PASSWORD: "alicepw" };

for (const transport of ["udp", "tcp"] as const) {
  describe(`sipcast call through Kamailio to baresip, published to RTMP (SIP over ${transport})`, function () {
    this.timeout(120_000);
    let kamailio: Kamailio;
    let baresip: Baresip;
    let rtmp: RtmpServer;

    before(async function () {
      requirePeers(["kamailio", "baresip", "ffmpeg", "ffprobe"]);
      kamailio = await startKamailio();
      baresip = await startBaresip({ registrar: { port: kamailio.udpPort, user: "uas", password: "uaspw" } });
      rtmp = await startRtmpServer();
    });

    after(async () => {
      await rtmp?.stop();
      await baresip?.stop();
      await kamailio?.stop();
    });

    const portArgs = (): string[] => (transport === "tcp" ? ["--sip-transport", "tcp", "--sip-port", String(kamailio.tcpPort)] : []);

    it("publishes the answered call as H.264 + AAC with the callee's 440 Hz tone, then hangs up with BYE", async function () {
      const stream = uniqueStream(`call-${transport}`);
      const seconds = transport === "udp" ? 12 : 6;
      const started = Date.now();
      const run = await runCli(
        [...callArgs(kamailio, ["--rtmp-url", rtmp.url, "--rtmp-stream", stream, "--duration", String(seconds), "--verbose", ...portArgs()])],
        ALICE,
        90_000,
      );
      const wall = Date.now() - started;
      const seen = states(run.lines);
      assert.equal(run.code, 0, `exit ${run.code}: ${run.stderr.slice(-2000)}`);
      assert.deepEqual(
        seen.map((s) => s.status).filter((s) => s !== "RING" && s !== "SESSION_PROGRESS"),
        ["TRYING", "ESTABLISHED", "FINISH"],
      );
      const finish = seen[seen.length - 1];
      assert.equal(finish.reason, "NORMAL_CALL_CLEARING");
      assert.ok(seen.every((s) => s.callId === seen[0].callId && s.callId.length > 0));
      // The digest exchanges really happened: Kamailio challenged REGISTER with 401 and INVITE with 407.
      assert.match(kamailio.logs(), new RegExp(`AUTH 401 REGISTER alice \\(src ${transport}:`));
      assert.match(kamailio.logs(), new RegExp(`AUTH 407 INVITE alice \\(src ${transport}:`));
      assert.ok(!run.stderr.includes(stream), "the stream key must not appear in logs");
      assert.ok(!run.stderr.includes("alicepw"), "the password must not appear in logs");

      await baresip.waitForEvent((e) => e.type === "CALL_CLOSED", 10_000);
      await rtmp.waitForUnpublish(stream, 10_000);
      const file = rtmp.recordedFile(stream);
      assert.ok(file && fs.existsSync(file), "the RTMP server recorded the stream");
      const probe = await ffprobe(file);
      const codecs = probe.streams.map((s) => s.codec_name);
      assert.ok(codecs.includes("h264"), `codecs: ${codecs.join(",")}`);
      assert.ok(codecs.includes("aac"), `codecs: ${codecs.join(",")}`);
      const video = probe.streams.find((s) => s.codec_name === "h264");
      assert.equal(video?.width, 640);
      assert.equal(video?.height, 360);
      // The stream runs from the first frame (shortly after the answer) to the BYE `seconds` after the answer.
      assert.ok(Math.abs(probe.durationSec - seconds) <= 1, `duration ${probe.durationSec}s, expected ${seconds}±1 s (run took ${wall} ms)`);
      const hz = await dominantFrequencyHz(file, { skipSec: 1 });
      assert.ok(Math.abs(hz - 440) <= 10, `tone at ${hz} Hz`);
      assert.deepEqual(await processesWithArgument(stream), [], "no ffmpeg for this stream is left running");
    });

    it("fails with AUTHENTICATION_FAILED on a wrong password, without a retry storm", async () => {
      const before = kamailio.logs().split("\n").filter((l) => /REQ REGISTER .*alice/.test(l)).length;
      const run = await runCli(callArgs(kamailio, portArgs()), { SIP_PASSWORD: "wrong" }, 30_000);
      const seen = states(run.lines);
      assert.equal(run.code, 1);
      assert.equal(seen.length, 1);
      assert.equal(seen[0].status, "FAILED");
      assert.equal(seen[0].reason, "AUTHENTICATION_FAILED");
      assert.equal(seen[0].sipStatus, 401);
      assert.match(run.stderr, /AUTHENTICATION_FAILED/);
      assert.ok(!run.stderr.includes("wrong"), "the password must not appear in errors");
      await new Promise((r) => setTimeout(r, 500));
      const registers = kamailio.logs().split("\n").filter((l) => /REQ REGISTER .*alice/.test(l)).length - before;
      assert.ok(registers >= 1 && registers <= 2, `${registers} REGISTER requests reached Kamailio`);
    });

    it("fails with sipStatus 404 for an unknown callee", async () => {
      const args = callArgs(kamailio, portArgs()).map((a) => (a === "uas" ? "nobody" : a));
      const run = await runCli(args, ALICE, 30_000);
      const seen = states(run.lines);
      assert.equal(run.code, 1);
      assert.deepEqual(seen.map((s) => s.status), ["TRYING", "FAILED"]);
      assert.equal(seen[1].sipStatus, 404);
      assert.equal(seen[1].reason, "NOT_FOUND");
    });

    it("calls without registering when --sip-register-required false, answering the 407", async () => {
      const count = (re: RegExp): number => kamailio.logs().split("\n").filter((l) => re.test(l)).length;
      const registers = count(/REQ REGISTER .*alice/);
      const challenges = count(/AUTH 407 INVITE alice/);
      const run = await runCli(callArgs(kamailio, ["--sip-register-required", "false", "--duration", "1", ...portArgs()]), ALICE, 30_000);
      assert.equal(run.code, 0, run.stderr.slice(-1500));
      assert.equal(count(/REQ REGISTER .*alice/), registers, "no REGISTER was sent");
      assert.equal(count(/AUTH 407 INVITE alice/), challenges + 1, "the INVITE was challenged once");
      assert.deepEqual(states(run.lines).map((s) => s.status).filter((s) => s !== "RING"), ["TRYING", "ESTABLISHED", "FINISH"]);
    });

    it("reports an RTMP server that refuses and cleans the call up", async () => {
      const refusing = await startRefusingRtmpServer();
      const stream = uniqueStream("refused");
      try {
        const run = await runCli(callArgs(kamailio, ["--rtmp-url", refusing.url, "--rtmp-stream", stream, "--duration", "30", ...portArgs()]), ALICE, 60_000);
        const seen = states(run.lines);
        assert.equal(run.code, 1);
        assert.equal(seen[seen.length - 1].status, "FAILED");
        assert.equal(seen[seen.length - 1].reason, "FAILED_BY_RTMP_WRITER_ERROR");
        assert.ok(seen.some((s) => s.status === "ESTABLISHED"));
        assert.ok(!run.stderr.includes(stream) && !run.stdout.includes(stream), "stream key hidden");
        await baresip.waitForEvent((e) => e.type === "CALL_CLOSED", 10_000);
        assert.deepEqual(await processesWithArgument(stream), []);
      } finally {
        await refusing.stop();
      }
    });
  });
}

describe("sipcast call to a registrar that never answers", function () {
  this.timeout(60_000);
  for (const transport of ["udp", "tcp"] as const) {
    it(`fails with FAILED_BY_REQUEST_TIMEOUT within the configured time over ${transport}`, async () => {
      const silent = await startSilentSipServer(transport);
      try {
        const started = Date.now();
        const run = await runCli(
          ["call", "--sip-login", "alice", "--sip-domain", "127.0.0.1", "--sip-port", String(silent.port), "--sip-transport", transport, "--callee", "uas", "--sip-request-timeout", "3", "--json"],
          ALICE,
          30_000,
        );
        const elapsed = Date.now() - started;
        const seen = states(run.lines);
        assert.equal(run.code, 1);
        assert.equal(seen[seen.length - 1].status, "FAILED");
        assert.equal(seen[seen.length - 1].reason, "FAILED_BY_REQUEST_TIMEOUT");
        assert.ok(elapsed >= 2900 && elapsed < 8000, `took ${elapsed} ms for a 3 s timeout`);
        if (transport === "udp") assert.ok(silent.received() >= 3, `UDP retransmitted: ${silent.received()} datagrams`);
      } finally {
        await silent.stop();
      }
    });
  }
});
