import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { ConfigError } from "../../src/errors";
import { checkRecordPath, describeOutput, freeRecordPath, recordFormatOf } from "../../src/media";
import { TempDir } from "./helpers/temp-dir";

describe("media/output targets", () => {
  let dir: TempDir;
  beforeEach(() => (dir = new TempDir()));
  afterEach(() => dir.dispose());

  it("takes the format from the option, else from the extension", () => {
    assert.equal(recordFormatOf("/x/call.mkv"), "mkv");
    assert.equal(recordFormatOf("/x/call.MKV"), "mkv");
    assert.equal(recordFormatOf("/x/call.mp4"), "mp4");
    assert.equal(recordFormatOf("/x/call"), "mp4");
    assert.equal(recordFormatOf("/x/call.mp4", "mkv"), "mkv");
    assert.throws(() => recordFormatOf("/x/a", "avi"), ConfigError);
  });

  it("never hands out an existing file: name, name-2, name-3 …", () => {
    const file = dir.file("call.mp4");
    assert.equal(freeRecordPath(file), file);
    writeFileSync(file, "x");
    assert.equal(freeRecordPath(file), dir.file("call-2.mp4"));
    writeFileSync(dir.file("call-2.mp4"), "x");
    assert.equal(freeRecordPath(file), dir.file("call-3.mp4"));
  });

  it("checks the folder before any ffmpeg runs", () => {
    assert.equal(checkRecordPath(dir.file("a.mp4")), path.resolve(dir.file("a.mp4")));
    assert.throws(() => checkRecordPath(dir.file("missing/a.mp4")), /does not exist/);
    mkdirSync(dir.file("sub"));
    assert.throws(() => checkRecordPath(dir.file("sub")), /is a folder/);
    assert.throws(() => checkRecordPath(" "), ConfigError);
  });

  it("describes an RTMP target without its key", () => {
    assert.equal(describeOutput({ kind: "rtmp", url: "rtmps://h:443/app/secretKey123" }), "rtmps://h:443/app/***");
    assert.equal(describeOutput({ kind: "record", path: "/r/a.mkv", format: "mkv" }), "/r/a.mkv");
  });
});
