import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PassThrough } from "node:stream";
import { Engine } from "../../src/call/engine";
import { parseCli } from "../../src/cli/cli-options";
import { ENGINE_FIELD_FLAGS, inFlagWords } from "../../src/cli/engine-field-flags";
import { HELP } from "../../src/cli/help";
import { runCall } from "../../src/cli/run-call";
import { ConfigError } from "../../src/errors";
import { runCli } from "../harness";
import { repoRoot } from "../harness/paths";

const BASE = ["call", "--sip-login", "alice", "--sip-domain", "127.0.0.1", "--sip-port", "25060", "--callee", "uas"];

/** What runCall (the engine behind the CLI) says about a command line: the ConfigError's message. */
async function engineRefusal(argv: string[]): Promise<string> {
  const command = parseCli(argv, {});
  assert.equal(command.kind, "call");
  if (command.kind !== "call") return "";
  const sink = new PassThrough();
  try {
    await runCall(command.options, sink, sink);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `a ConfigError, got ${String(error)}`);
    return error.message;
  }
  assert.fail(`the engine accepted ${argv.join(" ")}`);
}

describe("CLI usage errors, in the user's words", () => {
  it("--version and -V give the version, before and after the command", () => {
    for (const argv of [["--version"], ["-V"], ["call", "--version"], ["call", "-V", "--callee", "x"]]) assert.deepEqual(parseCli(argv, {}), { kind: "version" }, argv.join(" "));
    assert.equal(parseCli(["--help", "--version"], {}).kind, "help", "--help wins: it also lists --version");
    assert.match(HELP, /-V, --version/);
  });

  it("names every missing required flag in one error", () => {
    assert.throws(() => parseCli(["call"], {}), /^ConfigError: missing required flags --sip-login, --sip-domain, --callee \(see sipcast --help\)$/);
    assert.throws(() => parseCli(["call", "--callee", "1002"], {}), /^ConfigError: missing required flags --sip-login, --sip-domain \(/);
    assert.throws(() => parseCli(["call", "--sip-login", "a", "--sip-domain", "h", "--callee", ""], {}), /^ConfigError: missing required flag --callee \(/);
  });

  it("words unknown flags (all of them), extra arguments and unknown commands plainly", () => {
    assert.throws(() => parseCli([...BASE, "--foo"], {}), /^ConfigError: unknown flag --foo \(see sipcast --help\)$/);
    assert.throws(() => parseCli([...BASE, "--foo", "--bar=1", "-x", "--foo"], {}), /^ConfigError: unknown flags --foo, --bar, -x \(see sipcast --help\)$/);
    assert.throws(() => parseCli(["call", "--foo"], {}), /^ConfigError: unknown flag --foo /, "an unknown flag before missing ones: it may be a misspelt required flag");
    assert.throws(() => parseCli([...BASE, "extra"], {}), /^ConfigError: unexpected argument "extra" \(every value follows its flag/);
    assert.throws(() => parseCli([...BASE, "--dtmf", "1", "2"], {}), /^ConfigError: unexpected argument "2"/);
    assert.throws(() => parseCli(["dial", "--callee", "x"], {}), /^ConfigError: unknown command "dial" \(the command is call; see sipcast --help\)$/);
    assert.throws(() => parseCli(["help", "me"], {}), /^ConfigError: unexpected argument "me"/);
  });

  it("names a flag without its value, and a switch given one; never repeats a value that is not a flag", () => {
    assert.throws(() => parseCli([...BASE, "--rtmp-url"], {}), /^ConfigError: --rtmp-url needs a value \(see sipcast --help\)$/);
    assert.throws(() => parseCli(["call", "--callee", "--json"], {}), /^ConfigError: --callee needs a value, got the flag --json \(for a value that starts with "-", write --callee=VALUE\)$/);
    assert.throws(() => parseCli([...BASE, "--sip-password", "-s3cret"], {}), (error: Error) => /^--sip-password needs a value \(/.test(error.message) && !error.message.includes("s3cret"));
    const dashed = parseCli([...BASE, "--sip-password=-s3cret"], {});
    assert.equal(dashed.kind === "call" && dashed.options.account.password, "-s3cret");
    assert.throws(() => parseCli([...BASE, "--json=yes"], {}), /^ConfigError: --json takes no value \(write --json alone\)$/);
  });

  it("the engine's refusals name the flag typed, not the option inside", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sipcast-cli-usage-"));
    try {
      const cases: [string[], RegExp][] = [
        [["call", "--sip-login", "a b", "--sip-domain", "127.0.0.1", "--callee", "uas"], /^--sip-login: expected a SIP user name/],
        [[...BASE, "--sip-authentication-name", "a b"], /^--sip-authentication-name: not a valid user name$/],
        [["call", "--sip-login", "alice", "--sip-domain", "bad host", "--callee", "uas"], /^--sip-domain: expected a host name/],
        [[...BASE, "--sip-port", "5060.5"], /^--sip-port: not a port number: 5060\.5$/],
        [[...BASE, "--sip-outbound-proxy", "a:b"], /^--sip-outbound-proxy: expected host\[:port\]/],
        [[...BASE, "--sip-register-expires", "30.5"], /^--sip-register-expires: expected whole seconds/],
        [[...BASE, "--sip-auth-host", "a:b"], /^--sip-auth-host: expected host\[:port\]/],
        [[...BASE, "--dns-server", "dns.example"], /^--dns-server: "dns.example" is not an IP address with an optional port$/],
        [[...BASE, "--srtp", "offered"], /^--srtp: "offered" sends the media keys in the SDP, readable over udp: use transport tls, or set --srtp-over-insecure-transport$/],
        [["call", "--sip-login", "alice", "--sip-domain", "127.0.0.1", "--callee", "a b"], /^--callee: expected a user name or sip: URI, got "a b"$/],
        [[...BASE, "--call-id", "a b"], /^--call-id: expected 1–128 printable characters/],
        [[...BASE, "--rtmp-url", "ftp://x"], /^--rtmp-url: expected rtmp:\/\/host/],
        [[...BASE, "--rtmp-url", "rtmp://127.0.0.1/live", "--rtmp-stream", "a b"], /^--rtmp-stream: must not contain spaces$/],
        [[...BASE, "--record", path.join(dir, "none", "x.mp4")], /^--record: folder .* does not exist$/],
        [[...BASE, "--slate-image", path.join(dir, "none.png")], /^--slate-image: no image file at/],
        [[...BASE, "--send-video-slate", path.join(dir, "none.png")], /^--send-video-slate: no image file at/],
        [[...BASE, "--rtp-port-range", "100-200"], /^--rtp-port-range: expected 1024 ≤ min < max ≤ 65535/],
        [[...BASE, "--ffmpeg", "/usr/bin/ffmpeg\nx"], /^--ffmpeg: must not contain CR, LF or NUL characters$/],
      ];
      for (const [argv, expected] of cases) assert.match(await engineRefusal(argv), expected, argv.join(" "));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the field table: every flag is one the CLI takes, and options the CLI checks first are worded too", () => {
    for (const [field, flag] of Object.entries(ENGINE_FIELD_FLAGS)) {
      assert.ok(HELP.includes(flag), `${field} → ${flag}, documented in --help`);
      assert.doesNotThrow(() => {
        try {
          parseCli([...BASE, flag], {});
        } catch (error) {
          // A known flag may still want a value or a partner flag; it must never be "unknown".
          if (/unknown flag/.test((error as Error).message)) throw error;
        }
      }, `${flag} is a flag of sipcast call`);
    }
    // The CLI refuses these before the engine sees them; the engine's own texts are mapped all the same.
    const account = { login: "alice", domain: "127.0.0.1" };
    const limits = (): string => {
      try {
        new Engine({ account, limits: { maxCalls: 0 } });
      } catch (error) {
        return (error as Error).message;
      }
      return "";
    };
    assert.match(inFlagWords(limits()), /^--max-calls: expected a whole number from 1 to 10000, got 0$/);
    assert.equal(inFlagWords("limits.callStartsPerSecond: x"), "--call-starts-per-second: x");
    assert.equal(inFlagWords("retry.maxRetries: expected an integer >= 0, got -1"), "--rtmp-retries: expected an integer >= 0, got -1");
    assert.equal(inFlagWords('callee: expected a user name or sip: URI, got "rtmpUrl x"'), '--callee: expected a user name or sip: URI, got "rtmpUrl x"', "a value the message repeats is left alone");
    assert.equal(inFlagWords("no 2 free UDP port pair(s) in 10000-10003"), "no 2 free UDP port pair(s) in 10000-10003");
  });

  it("the built binary: `sipcast --version` prints package.json's version; a usage error exits 2", async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(repoRoot(), "package.json"), "utf8")) as { version: string };
    const run = await runCli(["--version"], {}, 10_000);
    assert.deepEqual([run.code, run.stdout, run.stderr], [0, `${version}\n`, ""]);
    const bad = await runCli(["call", "--callee", "x", "--sip-domian", "h"], {}, 10_000);
    assert.deepEqual([bad.code, bad.stdout, bad.stderr], [2, "", "sipcast: unknown flag --sip-domian (see sipcast --help)\n"]);
  });
});
