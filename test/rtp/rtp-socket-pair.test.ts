import assert from "node:assert/strict";
import { ConfigError, SipcastError } from "../../src/errors";
import { DEFAULT_RTP_PORT_RANGE, bindRtpSocketPair, type RtpSocketPair } from "../../src/rtp/rtp-socket-pair";
import { bindUdp, closeQuietly } from "./helpers/udp";

const HOST = "127.0.0.1";
const TEST_RANGE = { min: 31000, max: 39999 };

describe("rtp/bindRtpSocketPair", () => {
  const pairs: RtpSocketPair[] = [];
  afterEach(() => {
    for (const pair of pairs.splice(0)) pair.close();
  });
  const track = (pair: RtpSocketPair): RtpSocketPair => (pairs.push(pair), pair);

  it("defaults to 10000-20000", () => {
    assert.deepEqual({ ...DEFAULT_RTP_PORT_RANGE }, { min: 10000, max: 20000 });
  });

  it("binds an even RTP port and the next odd one for RTCP, inside the range", async () => {
    const pair = track(await bindRtpSocketPair(HOST, TEST_RANGE));
    assert.equal(pair.rtpPort % 2, 0);
    assert.equal(pair.rtcpPort, pair.rtpPort + 1);
    assert.ok(pair.rtpPort >= TEST_RANGE.min && pair.rtcpPort <= TEST_RANGE.max);
    assert.deepEqual(pair.rtp.address(), { address: HOST, family: "IPv4", port: pair.rtpPort });
    assert.deepEqual(pair.rtcp.address(), { address: HOST, family: "IPv4", port: pair.rtcpPort });
  });

  it("starts where random() points and moves past a taken pair", async () => {
    const first = track(await bindRtpSocketPair(HOST, TEST_RANGE));
    const range = { min: first.rtpPort, max: first.rtpPort + 3 };
    const second = track(await bindRtpSocketPair(HOST, range, { random: () => 0 }));
    assert.equal(second.rtpPort, first.rtpPort + 2);
  });

  it("fails clearly when every pair of the range is taken", async () => {
    const taken = track(await bindRtpSocketPair(HOST, TEST_RANGE));
    const range = { min: taken.rtpPort, max: taken.rtcpPort };
    await assert.rejects(bindRtpSocketPair(HOST, range), (error: unknown) => {
      assert.ok(error instanceof SipcastError);
      assert.equal(error.code, "RTP_PORTS_EXHAUSTED");
      assert.match(error.message, new RegExp(`${range.min}-${range.max}`));
      return true;
    });
  });

  it("releases the RTP port when only the RTCP port is taken", async () => {
    const probe = await bindRtpSocketPair(HOST, TEST_RANGE);
    const port = probe.rtpPort;
    probe.close();
    const blocker = await bindUdp(port + 1);
    try {
      await assert.rejects(bindRtpSocketPair(HOST, { min: port, max: port + 1 }), { code: "RTP_PORTS_EXHAUSTED" });
      const again = await bindUdp(port); // would be EADDRINUSE if the RTP socket leaked
      closeQuietly(again);
    } finally {
      closeQuietly(blocker);
    }
  });

  it("after close() both ports can be bound again; close() is idempotent", async () => {
    const pair = await bindRtpSocketPair(HOST, TEST_RANGE);
    pair.close();
    pair.close();
    const again = track(await bindRtpSocketPair(HOST, { min: pair.rtpPort, max: pair.rtcpPort }));
    assert.equal(again.rtpPort, pair.rtpPort);
  });

  it("rejects a malformed range or one without an even/odd pair", async () => {
    await assert.rejects(bindRtpSocketPair(HOST, { min: 20000, max: 10000 }), ConfigError);
    await assert.rejects(bindRtpSocketPair(HOST, { min: 0, max: 10 }), ConfigError);
    await assert.rejects(bindRtpSocketPair(HOST, { min: 31001, max: 31002 }), ConfigError);
  });
});
