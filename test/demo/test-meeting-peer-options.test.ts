import { strict as assert } from "node:assert";
import { TestMeetingPeer, type TestMeetingPeerOptions } from "../../src/demo/test-meeting-peer";
import { ConfigError } from "../../src/errors";
import { requirePeers } from "../harness";

describe("TestMeetingPeer options (pattern, impairment)", () => {
  before(function () {
    requirePeers(["ffmpeg"]); // the constructor locates ffmpeg
  });

  it("accepts both patterns and a valid impairment", () => {
    for (const pattern of ["testsrc", "flash-beep"] as const) assert.ok(new TestMeetingPeer({ pattern }));
    assert.ok(new TestMeetingPeer({ pattern: "flash-beep", impairment: { lossRate: 0.02, jitterMs: 40, seed: 4 } }));
  });

  it("refuses an unknown pattern and an impossible impairment with ConfigError, naming the field", () => {
    assert.throws(() => new TestMeetingPeer({ pattern: "smpte" } as unknown as TestMeetingPeerOptions), (e: unknown) => e instanceof ConfigError && /pattern/.test(e.message));
    assert.throws(() => new TestMeetingPeer({ impairment: { lossRate: 0.02, jitterMs: -1 } }), (e: unknown) => e instanceof ConfigError && /impairment\.jitterMs/.test(e.message));
    assert.throws(() => new TestMeetingPeer({ impairment: { lossRate: 1, jitterMs: 0 } }), (e: unknown) => e instanceof ConfigError && /impairment\.lossRate/.test(e.message));
  });
});
