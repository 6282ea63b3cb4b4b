import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { removeStaleTempDirs, writePrivateTempFile } from "../../src/media/private-temp-file";
import { TempDir } from "./helpers/temp-dir";

/** A pid that belonged to a process which has exited (and been reaped) by now. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  return Number(r.stdout.toString());
}

describe("private temp files", () => {
  const dir = new TempDir();
  after(() => dir.dispose());

  it("writes into a 0700 folder named after the owner pid, removed with the file", () => {
    const f = writePrivateTempFile("input.sdp", "v=0\n", dir.path);
    const folder = path.dirname(f.path);
    assert.match(path.basename(folder), new RegExp(`^sipcast-${process.pid}-[A-Za-z0-9]{6}$`));
    assert.equal(statSync(folder).mode & 0o777, 0o700);
    assert.equal(statSync(f.path).mode & 0o777, 0o600);
    assert.equal(readFileSync(f.path, "utf8"), "v=0\n");
    f.remove();
    assert.equal(existsSync(folder), false);
  });

  it("removes only the folders of owners that are gone", () => {
    const dead = deadPid();
    const stale = path.join(dir.path, `sipcast-${dead}-abcDEF`);
    const mine = path.join(dir.path, `sipcast-${process.pid}-abcDEF`);
    const init = path.join(dir.path, "sipcast-1-abcDEF");
    const foreign = path.join(dir.path, "sipcast-media-test-abcDEF");
    for (const d of [stale, mine, init, foreign]) mkdirSync(d);
    writeFileSync(path.join(stale, "input.sdp"), "v=0\n");
    const notAFolder = path.join(dir.path, `sipcast-${dead}-ghiJKL`);
    writeFileSync(notAFolder, "");
    assert.deepEqual(removeStaleTempDirs(dir.path), [stale]);
    assert.equal(existsSync(stale), false);
    for (const kept of [mine, init, foreign, notAFolder]) assert.ok(existsSync(kept), `${kept} was removed`);
  });
});
