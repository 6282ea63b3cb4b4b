import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as main from "../src/index";
import * as testPeer from "../src/test-peer";

describe("the package's entries", () => {
  it("the main entry is the engine's API without the test-meeting peer, which has an entry of its own", () => {
    const mainNames = Object.keys(main);
    for (const name of ["startTestMeetingPeer", "TestMeetingPeer", "TelephoneEventDecoder", "buildTestPatternArgs", "Impairment", "TimelineShifter"]) {
      assert.ok(!mainNames.includes(name), `${name} is not in the main entry`);
      assert.ok(name in testPeer, `${name} is in the test-peer entry`);
    }
    assert.equal(typeof main.Engine, "function");
    assert.equal(main.MAX_JITTER_BUFFER_MS, 1000);
    const pkg = JSON.parse(readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as { exports: Record<string, { default: string }> };
    assert.equal(pkg.exports["./test-peer"].default, "./dist/test-peer.js");
  });
});
