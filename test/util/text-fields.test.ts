import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError, Engine, TEXT_LIMITS, type CallOptions, type SipAccountOptions } from "../../src";
import { resolveAccount } from "../../src/sip/account-options";
import { resolveTarget } from "../../src/output/ffmpeg/ffmpeg-kinds";

/** A marker that must never show up in an error: the values may be secrets (a stream key). */
const SECRET = "s3cr3t-value";
const BAD: ReadonlyArray<[string, (base: string, max: number) => string]> = [
  ["CR", (b) => `${b}\r${SECRET}`],
  ["LF", (b) => `${b}\n${SECRET}`],
  ["CR LF header", (b) => `${b}\r\nX-Injected: ${SECRET}`],
  ["NUL", (b) => `${b}\0${SECRET}`],
  ["one character too long", (b, max) => SECRET + "a".repeat(max + 1 - SECRET.length)],
];

function refuses(run: () => unknown, field: string, why: string): void {
  assert.throws(run, (e: Error) => {
    assert.ok(e instanceof ConfigError, `${field} (${why}): ${e.name} ${e.message}`);
    assert.ok(e.message.startsWith(`${field}: `), `${field} (${why}): the error names the field: ${e.message}`);
    assert.ok(!e.message.includes(SECRET), `${field} (${why}): the value is not echoed: ${e.message}`);
    assert.ok(!/[\r\n\0]/.test(e.message), `${field} (${why}): the message is one line`);
    return true;
  });
}

const ACCOUNT: SipAccountOptions = { login: "alice", domain: "127.0.0.1", registerRequired: false };

describe("text options: a length limit and no CR, LF or NUL, per field", () => {
  let tmp: string;
  let image: string;
  let engines: Engine[] = [];

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sipcast-text-"));
    image = path.join(tmp, "slate.png");
    fs.writeFileSync(image, "not really a png, but a file");
  });
  after(async () => {
    await Promise.all(engines.map((e) => e.close(0)));
    engines = [];
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const accountFields: ReadonlyArray<[keyof SipAccountOptions & keyof typeof TEXT_LIMITS, string]> = [
    ["login", "alice"],
    ["authenticationName", "alice"],
    ["displayName", "Alice"],
    ["domain", "example.com"],
    ["outboundProxy", "proxy.example.com"],
  ];
  for (const [field, base] of accountFields) {
    it(`account ${field}: at most ${TEXT_LIMITS[field]} characters, no CR/LF/NUL`, () => {
      resolveAccount({ ...ACCOUNT, [field]: base }); // a normal value passes
      for (const [why, make] of BAD) {
        refuses(() => resolveAccount({ ...ACCOUNT, [field]: make(base, TEXT_LIMITS[field]) }), field, why);
        refuses(() => new Engine({ account: { ...ACCOUNT, [field]: make(base, TEXT_LIMITS[field]) } }), field, why);
      }
    });
  }

  it("a display name of exactly the limit, with quotes and backslashes, is accepted", () => {
    const name = `"\\${"n".repeat(TEXT_LIMITS.displayName - 2)}`;
    assert.equal(resolveAccount({ ...ACCOUNT, displayName: name }).displayName, name);
  });

  const callFields: ReadonlyArray<[string, number, (value: string) => Partial<CallOptions>, () => string]> = [
    ["callee", TEXT_LIMITS.callee, (v) => ({ callee: v }), () => "uas"],
    ["callId", TEXT_LIMITS.callId, (v) => ({ callId: v }), () => "c1"],
    ["rtmpUrl", TEXT_LIMITS.rtmpUrl, (v) => ({ rtmpUrl: v, rtmpStream: "k" }), () => "rtmp://127.0.0.1/live"],
    ["rtmpStream", TEXT_LIMITS.rtmpStream, (v) => ({ rtmpUrl: "rtmp://127.0.0.1/live", rtmpStream: v }), () => "key"],
    ["recordPath", TEXT_LIMITS.path, (v) => ({ recordPath: v }), () => path.join(tmp, "rec.mp4")],
    ["slateImage", TEXT_LIMITS.path, (v) => ({ slateImage: v }), () => image],
    ["sendVideoSlate", TEXT_LIMITS.path, (v) => ({ sendVideoSlate: v }), () => image],
    ["playAudio", TEXT_LIMITS.path, (v) => ({ playAudio: v }), () => image],
  ];
  for (const [field, max, options, base] of callFields) {
    it(`call ${field}: at most ${max} characters, no CR/LF/NUL (engine.call refuses before anything is sent)`, () => {
      const engine = new Engine({ account: ACCOUNT, localAddress: "127.0.0.1" });
      engines.push(engine);
      for (const [why, make] of BAD) refuses(() => engine.call({ callee: "uas", ...options(make(base(), max)) }), field, why);
      assert.equal(engine.calls().length, 0);
    });
  }

  it("ffmpegPath: at most 4096 characters, no CR/LF/NUL", () => {
    for (const [why, make] of BAD) refuses(() => new Engine({ account: ACCOUNT, ffmpegPath: make("/usr/bin/ffmpeg", TEXT_LIMITS.path) }), "ffmpegPath", why);
  });

  it("publish() checks its target the same way (rtmpUrl, rtmpStream, recordPath)", () => {
    for (const [why, make] of BAD) {
      refuses(() => resolveTarget({ rtmpUrl: make("rtmp://h/app", TEXT_LIMITS.rtmpUrl) }, {}), "rtmpUrl", why);
      refuses(() => resolveTarget({ rtmpUrl: "rtmp://h/app", rtmpStream: make("k", TEXT_LIMITS.rtmpStream) }, {}), "rtmpStream", why);
      refuses(() => resolveTarget({ recordPath: make(path.join(tmp, "r.mp4"), TEXT_LIMITS.path) }, {}), "recordPath", why);
    }
  });
});
