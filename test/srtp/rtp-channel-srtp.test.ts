import assert from "node:assert/strict";
import type * as dgram from "node:dgram";
import { RtcpPacketConverter } from "werift-rtp";
import { RtpChannel } from "../../src/rtp/rtp-channel";
import { bindRtpSocketPair } from "../../src/rtp/rtp-socket-pair";
import type { SdesKey } from "../../src/srtp/sdes-crypto";
import { SrtpTransform } from "../../src/srtp/srtp-transform";
import { Inbox, bindUdp, closeQuietly, portOf, rtp, sendTo, waitFor } from "../rtp/helpers/udp";

const HOST = "127.0.0.1";
const OURS: SdesKey = { tag: 1, suite: "AES_CM_128_HMAC_SHA1_80", keyMaterial: Buffer.alloc(30, 0x11) };
const THEIRS: SdesKey = { tag: 1, suite: "AES_CM_128_HMAC_SHA1_80", keyMaterial: Buffer.alloc(30, 0x22) };

/** The SRTP hook of RtpChannel on real loopback sockets: the peer speaks only SRTP/SRTCP. */
describe("rtp/RtpChannel with SRTP at the socket edge", () => {
  let channel: RtpChannel;
  let peerRtp: dgram.Socket;
  let peerRtcp: dgram.Socket;
  /** The peer's end of the same keys. */
  const peer = new SrtpTransform("AES_CM_128_HMAC_SHA1_80", THEIRS, OURS);

  beforeEach(async () => {
    channel = new RtpChannel({ kind: "audio", sockets: await bindRtpSocketPair(HOST, { min: 41000, max: 48999 }), clockRate: 8000, localSsrc: 0x1234 });
    [peerRtp, peerRtcp] = await Promise.all([bindUdp(), bindUdp()]);
    channel.setProtector(new SrtpTransform("AES_CM_128_HMAC_SHA1_80", OURS, THEIRS));
    channel.setRemote({ address: HOST, rtpPort: portOf(peerRtp), rtcpPort: portOf(peerRtcp), rtcpMux: false, payloadTypes: [0] });
  });

  afterEach(() => {
    channel.close();
    closeQuietly(peerRtp, peerRtcp);
  });

  it("hands decrypted RTP to the pipeline and drops plain or forged packets", async () => {
    const got: Buffer[] = [];
    channel.on("rtp", (_packet, raw) => got.push(raw));
    const plain = rtp({ payloadType: 0, sequenceNumber: 10, payload: Buffer.from("tone-samples") });
    await sendTo(peerRtp, rtp({ payloadType: 0, sequenceNumber: 9 }), channel.rtpPort);
    await sendTo(peerRtp, peer.protectRtp(plain), channel.rtpPort);
    await waitFor(() => got.length === 1);
    assert.deepEqual(got[0], plain);
    assert.equal(channel.toJSON().dropped.invalid, 1, "the plain packet");
  });

  it("sends our RTP and RTCP (keyframe requests, reports) protected", async () => {
    const rtpInbox = new Inbox(peerRtp);
    const rtcpInbox = new Inbox(peerRtcp);
    const plain = rtp({ payloadType: 0, sequenceNumber: 5, ssrc: 0x1234, payload: Buffer.from("dtmf-event") });
    assert.ok(channel.sendRtp(plain));
    const wire = (await rtpInbox.next()).data;
    assert.notDeepEqual(wire, plain);
    assert.ok(!wire.includes(Buffer.from("dtmf-event")));
    assert.deepEqual(peer.unprotectRtp(wire), plain);
    assert.ok(channel.requestKeyframe());
    const pli = peer.unprotectRtcp((await rtcpInbox.next()).data);
    assert.ok(pli, "the PLI authenticates with our key");
    assert.equal(RtcpPacketConverter.deSerialize(pli).length, 1);
    assert.equal(pli[1], 206, "PSFB");
  });
});
