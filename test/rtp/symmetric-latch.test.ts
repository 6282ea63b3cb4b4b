import assert from "node:assert/strict";
import { sameAddress } from "../../src/rtp/endpoint";
import { SymmetricLatch } from "../../src/rtp/symmetric-latch";

describe("rtp/SymmetricLatch", () => {
  const sdp = { address: "192.0.2.10", port: 4000 };
  const real = { address: "192.0.2.10", port: 5004 };
  const samePeerOtherPort = { address: "192.0.2.10", port: 6000 };
  const attacker = { address: "198.51.100.66", port: 4000 };

  describe('"signalled" (default)', () => {
    it("latches only a source with the SDP's address, from any port, then accepts that source alone", () => {
      const latch = new SymmetricLatch();
      assert.equal(latch.mode, "signalled");
      assert.equal(latch.destination, undefined);
      latch.setFallback(sdp);
      latch.setExpectedAddress(sdp.address);
      assert.deepEqual(latch.destination, sdp);
      // The attacker sends first, even from the SDP's very port number: refused, again and again.
      assert.equal(latch.offer(attacker, 1), "rejected");
      assert.equal(latch.offer(attacker, 2), "rejected");
      assert.deepEqual(latch.destination, sdp, "our packets still go to the SDP address");
      // The peer, from another port than its SDP names (baresip does that): latched.
      assert.equal(latch.offer(real, 9), "latched");
      assert.deepEqual(latch.destination, real);
      assert.equal(latch.offer({ ...real }, 10), "accepted");
      assert.equal(latch.offer(samePeerOtherPort, 11), "rejected", "after latching, that exact source only");
      assert.equal(latch.offer(attacker, 12), "rejected");
      assert.deepEqual(latch.latched, real);
    });

    it("latches nothing while no address is expected, and works without sequence numbers (RTCP)", () => {
      const latch = new SymmetricLatch({ sourceCheck: "signalled" });
      latch.setFallback(sdp);
      assert.equal(latch.offer(real), "rejected");
      assert.equal(latch.mayLatch(real), false);
      latch.setExpectedAddress(real.address);
      assert.equal(latch.mayLatch(real), true);
      assert.equal(latch.mayLatch(attacker), false);
      assert.equal(latch.offer(real), "latched");
    });

    it("reset() (a re-INVITE that moved the peer) forgets the source; the new expected address decides", () => {
      const latch = new SymmetricLatch();
      latch.setExpectedAddress(sdp.address);
      assert.equal(latch.offer(real), "latched");
      const moved = { address: "203.0.113.7", port: 7000 };
      latch.reset();
      latch.setFallback(moved);
      latch.setExpectedAddress(moved.address);
      assert.deepEqual(latch.destination, moved);
      assert.equal(latch.offer(real), "rejected", "the old address is no longer the peer's");
      assert.equal(latch.offer(attacker), "rejected");
      assert.equal(latch.offer({ address: moved.address, port: 7002 }), "latched");
    });

    it("compares IPv6 spellings and IPv4-mapped addresses as the same host", () => {
      assert.equal(sameAddress("2001:DB8:0::1", "2001:db8::1"), true);
      assert.equal(sameAddress("::ffff:192.0.2.10", "192.0.2.10"), true);
      assert.equal(sameAddress("192.0.2.10", "192.0.2.11"), false);
      const latch = new SymmetricLatch();
      latch.setExpectedAddress("2001:DB8::1");
      assert.equal(latch.offer({ address: "2001:db8:0:0::1", port: 5000 }), "latched");
    });
  });

  describe('"learn"', () => {
    it("latches a source, wherever it is, after 4 consecutive in-sequence packets", () => {
      const latch = new SymmetricLatch({ sourceCheck: "learn" });
      latch.setFallback(sdp);
      assert.equal(latch.mayLatch(attacker), true);
      const nat = { address: "203.0.113.50", port: 31000 };
      assert.deepEqual(
        [65534, 65535, 0].map((seq) => latch.offer(nat, seq)),
        ["learning", "learning", "learning"],
        "in sequence across the 16-bit wrap",
      );
      assert.deepEqual(latch.destination, sdp, "not yet");
      assert.equal(latch.offer(nat, 1), "latched");
      assert.deepEqual(latch.destination, nat);
      assert.equal(latch.offer(attacker, 2), "rejected");
      assert.equal(latch.offer(nat, 2), "accepted");
    });

    it("starts a source's probation over on a gap or a repeat, and follows each source on its own", () => {
      const latch = new SymmetricLatch({ sourceCheck: "learn" });
      assert.equal(latch.offer(real, 10), "learning");
      assert.equal(latch.offer(real, 11), "learning");
      assert.equal(latch.offer(real, 13), "learning", "gap: count restarts at 13");
      assert.equal(latch.offer(real, 14), "learning");
      // An attacker interleaving its own packets does not reset the peer's count.
      assert.equal(latch.offer(attacker, 500), "learning");
      assert.equal(latch.offer(real, 15), "learning");
      assert.equal(latch.offer(attacker, 900), "learning");
      assert.equal(latch.offer(real, 16), "latched");
      assert.deepEqual(latch.latched, real);
    });

    it("without a sequence number (RTCP) nothing is learnt; reset() starts learning over", () => {
      const latch = new SymmetricLatch({ sourceCheck: "learn" });
      assert.equal(latch.offer(real), "rejected");
      for (const seq of [1, 2, 3]) latch.offer(real, seq);
      assert.equal(latch.offer(real, 4), "latched");
      latch.reset();
      assert.equal(latch.latched, undefined);
      assert.equal(latch.offer(real, 5), "learning", "probation again after a reset");
    });

    it("learnPackets sets the probation length", () => {
      const latch = new SymmetricLatch({ sourceCheck: "learn", learnPackets: 2 });
      assert.equal(latch.offer(real, 1), "learning");
      assert.equal(latch.offer(real, 2), "latched");
    });
  });
});
