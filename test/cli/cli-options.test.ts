import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseCli } from "../../src/cli/cli-options";
import { HELP } from "../../src/cli/help";

const BASE = ["call", "--sip-login", "alice", "--sip-domain", "127.0.0.1", "--sip-port", "25060", "--callee", "uas"];

describe("CLI options", () => {
  it("maps the documented flags to account and call options, password from SIP_PASSWORD", () => {
    const c = parseCli([...BASE, "--sip-authentication-name", "alice-auth", "--rtmp-url", "rtmp://127.0.0.1:19350/live", "--rtmp-stream", "call1", "--has-video", "false", "--duration", "12", "--json", "--sip-transport", "TCP", "--sip-register-required", "false"], { SIP_PASSWORD: "alicepw" });
    assert.equal(c.kind, "call");
    if (c.kind !== "call") return;
    assert.deepEqual(c.options.account, {
      login: "alice",
      authenticationName: "alice-auth",
      password: "alicepw",
      domain: "127.0.0.1",
      port: 25060,
      outboundProxy: undefined,
      transport: "tcp",
      registerRequired: false,
      registerExpires: undefined,
      tlsRejectUnauthorized: true,
    });
    assert.equal(c.options.call.hasVideo, false);
    assert.equal(c.options.call.hasAudio, true);
    assert.equal(c.options.call.rtmpStream, "call1");
    assert.equal(c.options.durationSec, 12);
    assert.equal(c.options.json, true);
  });

  it("maps --sip-auth-host (repeated and comma-separated) to the account's authHosts", () => {
    const c = parseCli([...BASE, "--sip-auth-host", "media.example:5070, edge.example", "--sip-auth-host", "10.0.0.9"], {});
    assert.equal(c.kind, "call");
    if (c.kind !== "call") return;
    assert.deepEqual(c.options.account.authHosts, ["media.example:5070", "edge.example", "10.0.0.9"]);
  });

  it("maps --dns-server (repeated and comma-separated) to the engine's dnsServers; absent: none", () => {
    const c = parseCli([...BASE, "--dns-server", "127.0.0.1:5353, 192.0.2.53", "--dns-server", "[::1]:53"], {});
    assert.ok(c.kind === "call");
    assert.deepEqual(c.options.dnsServers, ["127.0.0.1:5353", "192.0.2.53", "[::1]:53"]);
    const plain = parseCli(BASE, {});
    assert.ok(plain.kind === "call");
    assert.equal(plain.options.dnsServers, undefined);
  });

  it("maps --srtp and --srtp-over-insecure-transport, and names --srtp for a bad mode", () => {
    const c = parseCli([...BASE, "--sip-transport", "tls", "--srtp", "Required"], {});
    assert.ok(c.kind === "call");
    assert.equal(c.options.account.srtp, "required");
    assert.equal(c.options.account.srtpOverInsecureTransport, undefined);
    const insecure = parseCli([...BASE, "--srtp", "offered", "--srtp-over-insecure-transport"], {});
    assert.ok(insecure.kind === "call");
    assert.deepEqual([insecure.options.account.srtp, insecure.options.account.srtpOverInsecureTransport], ["offered", true]);
    assert.throws(() => parseCli([...BASE, "--srtp", "maybe"], {}), /--srtp: expected one of off, offered, required/);
    assert.match(HELP, /--srtp off\|offered\|required/);
    assert.match(HELP, /--srtp-over-insecure-transport/);
  });

  it("prefers --sip-password over the environment", () => {
    const c = parseCli([...BASE, "--sip-password", "flag"], { SIP_PASSWORD: "env" });
    assert.equal(c.kind === "call" && c.options.account.password, "flag");
  });

  it("rejects bad values naming the flag", () => {
    assert.throws(() => parseCli([...BASE, "--has-audio", "maybe"], {}), /--has-audio/);
    assert.throws(() => parseCli([...BASE, "--sip-transport", "ws"], {}), /--sip-transport/);
    assert.throws(() => parseCli(["call", "--sip-domain", "x", "--callee", "y"], {}), /^ConfigError: missing required flag --sip-login \(see sipcast --help\)$/);
    assert.throws(() => parseCli([...BASE, "--rtp-port-range", "10000"], {}), /--rtp-port-range/);
    assert.throws(() => parseCli([...BASE, "--rtp-source-check", "any"], {}), /--rtp-source-check: expected signalled or learn/);
    assert.throws(() => parseCli([...BASE, "--bogus"], {}), /^ConfigError: unknown flag --bogus \(see sipcast --help\)$/);
  });

  it("maps --rtp-source-check (absent: the engine's default, signalled)", () => {
    const learn = parseCli([...BASE, "--rtp-source-check", "learn"], {});
    assert.equal(learn.kind === "call" && learn.options.rtpSourceCheck, "learn");
    const signalled = parseCli([...BASE, "--rtp-source-check", "signalled"], {});
    assert.equal(signalled.kind === "call" && signalled.options.rtpSourceCheck, "signalled");
    const absent = parseCli(BASE, {});
    assert.equal(absent.kind === "call" && absent.options.rtpSourceCheck, undefined);
  });

  it("maps --dtmf, --dtmf-type, --dtmf-delay-ms and --rtp-timeout", () => {
    const c = parseCli([...BASE, "--dtmf", "1,23#", "--dtmf-type", "info", "--dtmf-delay-ms", "1500", "--rtp-timeout", "2.5"], {});
    assert.equal(c.kind, "call");
    if (c.kind !== "call") return;
    assert.deepEqual(c.options.dtmf, { digits: "1,23#", type: "INFO", delayMs: 1500 });
    assert.equal(c.options.call.rtpTimeoutMs, 2500);
    const d = parseCli([...BASE, "--dtmf", "*9"], {});
    assert.deepEqual(d.kind === "call" && d.options.dtmf, { digits: "*9", type: "RFC2833", delayMs: 0 });
    assert.equal(d.kind === "call" && d.options.call.rtpTimeoutMs, undefined);
    const off = parseCli([...BASE, "--rtp-timeout", "0"], {});
    assert.equal(off.kind === "call" && off.options.call.rtpTimeoutMs, 0);
    assert.throws(() => parseCli([...BASE, "--dtmf", "12x"], {}), /--dtmf: invalid character "x" at position 3/);
    assert.throws(() => parseCli([...BASE, "--dtmf", ""], {}), /--dtmf: no digits/);
    assert.throws(() => parseCli([...BASE, "--dtmf", "1", "--dtmf-type", "SIP"], {}), /--dtmf-type/);
    assert.throws(() => parseCli([...BASE, "--dtmf-type", "INFO"], {}), /--dtmf-type needs --dtmf/);
    assert.throws(() => parseCli([...BASE, "--dtmf-delay-ms", "5"], {}), /--dtmf-delay-ms needs --dtmf/);
    assert.throws(() => parseCli([...BASE, "--dtmf", "1", "--dtmf-delay-ms", "-1"], {}), /--dtmf-delay-ms/);
    assert.throws(() => parseCli([...BASE, "--rtp-timeout", "x"], {}), /--rtp-timeout/);
  });

  it("maps --jitter-buffer-ms, --play-audio and --play-audio-loop, and checks them before dialling", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sipcast-cli-"));
    try {
      const file = path.join(dir, "hello.wav");
      fs.writeFileSync(file, "RIFF");
      const c = parseCli([...BASE, "--jitter-buffer-ms", "120", "--play-audio", file, "--play-audio-loop", "true"], {});
      assert.equal(c.kind, "call");
      if (c.kind !== "call") return;
      assert.equal(c.options.call.jitterBufferMs, 120);
      assert.equal(c.options.call.playAudio, file);
      assert.equal(c.options.call.playAudioLoop, true);
      const once = parseCli([...BASE, "--play-audio", file, "--jitter-buffer-ms", "0"], {});
      assert.equal(once.kind === "call" && once.options.call.playAudioLoop, false);
      assert.equal(once.kind === "call" && once.options.call.jitterBufferMs, 0);
      const none = parseCli(BASE, {});
      assert.ok(none.kind === "call" && !("jitterBufferMs" in none.options.call) && !("playAudio" in none.options.call) && !("playAudioLoop" in none.options.call));
      assert.throws(() => parseCli([...BASE, "--jitter-buffer-ms", "1001"], {}), /--jitter-buffer-ms: expected a number from 0 to 1000, got "1001"/);
      assert.throws(() => parseCli([...BASE, "--jitter-buffer-ms", "-5"], {}), /--jitter-buffer-ms/);
      assert.throws(() => parseCli([...BASE, "--play-audio", path.join(dir, "nope.wav")], {}), /--play-audio: no such file: .*nope\.wav/);
      assert.throws(() => parseCli([...BASE, "--play-audio", dir], {}), /--play-audio: not a regular file/);
      assert.throws(() => parseCli([...BASE, "--play-audio", ""], {}), /--play-audio: expected the path of an audio file/);
      assert.throws(() => parseCli([...BASE, "--play-audio", file, "--play-audio-loop", "often"], {}), /--play-audio-loop: expected true or false/);
      assert.throws(() => parseCli([...BASE, "--play-audio-loop", "true"], {}), /--play-audio-loop needs --play-audio/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("limits: --max-calls, --max-outputs-per-call, --call-starts-per-second (whole numbers, within their maxima)", () => {
    const c = parseCli([...BASE, "--max-calls", "3", "--max-outputs-per-call", "2", "--call-starts-per-second", "5"], {});
    assert.ok(c.kind === "call");
    assert.deepEqual(c.kind === "call" && c.options.limits, { maxCalls: 3, maxOutputsPerCall: 2, callStartsPerSecond: 5 });
    const one = parseCli([...BASE, "--max-outputs-per-call", "1"], {});
    assert.deepEqual(one.kind === "call" && one.options.limits, { maxOutputsPerCall: 1 }, "flags not given are left to the engine's defaults");
    const none = parseCli(BASE, {});
    assert.ok(none.kind === "call" && !("limits" in none.options));
    assert.throws(() => parseCli([...BASE, "--max-calls", "0"], {}), /^ConfigError: --max-calls: expected a number from 1 to 10000, got "0"$/);
    assert.throws(() => parseCli([...BASE, "--max-calls", "10001"], {}), /--max-calls: expected a number from 1 to 10000/);
    assert.throws(() => parseCli([...BASE, "--max-outputs-per-call", "65"], {}), /--max-outputs-per-call: expected a number from 1 to 64/);
    assert.throws(() => parseCli([...BASE, "--call-starts-per-second", "2.5"], {}), /--call-starts-per-second: expected a whole number from 1 to 1000/);
    assert.throws(() => parseCli([...BASE, "--call-starts-per-second", "fast"], {}), /--call-starts-per-second/);
  });

  it("--dtmf: at most 64 keys, pauses included", () => {
    assert.ok(parseCli([...BASE, "--dtmf", "1,".repeat(32)], {}).kind === "call");
    assert.throws(() => parseCli([...BASE, "--dtmf", "1".repeat(65)], {}), /^ConfigError: --dtmf: 65 keys, at most 64/);
  });

  it("--dtmf: a plan with {prompt} {reply} {joined} waits is accepted; a bad wait is a usage error naming it", () => {
    const c = parseCli([...BASE, "--dtmf", "{prompt}311705123#{prompt:15}4321#{joined:60:retry=1}"], {});
    assert.ok(c.kind === "call" && c.options.dtmf?.digits === "{prompt}311705123#{prompt:15}4321#{joined:60:retry=1}");
    assert.throws(() => parseCli([...BASE, "--dtmf", "{promt}1#"], {}), /^ConfigError: --dtmf: \{promt\}: unknown wait/);
    assert.match(HELP, /\{prompt\}/);
  });

  it("documents every flag it accepts in --help", () => {
    assert.equal(parseCli(["--help"], {}).kind, "help");
    const flags = ["sip-login", "sip-authentication-name", "sip-password", "sip-domain", "sip-port", "sip-outbound-proxy", "sip-transport", "sip-register-required", "sip-register-expires", "sip-public-address", "sip-local-address", "sip-request-timeout", "tls-allow-self-signed", "callee", "call-id", "has-audio", "has-video", "duration", "rtmp-url", "rtmp-stream", "ffmpeg", "rtp-port-range", "rtp-source-check", "json", "verbose", "dtmf", "dtmf-type", "dtmf-delay-ms", "rtp-timeout", "jitter-buffer-ms", "play-audio", "play-audio-loop", "max-calls", "max-outputs-per-call", "call-starts-per-second"];
    for (const f of flags) assert.ok(HELP.includes(`--${f}`), `--${f} missing from help`);
  });
});
