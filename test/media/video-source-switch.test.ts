import assert from "node:assert/strict";
import { VideoSourceSwitch } from "../../src/media/video-source-switch";

describe("media/VideoSourceSwitch", () => {
  const make = (): VideoSourceSwitch => new VideoSourceSwitch({ startMs: 0, startWaitMs: 1000, silenceMs: 2000 });

  it("takes the peer at its first keyframe; wants no stand-in while the peer's video flows", () => {
    const s = make();
    assert.equal(s.admitPeer(false, 100), false, "a delta frame before any keyframe is held back");
    assert.equal(s.admitPeer(true, 200), true);
    assert.equal(s.admitPeer(false, 240), true);
    assert.equal(s.current, "peer");
    assert.equal(s.wantsStandIn(2200), false);
    assert.equal(s.admitStandIn(true, 2200), false, "the stand-in never replaces a peer that sends");
  });

  it("no peer keyframe within startWaitMs: the stand-in, from its keyframe; then the peer from its keyframe", () => {
    const s = make();
    assert.equal(s.wantsStandIn(999), false);
    assert.equal(s.wantsStandIn(1000), true);
    assert.equal(s.admitStandIn(false, 1100), false, "not from a delta frame");
    assert.equal(s.admitStandIn(true, 1200), true);
    assert.equal(s.admitStandIn(false, 1300), true);
    assert.equal(s.admitPeer(false, 1400), false, "the peer's delta frames wait for its keyframe");
    assert.equal(s.admitPeer(true, 1500), true);
    assert.equal(s.admitStandIn(false, 1600), false);
    assert.deepEqual(s.toJSON(), { current: "peer", toStandIn: 1, toPeer: 1 });
  });

  it("the peer's video silent for silenceMs mid-call: the stand-in takes over until the peer's next keyframe", () => {
    const s = make();
    s.admitPeer(true, 0);
    s.admitPeer(false, 5000);
    assert.equal(s.wantsStandIn(6999), false, "a slow screen share is not a pause");
    assert.equal(s.wantsStandIn(7000), true);
    assert.equal(s.admitStandIn(true, 7400), true);
    assert.equal(s.wantsStandIn(30_000), true, "kept while it is shown");
    assert.equal(s.admitPeer(false, 30_000), false);
    assert.equal(s.admitPeer(true, 30_040), true);
    assert.equal(s.wantsStandIn(30_100), false);
  });

  it("rejects non-positive waits", () => {
    assert.throws(() => new VideoSourceSwitch({ startMs: 0, startWaitMs: 0, silenceMs: 1 }), /startWaitMs/);
    assert.throws(() => new VideoSourceSwitch({ startMs: 0, startWaitMs: 1, silenceMs: -1 }), /silenceMs/);
  });
});
