import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { dominantFrequencyHz, requirePeers, runCli, runCommand, startBaresip, type Baresip } from "../harness";
import { programPath } from "../harness/require-peers";

describe("sipcast call --play-audio to baresip", function () {
  this.timeout(90_000);
  let baresip: Baresip;
  let tmp: string;
  let heard: string;
  let tone: string;

  before(async () => {
    requirePeers(["baresip", "ffmpeg", "sox"]);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sipcast-cli-audio-"));
    heard = path.join(tmp, "heard");
    fs.mkdirSync(heard);
    tone = path.join(tmp, "tone700.mp3"); // not a WAV: anything ffmpeg reads
    const r = await runCommand(programPath("ffmpeg"), ["-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=700:duration=0.5", tone]);
    assert.equal(r.code, 0, r.stderr);
    baresip = await startBaresip({ video: false, recordDir: heard });
  });

  after(async () => {
    await baresip?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const args = (extra: string[]): string[] => ["call", "--sip-login", "alice", "--sip-domain", "127.0.0.1", "--sip-port", String(baresip.sipPort), "--sip-register-required", "false", "--callee", "uas", "--has-video", "false", ...extra];

  it("loops the file into the answered call with --play-audio-loop true, --jitter-buffer-ms accepted", async () => {
    const run = await runCli(args(["--play-audio", tone, "--play-audio-loop", "true", "--jitter-buffer-ms", "100", "--duration", "3"]), {}, 60_000);
    assert.equal(run.code, 0, `exit ${run.code}: ${run.stderr.slice(-1500)}`);
    let wav = "";
    const end = Date.now() + 5000;
    while (Date.now() < end) {
      const f = fs.readdirSync(heard).find((n) => n.endsWith("-dec.wav"));
      if (f) {
        wav = path.join(heard, f);
        const buf = fs.readFileSync(wav);
        if (buf.length > 44 && buf.readUInt32LE(4) === buf.length - 8) break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    // 1.2–2.7 s: well past the 0.5 s file, so only the loop can be playing.
    const hz = await dominantFrequencyHz(wav, { skipSec: 1.2, seconds: 1.5 });
    assert.ok(Math.abs(hz - 700) < 5, `baresip heard ${hz} Hz`);
  });

  it("refuses a missing file before dialling (usage error, exit 2)", async () => {
    const run = await runCli(args(["--play-audio", path.join(tmp, "nope.wav")]), {}, 20_000);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--play-audio: no such file: .*nope\.wav/);
    assert.equal(run.stdout, "", "no call was placed");
  });
});
