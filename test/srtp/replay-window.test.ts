import assert from "node:assert/strict";
import { REPLAY_WINDOW_SIZE, ReplayWindow } from "../../src/srtp/replay-window";

describe("srtp/ReplayWindow (RFC 3711 §3.3.2)", () => {
  it("takes each index once, late ones inside the window too, and refuses older ones", () => {
    const w = new ReplayWindow();
    assert.equal(w.accept(1000), true);
    assert.equal(w.accept(1000), false, "replay");
    assert.equal(w.accept(1002), true);
    assert.equal(w.accept(1001), true, "reordered, inside the window");
    assert.equal(w.accept(1001), false);
    assert.equal(w.accept(1002 - REPLAY_WINDOW_SIZE + 1), true, "the oldest the window holds");
    assert.equal(w.accept(1002 - REPLAY_WINDOW_SIZE), false, "older than the window");
    assert.equal(w.accept(1002 + 10_000), true, "a jump forward");
    assert.equal(w.accept(1002), false, "now far behind");
    assert.equal(w.accept(0x10000 * 3 + 5), true, "48-bit indices");
  });
});
