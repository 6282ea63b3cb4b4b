import { strict as assert } from "node:assert";
import * as dgram from "node:dgram";
import { bindRtpSocketPair, type RtpSocketPair } from "../../src/rtp";
import { MediaRelay } from "../../src/demo/media-relay";
import { ConfigError } from "../../src/errors";

function bindUdp(): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket("udp4");
    socket.once("error", reject);
    socket.bind({ address: "127.0.0.1", port: 0 }, () => resolve(socket));
  });
}

function next(socket: dgram.Socket): Promise<{ data: Buffer; port: number }> {
  return new Promise((resolve) => socket.once("message", (data, rinfo) => resolve({ data, port: rinfo.port })));
}

function send(socket: dgram.Socket, data: Buffer, port: number): Promise<void> {
  return new Promise((resolve, reject) => socket.send(data, port, "127.0.0.1", (e) => (e ? reject(e) : resolve())));
}

describe("MediaRelay (test meeting: ffmpeg → caller, from the advertised ports)", () => {
  let pair: RtpSocketPair;
  let ffmpeg: dgram.Socket;
  let callerRtp: dgram.Socket;
  let callerRtcp: dgram.Socket;

  beforeEach(async () => {
    pair = await bindRtpSocketPair("127.0.0.1", { min: 42000, max: 42999 });
    ffmpeg = await bindUdp();
    callerRtp = await bindUdp();
    callerRtcp = await bindUdp();
  });

  afterEach(() => {
    pair.close();
    for (const s of [ffmpeg, callerRtp, callerRtcp]) s.close();
  });

  it("re-sends RTP and RTCP unchanged from the advertised RTP and RTCP ports, and stops when closed", async () => {
    const relay = await MediaRelay.open(pair, { address: "127.0.0.1", rtpPort: callerRtp.address().port, rtcpPort: callerRtcp.address().port });
    const rtp = Buffer.from([0x80, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0xaa]);
    const gotRtp = next(callerRtp);
    await send(ffmpeg, rtp, relay.rtpPort);
    assert.deepEqual(await gotRtp, { data: rtp, port: pair.rtpPort });
    const rtcp = Buffer.from([0x80, 200, 0, 1, 0, 0, 0, 2]);
    const gotRtcp = next(callerRtcp);
    await send(ffmpeg, rtcp, relay.rtcpPort);
    assert.deepEqual(await gotRtcp, { data: rtcp, port: pair.rtcpPort });
    assert.deepEqual(relay.toJSON(), { rtp: 1, rtcp: 1, dropped: 0, destination: `127.0.0.1:${callerRtp.address().port}` });

    const port = relay.rtpPort;
    relay.close();
    relay.close();
    // The relay's socket is gone: its port can be bound again.
    const again = dgram.createSocket("udp4");
    await new Promise<void>((resolve, reject) => {
      again.once("error", reject);
      again.bind({ address: "127.0.0.1", port, exclusive: true }, () => resolve());
    });
    again.close();
  });

  it("with an impairment drops and delays RTP and RTCP toward the caller, and sends nothing after close()", async () => {
    const relay = await MediaRelay.open(pair, { address: "127.0.0.1", rtpPort: callerRtp.address().port, rtcpPort: callerRtcp.address().port }, { lossRate: 0.3, jitterMs: 20, seed: 9 });
    const got = { rtp: [] as number[], rtcp: [] as number[] };
    callerRtp.on("message", (d) => got.rtp.push(d[12]));
    callerRtcp.on("message", (d) => got.rtcp.push(d[8]));
    for (let i = 0; i < 100; i++) {
      await send(ffmpeg, Buffer.from([0x80, 0x60, 0, i, 0, 0, 0, 1, 0, 0, 0, 2, i]), relay.rtpPort);
      await send(ffmpeg, Buffer.from([0x80, 200, 0, 1, 0, 0, 0, 2, i]), relay.rtcpPort);
    }
    const stats = (): NonNullable<ReturnType<MediaRelay["toJSON"]>["impairment"]> => relay.toJSON().impairment ?? assert.fail("no impairment stats");
    const settled = (): boolean => {
      const { rtp, rtcp } = stats();
      return rtp.received + rtcp.received === 200 && rtp.pending + rtcp.pending === 0 && got.rtp.length + got.rtcp.length === rtp.sent + rtcp.sent;
    };
    for (let waited = 0; !settled(); waited += 10) {
      if (waited > 10_000) assert.fail(`not all sent datagrams arrived: ${JSON.stringify(relay.toJSON())}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const { rtp, rtcp } = stats();
    assert.equal(rtp.received, 100);
    assert.equal(rtcp.received, 100);
    assert.ok(rtp.dropped >= 15 && rtp.dropped <= 45, `RTP dropped ${rtp.dropped} of 100 at 30 %`);
    assert.ok(rtcp.dropped >= 15 && rtcp.dropped <= 45, `RTCP dropped ${rtcp.dropped} of 100 at 30 %`);
    assert.notDeepEqual(got.rtp, got.rtcp, "RTP and RTCP draw their own losses");
    assert.equal(got.rtp.length, 100 - rtp.dropped);
    assert.equal(new Set(got.rtp).size, got.rtp.length, "no datagram twice");

    // Pending delays die with the relay.
    const before = got.rtp.length;
    const slow = await MediaRelay.open(pair, { address: "127.0.0.1", rtpPort: callerRtp.address().port, rtcpPort: callerRtcp.address().port }, { lossRate: 0, jitterMs: 300, seed: 1 });
    for (let i = 0; i < 10; i++) await send(ffmpeg, Buffer.from([0x80, 0x60, 0, i, 0, 0, 0, 1, 0, 0, 0, 2, 200 + i]), slow.rtpPort);
    for (let waited = 0; (slow.toJSON().impairment?.rtp.received ?? 0) < 10; waited += 5) {
      if (waited > 5000) assert.fail("the relay did not receive the datagrams");
      await new Promise((r) => setTimeout(r, 5));
    }
    const sentBeforeClose = slow.toJSON().impairment?.rtp.sent ?? 0;
    slow.close();
    relay.close();
    await new Promise((r) => setTimeout(r, 400));
    assert.ok(sentBeforeClose < 10);
    assert.equal(got.rtp.length, before + sentBeforeClose, "nothing sent after close()");
  });

  it("with withholdRtcp sends the caller RTP but no RTCP at all", async () => {
    const relay = await MediaRelay.open(pair, { address: "127.0.0.1", rtpPort: callerRtp.address().port, rtcpPort: callerRtcp.address().port }, { lossRate: 0, jitterMs: 0, withholdRtcp: true });
    let rtcpSeen = 0;
    callerRtcp.on("message", () => rtcpSeen++);
    const gotRtp = next(callerRtp);
    await send(ffmpeg, Buffer.from([0x80, 200, 0, 1, 0, 0, 0, 2]), relay.rtcpPort);
    await send(ffmpeg, Buffer.from([0x80, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0xaa]), relay.rtpPort);
    assert.equal((await gotRtp).data[12], 0xaa);
    // The RTCP datagram was sent first: had it been relayed, it would have arrived by now.
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(rtcpSeen, 0);
    assert.deepEqual({ rtp: relay.toJSON().rtp, rtcp: relay.toJSON().rtcp, dropped: relay.toJSON().dropped }, { rtp: 1, rtcp: 0, dropped: 1 });
    relay.close();
  });

  it("refuses an impossible impairment before binding anything", async () => {
    await assert.rejects(MediaRelay.open(pair, { address: "127.0.0.1", rtpPort: 9, rtcpPort: 10 }, { lossRate: 2, jitterMs: 0 }), ConfigError);
  });
});
