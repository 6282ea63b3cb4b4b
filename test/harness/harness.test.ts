import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { kamailioConfig } from "./kamailio";
import { NetstringReader, netstring } from "./netstring";
import {
  childProcessesNamed,
  dominantFrequencyHz,
  ffprobe,
  findProgram,
  freePorts,
  missingPackages,
  missingPeersMessage,
  repoRoot,
  requirePeers,
  runCommand,
  runDir,
  startBaresip,
  startKamailio,
  startRefusingRtmpServer,
  startRtmpServer,
} from "./index";

/** Set SIPCAST_TEST_TIMINGS=1 to print how long the peers took to start. */
function timing(label: string, since: number): void {
  if (process.env.SIPCAST_TEST_TIMINGS === "1") process.stdout.write(`      [timing] ${label}: ${Date.now() - since} ms\n`);
}

const PEER_PROCESSES = ["kamailio", "baresip", "ffmpeg", "ffprobe", "sox"];

describe("test harness", () => {
  describe("without peers", () => {
    it("names exactly the Debian packages that are missing", () => {
      const has = new Set(["kamailio", "baresip", "ffmpeg", "ffprobe"]);
      const missing = missingPackages(["kamailio", "baresip", "ffmpeg", "ffprobe", "sipp", "sox"], (f) => has.has(f));
      assert.deepEqual(missing, ["baresip-ffmpeg", "sip-tester", "sox"]);
      assert.deepEqual(missingPackages(["ffprobe"], (f) => f !== "ffprobe"), ["ffmpeg"]);
      assert.deepEqual(missingPackages(["baresip"], () => false), ["baresip-core", "baresip-ffmpeg"]);
      assert.deepEqual(missingPackages(["ffmpeg", "ffprobe"], () => true), []);
      assert.match(missingPeersMessage(["sipp"], ["sip-tester"]), /apt-get install -y --no-install-recommends sip-tester/);
    });

    it("splits netstrings that arrive merged or cut anywhere", () => {
      const bytes = Buffer.concat([netstring('{"a":1}'), netstring(""), netstring('{"é":"x"}')]);
      for (let cut = 0; cut <= bytes.length; cut++) {
        const reader = new NetstringReader();
        const got = [...reader.push(bytes.subarray(0, cut)), ...reader.push(bytes.subarray(cut))].map((b) => b.toString("utf8"));
        assert.deepEqual(got, ['{"a":1}', "", '{"é":"x"}']);
      }
      assert.throws(() => new NetstringReader().push(Buffer.from("3:abc;")), /missing ','/);
    });

    it("hands out distinct free ports, consecutive when asked", async () => {
      const run = await freePorts(6, { consecutive: true, udp: true, tcp: true });
      assert.equal(run.length, 6);
      assert.equal(run[0] % 2, 0);
      run.forEach((p, i) => assert.equal(p, run[0] + i));
      const more = await freePorts(20);
      assert.equal(new Set([...run, ...more]).size, 26);
      for (const p of [...run, ...more]) assert.ok(p >= 1024 && p < 32768, `port ${p}`);
    });

    it("makes a fresh directory under <repo>/.run for each call", () => {
      const a = runDir("same name/../x");
      const b = runDir("same name/../x");
      assert.notEqual(a, b);
      for (const d of [a, b]) {
        assert.equal(path.dirname(d), path.join(repoRoot(), ".run"));
        assert.match(path.basename(d), /^same-name-.-x-\w{6}$/);
        assert.deepEqual(fs.readdirSync(d), []);
        fs.rmdirSync(d);
      }
    });

    it("kills a timed-out command together with its children", async () => {
      const t = Date.now();
      const r = await runCommand("bash", ["-c", "sleep 30 & sleep 31; echo never"], { timeoutMs: 300 });
      assert.equal(r.timedOut, true);
      assert.equal(r.code, null);
      assert.equal(r.stdout.length, 0);
      assert.ok(Date.now() - t < 5000);
      assert.deepEqual(await childProcessesNamed(["sleep", "bash"]), []);
    });

    it("fills the Kamailio config and refuses user names that would break it", () => {
      const cfg = kamailioConfig(21000, 21001, { bob: "pw-1" }, "/mods/");
      assert.match(cfg, /^listen=udp:127\.0\.0\.1:21000$/m);
      assert.match(cfg, /^listen=tcp:127\.0\.0\.1:21001$/m);
      assert.match(cfg, /^disable_tcp=no$/m);
      assert.match(cfg, /\$sht\(users=>bob\) = "pw-1";/);
      assert.doesNotMatch(cfg.split("\n").filter((l) => !l.startsWith("#")).join("\n"), /@@/);
      assert.throws(() => kamailioConfig(1, 2, { 'x"; exit; "': "p" }, "/m/"), /user name/);
    });
  });

  describe("with real peers", function () {
    this.timeout(120000);

    before(function () {
      requirePeers(["kamailio", "baresip", "ffmpeg", "ffprobe", "sox"]);
    });

    afterEach(async () => {
      assert.deepEqual(await childProcessesNamed(PEER_PROCESSES), [], "a peer process is still running");
    });

    it("starts Kamailio; baresip registers at it over UDP and TCP after a 401", async () => {
      let t = Date.now();
      const kamailio = await startKamailio();
      timing("kamailio ready", t);
      try {
        t = Date.now();
        const uas = await startBaresip({ registrar: { port: kamailio.udpPort, user: "uas", password: "uaspw" } });
        timing("baresip (video) registered over UDP", t);
        t = Date.now();
        const alice = await startBaresip({ registrar: { port: kamailio.tcpPort, user: "alice", password: "alicepw", transport: "tcp" }, video: false });
        timing("baresip (audio only) registered over TCP", t);
        try {
          await kamailio.waitForLog(/REGISTERED uas \(src udp:/, 2000);
          await kamailio.waitForLog(/REGISTERED alice \(src tcp:/, 2000);
          const log = kamailio.logs();
          assert.match(log, /AUTH 401 REGISTER uas \(src udp:[\s\S]*REGISTERED uas \(src udp:/);
          assert.match(log, /AUTH 401 REGISTER alice \(src tcp:[\s\S]*REGISTERED alice \(src tcp:/);
          assert.equal(uas.uri, `sip:uas@127.0.0.1:${kamailio.udpPort}`);
          const info = await uas.command("reginfo");
          assert.equal(info.ok, true);
          assert.match(info.data, /sip:uas@127\.0\.0\.1:\d+.*OK/);
          assert.ok((await childProcessesNamed(["kamailio"])).length >= 2, "kamailio and its workers");
          assert.equal((await childProcessesNamed(["baresip"])).length, 2);
        } finally {
          await alice.stop();
          await uas.stop();
        }
      } finally {
        await kamailio.stop();
      }
      assert.deepEqual(await childProcessesNamed(["kamailio", "baresip"]), []);
    });

    it("records an RTMP push: h264 + aac, about 4 s, a 440 Hz tone", async () => {
      const t = Date.now();
      const server = await startRtmpServer();
      timing("node-media-server ready", t);
      const stream = `smoke-${process.pid}-${Date.now()}`;
      try {
        assert.match(server.url, /^rtmp:\/\/127\.0\.0\.1:\d+\/live$/);
        const push = await runCommand(
          findProgram("ffmpeg") ?? "ffmpeg",
          [
            "-nostdin", "-v", "error",
            "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25",
            "-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
            "-t", "4", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "50",
            "-c:a", "aac", "-f", "flv", `${server.url}/${stream}`,
          ],
          { timeoutMs: 30000 },
        );
        assert.equal(push.code, 0, push.stderr);
        await server.waitForPublish(stream, 1000);
        await server.waitForUnpublish(stream, 5000);
        const publishedAt = server.firstPublishAt(stream);
        assert.ok(publishedAt !== undefined && publishedAt >= t && publishedAt <= Date.now());
        const file = server.recordedFile(stream);
        assert.ok(file !== undefined && file.startsWith(server.recordDir), `no recording in ${server.recordDir}`);
        await server.stop(); // closes the FLV
        const probe = await ffprobe(file);
        const video = probe.streams.find((s) => s.codec_type === "video");
        const audio = probe.streams.find((s) => s.codec_type === "audio");
        assert.equal(video?.codec_name, "h264");
        assert.equal(video?.width, 640);
        assert.equal(video?.height, 360);
        assert.equal(audio?.codec_name, "aac");
        assert.equal(audio?.sample_rate, 44100);
        assert.ok(probe.durationSec >= 3 && probe.durationSec <= 5, `duration ${probe.durationSec}`);
        const hz = await dominantFrequencyHz(file, { skipSec: 0.5, seconds: 3 });
        assert.ok(Math.abs(hz - 440) <= 10, `dominant frequency ${hz} Hz`);
      } finally {
        await server.stop();
      }
    });

    it("refusing RTMP server: an ffmpeg push to it exits non-zero", async () => {
      const refusing = await startRefusingRtmpServer();
      try {
        const push = await runCommand(
          findProgram("ffmpeg") ?? "ffmpeg",
          ["-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-t", "2", "-c:v", "libx264", "-preset", "ultrafast", "-f", "flv", refusing.url],
          { timeoutMs: 20000 },
        );
        assert.equal(push.timedOut, false);
        assert.notEqual(push.code, 0);
        assert.notEqual(push.code, null);
      } finally {
        await refusing.stop();
      }
    });

    it("finds the tone of generated 440 Hz and 1000 Hz files", async () => {
      const dir = runDir("tones");
      for (const [freq, ext, codec] of [
        [440, "m4a", "aac"],
        [1000, "wav", "pcm_s16le"],
      ] as const) {
        const file = path.join(dir, `tone${freq}.${ext}`);
        const made = await runCommand(findProgram("ffmpeg") ?? "ffmpeg", ["-nostdin", "-v", "error", "-f", "lavfi", "-i", `sine=frequency=${freq}:sample_rate=48000`, "-t", "3", "-c:a", codec, file]);
        assert.equal(made.code, 0, made.stderr);
        const hz = await dominantFrequencyHz(file, { skipSec: 0.2, seconds: 2 });
        assert.ok(Math.abs(hz - freq) <= 2, `${freq} Hz file measured as ${hz} Hz`);
      }
    });

    it("baresip alone answers on its own sipPort and stops cleanly", async () => {
      const uas = await startBaresip({});
      try {
        assert.equal(uas.uri, `sip:uas@127.0.0.1:${uas.sipPort}`);
        assert.ok(uas.rtpPorts[1] - uas.rtpPorts[0] === 9);
        const accounts = await uas.command("reginfo");
        assert.equal(accounts.ok, true);
        assert.match(accounts.data, new RegExp(`sip:uas@127\\.0\\.0\\.1:${uas.sipPort}`));
        assert.deepEqual(uas.dtmfDigits(), []);
      } finally {
        await uas.stop();
      }
      assert.deepEqual(await childProcessesNamed(["baresip"]), []);
    });
  });

  describe(".ci/run summary", () => {
    const script = (): string => path.join(repoRoot(), ".ci", "run");
    const summarize = (output: string): Promise<{ code: number; stdout: string }> => {
      const file = path.join(runDir("ci-summary"), "out.txt");
      fs.writeFileSync(file, output);
      return new Promise((resolve) => {
        execFile("bash", [script(), "--summary-of", file], (err, stdout) => resolve({ code: err === null ? 0 : Number(err.code), stdout }));
      });
    };

    it("counts mocha's passing, failing and pending lines", async () => {
      const sample = [
        "> mocha",
        "  harness",
        "    ✔ one",
        "    1) two",
        "",
        "\u001b[92m \u001b[0m\u001b[32m 12 passing\u001b[0m\u001b[90m (3s)\u001b[0m",
        "\u001b[36m  2 pending\u001b[0m",
        "\u001b[31m  1 failing\u001b[0m",
        "",
        "  1) harness two: AssertionError: 3 passing (2s) is just text here",
        "",
      ].join("\n");
      const r = await summarize(sample);
      assert.equal(r.code, 0);
      assert.equal(r.stdout.trimEnd().split("\n").pop(), "12 passed, 1 failed, 2 skipped");
    });

    it("prints zero counts when mocha printed no summary", async () => {
      const r = await summarize("npm ERR! tsc failed\n");
      assert.equal(r.stdout.trimEnd().split("\n").pop(), "0 passed, 0 failed");
      const ok = await summarize("  7 passing (1s)\n");
      assert.equal(ok.stdout.trimEnd().split("\n").pop(), "7 passed, 0 failed");
    });
  });
});
