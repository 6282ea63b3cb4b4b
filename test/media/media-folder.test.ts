import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError, resolveMediaFile } from "../../src";

describe("media folder: resolveMediaFile", () => {
  let tmp: string;
  let root: string;

  before(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "sipcast-media-")));
    root = path.join(tmp, "media");
    fs.mkdirSync(path.join(root, "sub"), { recursive: true });
    fs.writeFileSync(path.join(root, "a.wav"), "RIFF");
    fs.writeFileSync(path.join(root, "sub", "b.wav"), "RIFF");
    fs.writeFileSync(path.join(tmp, "outside.wav"), "RIFF");
    fs.symlinkSync(path.join(tmp, "outside.wav"), path.join(root, "out-link.wav"));
    fs.symlinkSync(path.join(root, "a.wav"), path.join(root, "in-link.wav"));
    fs.symlinkSync(tmp, path.join(root, "out-dir"));
    // A sibling whose name starts with the root's: a plain prefix check would let it through.
    fs.mkdirSync(`${root}-evil`);
    fs.writeFileSync(path.join(`${root}-evil`, "x.wav"), "RIFF");
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("files inside, by relative or absolute path or through a link inside, resolve to their real path", () => {
    assert.equal(resolveMediaFile(root, "a.wav"), path.join(root, "a.wav"));
    assert.equal(resolveMediaFile(root, "sub/b.wav"), path.join(root, "sub", "b.wav"));
    assert.equal(resolveMediaFile(root, "sub/../a.wav"), path.join(root, "a.wav"));
    assert.equal(resolveMediaFile(root, path.join(root, "a.wav")), path.join(root, "a.wav"));
    assert.equal(resolveMediaFile(root, "in-link.wav"), path.join(root, "a.wav"));
  });

  it("outside, .., a link out, a missing file, a folder: one and the same error", () => {
    const cases = ["../outside.wav", path.join(tmp, "outside.wav"), "out-link.wav", "out-dir/outside.wav", "missing.wav", "sub", "/etc/passwd", "/no/such.wav", `../media-evil/x.wav`, "", "a.wav\0.txt"];
    const texts = cases.map((file) => {
      try {
        resolveMediaFile(root, file, "audioFile");
      } catch (error) {
        assert.ok(error instanceof ConfigError, `${file}: ${String(error)}`);
        return error.message.replace(JSON.stringify(file), "<file>");
      }
      return assert.fail(`${file} was accepted`);
    });
    assert.deepEqual(new Set(texts.filter((t) => !t.includes("CR, LF"))), new Set(['audioFile: no audio file <file> in the media folder']));
  });

  it("a media folder that does not exist refuses every file the same way", () => {
    assert.throws(() => resolveMediaFile(path.join(tmp, "nope"), "a.wav"), /^ConfigError: playAudio: no audio file "a\.wav" in the media folder$/);
  });
});
