import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import * as path from "node:path";
import { FfmpegNotFoundError } from "../../src/errors";
import { locateFfmpeg } from "../../src/media";
import { TempDir } from "./helpers/temp-dir";

function notInstalled(): never {
  throw Object.assign(new Error("Cannot find module 'ffmpeg-static'"), { code: "MODULE_NOT_FOUND" });
}

describe("media/locateFfmpeg", () => {
  let dir: TempDir;
  let fake: string;
  let binDir: string;
  let emptyDir: string;

  beforeEach(() => {
    dir = new TempDir();
    fake = dir.script("my-ffmpeg", "exit 0");
    binDir = dir.file("bin");
    emptyDir = dir.file("empty");
    mkdirSync(binDir);
    mkdirSync(emptyDir);
    dir.script("bin/ffmpeg", "exit 0");
  });
  afterEach(() => dir.dispose());

  it("prefers the setting", () => {
    const r = locateFfmpeg({ configured: fake, env: { FFMPEG_PATH: "/nope", PATH: binDir }, loadFfmpegStatic: () => "/nope2" });
    assert.deepEqual(r, { path: fake, source: "setting" });
  });

  it("resolves a bare name in the setting on PATH", () => {
    assert.deepEqual(locateFfmpeg({ configured: "ffmpeg", env: { PATH: `${emptyDir}:${binDir}` } }), {
      path: path.join(binDir, "ffmpeg"),
      source: "setting",
    });
  });

  it("then FFMPEG_PATH", () => {
    const r = locateFfmpeg({ configured: "  ", env: { FFMPEG_PATH: fake, PATH: binDir }, loadFfmpegStatic: () => "/nope2" });
    assert.deepEqual(r, { path: fake, source: "FFMPEG_PATH" });
  });

  it("then ffmpeg-static", () => {
    const r = locateFfmpeg({ env: { PATH: binDir }, loadFfmpegStatic: () => fake });
    assert.deepEqual(r, { path: fake, source: "ffmpeg-static" });
  });

  it("then ffmpeg on PATH (ffmpeg-static absent, its binary missing, or null)", () => {
    const expected = { path: path.join(binDir, "ffmpeg"), source: "PATH" };
    assert.deepEqual(locateFfmpeg({ env: { PATH: `${emptyDir}:${binDir}` }, loadFfmpegStatic: notInstalled }), expected);
    assert.deepEqual(locateFfmpeg({ env: { PATH: binDir }, loadFfmpegStatic: () => dir.file("gone") }), expected);
    assert.deepEqual(locateFfmpeg({ env: { PATH: binDir }, loadFfmpegStatic: () => null }), expected);
  });

  it("the real default loader finds an ffmpeg (ffmpeg-static where installed, else PATH)", () => {
    let staticInstalled = true;
    try {
      require.resolve("ffmpeg-static");
    } catch {
      staticInstalled = false; // the case on this machine: its install-time download fails offline
    }
    const r = locateFfmpeg({ env: { PATH: "/usr/local/bin:/usr/bin:/bin" } });
    assert.equal(r.source, staticInstalled ? "ffmpeg-static" : "PATH");
    assert.match(r.path, /ffmpeg$/);
  });

  it("names all four places when none gives ffmpeg", () => {
    assert.throws(
      () => locateFfmpeg({ env: { PATH: emptyDir }, loadFfmpegStatic: notInstalled }),
      (e: unknown) => {
        assert.ok(e instanceof FfmpegNotFoundError);
        assert.equal(e.code, "FFMPEG_NOT_FOUND");
        assert.match(e.message, /setting: not set/);
        assert.match(e.message, /FFMPEG_PATH: not set/);
        assert.match(e.message, /ffmpeg-static: not installed/);
        assert.ok(e.message.includes(`PATH: no executable ffmpeg in ${emptyDir}`), e.message);
        return true;
      },
    );
    assert.throws(() => locateFfmpeg({ env: {}, loadFfmpegStatic: () => null }), /ffmpeg-static: has no binary for this platform; PATH: empty/);
  });

  it("a configured path that is missing or not executable is an error naming it (no fall-through)", () => {
    const missing = dir.file("missing-ffmpeg");
    const notExec = dir.script("not-exec", "exit 0", 0o644);
    const env = { PATH: binDir };
    assert.throws(() => locateFfmpeg({ configured: missing, env }), (e: unknown) => {
      assert.ok(e instanceof FfmpegNotFoundError);
      assert.equal(e.message, `ffmpeg path ${missing} from the ffmpeg path setting does not exist`);
      return true;
    });
    assert.throws(() => locateFfmpeg({ env: { ...env, FFMPEG_PATH: notExec } }), (e: unknown) => {
      assert.ok(e instanceof FfmpegNotFoundError);
      assert.equal(e.message, `ffmpeg path ${notExec} from FFMPEG_PATH is not executable`);
      return true;
    });
    assert.throws(() => locateFfmpeg({ configured: dir.path, env }), /is not a file/);
    assert.throws(() => locateFfmpeg({ configured: "ffmpeg-nonesuch", env }), /"ffmpeg-nonesuch" from the ffmpeg path setting was not found on PATH/);
  });
});
