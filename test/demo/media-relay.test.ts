import { strict as assert } from "node:assert";
import * as dgram from "node:dgram";
import { bindRtpSocketPair, type RtpSocketPair } from "../../src/rtp";
import { MediaRelay } from "../../src/demo/media-relay";

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
});
