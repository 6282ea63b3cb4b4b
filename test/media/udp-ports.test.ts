import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { ConfigError } from "../../src/errors";
import { findFreeUdpPortPairs, parseUdpTable, waitForUdpPortsBound, type PollTimers } from "../../src/media";

function bindUdp(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createSocket("udp4");
    s.once("error", reject);
    s.bind({ port, address: "127.0.0.1", exclusive: true }, () => resolve(s));
  });
}
const closeUdp = (s: Socket): Promise<void> => new Promise((resolve) => s.close(() => resolve()));

/** Manual timers: `tick()` runs the pending callback and advances the clock by its delay. */
class FakeTimers implements PollTimers {
  t = 0;
  pending: { fn: () => void; ms: number } | undefined;
  setTimeout(fn: () => void, ms: number): unknown {
    this.pending = { fn, ms };
    return this.pending;
  }
  clearTimeout(): void {
    this.pending = undefined;
  }
  now(): number {
    return this.t;
  }
  tick(): void {
    const p = this.pending!;
    this.pending = undefined;
    this.t += p.ms;
    p.fn();
  }
}
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

// Shaped like /proc/net/udp and /proc/net/udp6; the two 9CA4/9CA5 lines were captured here while
// ffmpeg had bound 40100/40101, the others are made up (127.0.0.1:5060, an IPv6 socket).
const UDP = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
11043: 00000000:9CA4 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 11768 2 000000009f806a16 0
11044: 00000000:9CA5 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 11769 2 000000000d4cb7f6 0
  951: 0100007F:13C4 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1234 2 0000000000000000 0
`;
const UDP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  120: 00000000000000000000000001000000:9CA6 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 5555 2 0000000000000000 0
`;

describe("media/udp ports", () => {
  it("parseUdpTable reads the hex local ports of udp and udp6 tables", () => {
    assert.deepEqual(parseUdpTable(UDP), [40100, 40101, 5060]);
    assert.deepEqual(parseUdpTable(UDP6), [40102]);
  });

  it("waitForUdpPortsBound: true for ports bound on this machine", async () => {
    const a = await bindUdp(0);
    const b = await bindUdp(0);
    try {
      assert.equal(await waitForUdpPortsBound([a.address().port, b.address().port], 2000), true);
    } finally {
      await closeUdp(a);
      await closeUdp(b);
    }
  });

  it("waitForUdpPortsBound: false after the timeout when a port stays free", async () => {
    const s = await bindUdp(0);
    const port = s.address().port;
    await closeUdp(s);
    assert.equal(await waitForUdpPortsBound([port], 100, 20), false);
  });

  it("polls until the last port appears (fake clock)", async () => {
    const timers = new FakeTimers();
    const seen = [new Set([1]), new Set([1]), new Set([1, 2])];
    let reads = 0;
    const result = waitForUdpPortsBound([1, 2], 1000, 20, { timers, readPorts: async () => seen[Math.min(reads++, 2)] });
    await flush();
    timers.tick();
    await flush();
    timers.tick();
    assert.equal(await result, true);
    assert.equal(reads, 3);
    assert.equal(timers.t, 40);
    assert.equal(timers.pending, undefined); // nothing left scheduled
  });

  it("times out by the injected clock, and stops on abort", async () => {
    const timers = new FakeTimers();
    const none = async (): Promise<Set<number>> => new Set();
    const result = waitForUdpPortsBound([7], 50, 20, { timers, readPorts: none });
    for (let i = 0; i < 3; i++) {
      await flush();
      timers.tick();
    }
    assert.equal(await result, false);
    assert.equal(timers.t, 60);

    const abort = new AbortController();
    const t2 = new FakeTimers();
    const aborted = waitForUdpPortsBound([7], 50, 20, { timers: t2, readPorts: none, signal: abort.signal });
    await flush();
    abort.abort();
    assert.equal(await aborted, false);
    assert.equal(t2.pending, undefined);
  });

  it("is false at once where no port table can be read", async () => {
    assert.equal(await waitForUdpPortsBound([7], 1000, 20, { readPorts: async () => undefined }), false);
  });

  it("findFreeUdpPortPairs gives distinct even ports whose pairs are free", async () => {
    const range = { min: 47000, max: 47999 };
    const ports = await findFreeUdpPortPairs(3, range);
    assert.equal(ports.length, 3);
    assert.equal(new Set(ports).size, 3);
    for (const p of ports) {
      assert.equal(p % 2, 0);
      assert.ok(p >= range.min && p + 1 <= range.max);
      const rtp = await bindUdp(p); // really free
      const rtcp = await bindUdp(p + 1);
      await closeUdp(rtp);
      await closeUdp(rtcp);
    }
  });

  it("skips a pair whose odd port is taken, and does not hand out the same pair twice soon", async () => {
    // Below the kernel's ephemeral ports and outside the RTP and ffmpeg default ranges, which other
    // processes (a running call's ffmpeg) may hold.
    const range = { min: 29100, max: 29103 }; // two pairs: 29100/1 and 29102/3
    const blocker = await bindUdp(29101);
    try {
      assert.deepEqual(await findFreeUdpPortPairs(1, range), [29102]);
      await assert.rejects(findFreeUdpPortPairs(1, range), ConfigError); // 29102 is held for ffmpeg
    } finally {
      await closeUdp(blocker);
    }
  });

  it("rejects bad ranges and counts", async () => {
    await assert.rejects(findFreeUdpPortPairs(1, { min: 80, max: 90 }), ConfigError);
    await assert.rejects(findFreeUdpPortPairs(1, { min: 40001, max: 40002 }), ConfigError);
    await assert.rejects(findFreeUdpPortPairs(0), ConfigError);
  });
});
