import assert from "node:assert/strict";
import { SymmetricLatch } from "../../src/rtp/symmetric-latch";

describe("rtp/SymmetricLatch", () => {
  const sdp = { address: "127.0.0.1", port: 4000 };
  const real = { address: "127.0.0.1", port: 5004 };
  const other = { address: "127.0.0.1", port: 6000 };

  it("sends to the SDP address until the first packet, then to its source only", () => {
    const latch = new SymmetricLatch();
    assert.equal(latch.destination, undefined);
    latch.setFallback(sdp);
    assert.deepEqual(latch.destination, sdp);
    assert.equal(latch.offer(real), "latched");
    assert.deepEqual(latch.destination, real);
    assert.equal(latch.offer({ ...real }), "accepted");
    assert.equal(latch.offer(other), "rejected");
    assert.equal(latch.offer(sdp), "rejected");
    assert.deepEqual(latch.latched, real);
  });

  it("reset() forgets the latched source", () => {
    const latch = new SymmetricLatch();
    latch.setFallback(sdp);
    latch.offer(real);
    latch.reset();
    assert.deepEqual(latch.destination, sdp);
    assert.equal(latch.offer(other), "latched");
  });
});
