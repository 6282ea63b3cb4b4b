import assert from "node:assert/strict";
import type * as dgram from "node:dgram";
import { RtcpPacketConverter, RtcpRrPacket, RtcpSenderInfo, RtcpSourceDescriptionPacket, RtcpSrPacket } from "werift-rtp";
import { InvalidStateError } from "../../src/errors";
import { buildFir, buildPli } from "../../src/rtp/rtcp-feedback";
import { buildSdesCname } from "../../src/rtp/rtcp-report";
import { MAX_PENDING_BYTES_BEFORE_REMOTE, RtpChannel, type RtpChannelOptions, type RtpRemote } from "../../src/rtp/rtp-channel";
import { bindRtpSocketPair } from "../../src/rtp/rtp-socket-pair";
import { FakeClock } from "./helpers/fake-clock";
import { Inbox, bindUdp, closeQuietly, portOf, rtp, sendTo, waitFor } from "./helpers/udp";

const HOST = "127.0.0.1";
const RANGE = { min: 31000, max: 39999 };
const LOCAL_SSRC = 0x51c0ca57;
const PEER_SSRC = 0xcafebabe;
const SR_NTP = 0x1122334455667788n;

const senderReport = (): Buffer =>
  Buffer.from(
    new RtcpSrPacket({
      ssrc: PEER_SSRC,
      senderInfo: new RtcpSenderInfo({ ntpTimestamp: SR_NTP, rtpTimestamp: 0, packetCount: 3, octetCount: 12 }),
    }).serialize(),
  );

interface Fixture {
  clock: FakeClock;
  channel: RtpChannel;
  /** Where the peer really sends from. */
  peerRtp: dgram.Socket;
  peerRtcp: dgram.Socket;
  /** The ports the peer's SDP names; the peer never sends from them. */
  sdpRtp: dgram.Socket;
  sdpRtcp: dgram.Socket;
  remote: RtpRemote;
  rtpEvents: number[];
}

describe("rtp/RtpChannel (loopback)", () => {
  let fx: Fixture;
  const extraSockets: dgram.Socket[] = [];

  async function setup(options: Partial<RtpChannelOptions> = {}): Promise<Fixture> {
    const clock = new FakeClock();
    const sockets = await bindRtpSocketPair(HOST, RANGE);
    const channel = new RtpChannel({
      kind: "video",
      sockets,
      clockRate: 90000,
      localSsrc: LOCAL_SSRC,
      cname: "sipcast-test",
      clock,
      ...options,
    });
    const [peerRtp, peerRtcp, sdpRtp, sdpRtcp] = await Promise.all([bindUdp(), bindUdp(), bindUdp(), bindUdp()]);
    const remote: RtpRemote = {
      address: HOST,
      rtpPort: portOf(sdpRtp),
      rtcpPort: portOf(sdpRtcp),
      rtcpMux: false,
      payloadTypes: [96],
    };
    const rtpEvents: number[] = [];
    channel.on("rtp", (packet) => rtpEvents.push(packet.header.sequenceNumber));
    return { clock, channel, peerRtp, peerRtcp, sdpRtp, sdpRtcp, remote, rtpEvents };
  }

  afterEach(() => {
    fx.channel.close();
    closeQuietly(fx.peerRtp, fx.peerRtcp, fx.sdpRtp, fx.sdpRtcp, ...extraSockets.splice(0));
  });

  it("latches RTP and RTCP to the peer's real sources and sends PLI + FIR to its RTCP source", async () => {
    fx = await setup();
    const { channel, remote } = fx;
    const sdpRtcpInbox = new Inbox(fx.sdpRtcp);
    const peerRtcpInbox = new Inbox(fx.peerRtcp);
    const peerRtpInbox = new Inbox(fx.peerRtp);
    const latched: string[] = [];
    channel.on("latched", (flow, e) => latched.push(`${flow}:${e.port}`));
    channel.setRemote(remote);

    // Before anything arrives, requests go to the SDP's RTCP port (no SSRC known yet: 0).
    assert.equal(channel.requestKeyframe(), true);
    assert.deepEqual((await sdpRtcpInbox.next()).data, buildPli(LOCAL_SSRC, 0));
    assert.deepEqual((await sdpRtcpInbox.next()).data, buildFir(LOCAL_SSRC, 0, 0));

    await sendTo(fx.peerRtp, rtp({ payloadType: 96, sequenceNumber: 1, ssrc: PEER_SSRC }), channel.rtpPort);
    await sendTo(fx.peerRtcp, senderReport(), channel.rtcpPort);
    await waitFor(() => channel.toJSON().rtcpReceived === 1 && fx.rtpEvents.length === 1);
    assert.deepEqual(latched, [`rtp:${portOf(fx.peerRtp)}`, `rtcp:${portOf(fx.peerRtcp)}`]);
    const json = channel.toJSON();
    assert.equal(json.rtpDestination, `${HOST}:${portOf(fx.peerRtp)}`);
    assert.equal(json.rtcpDestination, `${HOST}:${portOf(fx.peerRtcp)}`);
    assert.equal(json.remoteSsrc, PEER_SSRC);

    assert.equal(channel.requestKeyframe(), true);
    const pli = await peerRtcpInbox.next();
    const fir = await peerRtcpInbox.next();
    assert.deepEqual(pli.data, buildPli(LOCAL_SSRC, PEER_SSRC));
    assert.deepEqual(fir.data, buildFir(LOCAL_SSRC, PEER_SSRC, 1));
    assert.equal(pli.port, channel.rtcpPort);
    assert.equal(sdpRtcpInbox.size, 0);

    const out = rtp({ payloadType: 0, sequenceNumber: 77, ssrc: LOCAL_SSRC });
    assert.equal(channel.sendRtp(out), true);
    const sent = await peerRtpInbox.next();
    assert.deepEqual(sent.data, out);
    assert.equal(sent.port, channel.rtpPort);
    assert.deepEqual(
      { pliSent: channel.toJSON().pliSent, firSent: channel.toJSON().firSent, rtpSent: channel.toJSON().rtpSent },
      { pliSent: 2, firSent: 2, rtpSent: 1 },
    );
  });

  it("drops packets from other sources after latching, and unaccepted payload types", async () => {
    fx = await setup();
    const { channel } = fx;
    channel.setRemote(fx.remote);
    const intruder = await bindUdp();
    extraSockets.push(intruder);
    await sendTo(fx.peerRtp, rtp({ payloadType: 96, sequenceNumber: 1 }), channel.rtpPort);
    await waitFor(() => fx.rtpEvents.length === 1);
    await sendTo(intruder, rtp({ payloadType: 96, sequenceNumber: 2 }), channel.rtpPort);
    await sendTo(intruder, senderReport(), channel.rtcpPort); // latches RTCP: first RTCP source
    await sendTo(fx.peerRtcp, senderReport(), channel.rtcpPort); // now foreign
    await sendTo(fx.peerRtp, rtp({ payloadType: 50, sequenceNumber: 3 }), channel.rtpPort);
    await sendTo(fx.peerRtp, Buffer.from([0x80, 0x60, 0x00]), channel.rtpPort);
    await sendTo(fx.peerRtp, rtp({ payloadType: 96, sequenceNumber: 4 }), channel.rtpPort);
    // The two sockets are read independently: wait for both to be drained.
    await waitFor(() => fx.rtpEvents.length === 2 && channel.toJSON().dropped.foreignSource === 2);
    assert.deepEqual(fx.rtpEvents, [1, 4]);
    const json = channel.toJSON();
    assert.deepEqual(json.dropped, { invalid: 1, payloadType: 1, foreignSource: 2, pendingOverflow: 0 });
    assert.equal(json.rtcpDestination, `${HOST}:${portOf(intruder)}`);
    assert.equal(json.packetsReceived, 2);
  });

  it("keeps packets that arrive before setRemote and processes them in order", async () => {
    fx = await setup();
    const { channel } = fx;
    const rtcpEvents: Buffer[] = [];
    channel.on("rtcp", (buf) => rtcpEvents.push(buf));
    for (const seq of [1, 2, 3]) {
      await sendTo(fx.peerRtp, rtp({ payloadType: 96, sequenceNumber: seq, ssrc: PEER_SSRC }), channel.rtpPort);
    }
    await sendTo(fx.peerRtcp, senderReport(), channel.rtcpPort);
    await waitFor(() => channel.toJSON().pendingBeforeRemote === 4);
    assert.deepEqual(fx.rtpEvents, []);

    channel.setRemote(fx.remote);
    assert.deepEqual(fx.rtpEvents, [1, 2, 3]);
    assert.deepEqual(rtcpEvents, [senderReport()]);
    const json = channel.toJSON();
    assert.equal(json.pendingBeforeRemote, 0);
    assert.equal(json.packetsReceived, 3);
    assert.equal(json.rtpDestination, `${HOST}:${portOf(fx.peerRtp)}`);
    assert.equal(json.rtcpDestination, `${HOST}:${portOf(fx.peerRtcp)}`);
  });

  describe("strict source (rtpSourceCheck)", () => {
    /** A sender on another loopback address: not the peer's SDP address (127.0.0.1). */
    const ATTACKER = "127.0.0.2";
    const warnings: string[] = [];
    const logger = { log: (level: string, _c: string, message: string) => level === "warn" && warnings.push(message) };
    beforeEach(() => warnings.splice(0));

    it('"signalled": an attacker spraying before and after the answer is dropped; our packets go to the peer only', async () => {
      fx = await setup({ logger });
      const { channel } = fx;
      const attackRtp = await bindUdp(0, ATTACKER);
      const attackRtcp = await bindUdp(0, ATTACKER);
      extraSockets.push(attackRtp, attackRtcp);
      const attackerInbox = [new Inbox(attackRtp), new Inbox(attackRtcp)];
      const peerRtpInbox = new Inbox(fx.peerRtp);
      const peerRtcpInbox = new Inbox(fx.peerRtcp);
      // While ringing: the attacker first (it would have latched), then the peer.
      for (const seq of [100, 101, 102, 103, 104]) await sendTo(attackRtp, rtp({ payloadType: 96, sequenceNumber: seq, ssrc: 0xbad }), channel.rtpPort);
      await sendTo(attackRtcp, senderReport(), channel.rtcpPort);
      await sendTo(fx.peerRtp, rtp({ payloadType: 96, sequenceNumber: 1, ssrc: PEER_SSRC }), channel.rtpPort);
      await sendTo(fx.peerRtcp, senderReport(), channel.rtcpPort);
      await waitFor(() => channel.toJSON().pendingBeforeRemote === 8);
      channel.setRemote(fx.remote);
      assert.deepEqual(fx.rtpEvents, [1]);
      // After the answer, too.
      await sendTo(attackRtp, rtp({ payloadType: 96, sequenceNumber: 105, ssrc: 0xbad }), channel.rtpPort);
      await sendTo(attackRtcp, senderReport(), channel.rtcpPort);
      await sendTo(fx.peerRtp, rtp({ payloadType: 96, sequenceNumber: 2, ssrc: PEER_SSRC }), channel.rtpPort);
      await waitFor(() => fx.rtpEvents.length === 2 && channel.toJSON().dropped.foreignSource === 8);
      assert.deepEqual(fx.rtpEvents, [1, 2]);
      const json = channel.toJSON();
      assert.equal(json.rtpDestination, `${HOST}:${portOf(fx.peerRtp)}`);
      assert.equal(json.rtcpDestination, `${HOST}:${portOf(fx.peerRtcp)}`);
      assert.equal(json.sourceCheck, "signalled");
      assert.equal(json.expectedAddress, HOST);
      assert.equal(json.remoteSsrc, PEER_SSRC);
      // What we send (DTMF, keyframe requests) reaches the peer; the attacker hears nothing.
      assert.equal(channel.sendRtp(rtp({ payloadType: 101, sequenceNumber: 7, ssrc: LOCAL_SSRC })), true);
      channel.requestKeyframe();
      assert.equal((await peerRtpInbox.next()).port, channel.rtpPort);
      assert.deepEqual((await peerRtcpInbox.next()).data, buildPli(LOCAL_SSRC, PEER_SSRC));
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(attackerInbox.map((i) => i.size), [0, 0]);
      // Logged once for the whole burst (rate-limited), naming the source.
      assert.equal(warnings.length, 1, warnings.join("\n"));
      assert.match(warnings[0], /127\.0\.0\.2:\d+/);
    });

    it('"signalled": an early SDP (183) names the peer, so foreign datagrams are not even kept for the answer', async () => {
      fx = await setup();
      const { channel } = fx;
      const attacker = await bindUdp(0, ATTACKER);
      extraSockets.push(attacker);
      channel.expectPeerAddress(HOST);
      await sendTo(attacker, rtp({ payloadType: 96, sequenceNumber: 1, ssrc: 0xbad }), channel.rtpPort);
      await sendTo(fx.peerRtp, rtp({ payloadType: 96, sequenceNumber: 1, ssrc: PEER_SSRC }), channel.rtpPort);
      await waitFor(() => channel.toJSON().pendingBeforeRemote === 1 && channel.toJSON().dropped.foreignSource === 1);
      channel.setRemote(fx.remote);
      assert.deepEqual(fx.rtpEvents, [1]);
      assert.equal(channel.toJSON().rtpDestination, `${HOST}:${portOf(fx.peerRtp)}`);
    });

    it('"signalled": early media from the 183\'s port, then an answer naming another port: the answer\'s source latches', async () => {
      fx = await setup();
      const { channel } = fx;
      const announcement = await bindUdp(0, HOST);
      extraSockets.push(announcement);
      channel.expectPeerAddress(HOST, portOf(announcement));
      await sendTo(announcement, rtp({ payloadType: 96, sequenceNumber: 1, ssrc: 0xa11 }), channel.rtpPort);
      await waitFor(() => channel.toJSON().pendingBeforeRemote === 1);
      channel.setRemote(fx.remote); // the answer names the SDP ports of the callee, not the announcement's
      await sendTo(fx.peerRtp, rtp({ payloadType: 96, sequenceNumber: 7, ssrc: PEER_SSRC }), channel.rtpPort);
      await waitFor(() => fx.rtpEvents.length === 2);
      assert.deepEqual(fx.rtpEvents, [1, 7]);
      assert.equal(channel.toJSON().rtpDestination, `${HOST}:${portOf(fx.peerRtp)}`);
      assert.equal(channel.toJSON().dropped.foreignSource, 0);
    });

    it('"signalled": a re-INVITE to the same address keeps the latch; one that moves the peer re-latches at the new address only', async () => {
      fx = await setup();
      const { channel } = fx;
      channel.setRemote(fx.remote);
      await sendTo(fx.peerRtp, rtp({ payloadType: 96, sequenceNumber: 1 }), channel.rtpPort);
      await waitFor(() => fx.rtpEvents.length === 1);
      channel.setRemote({ ...fx.remote }); // a session refresh: nothing moved
      assert.equal(channel.toJSON().rtpLatched, true);
      channel.setRemote({ ...fx.remote, address: "0.0.0.0" }); // old-style hold: the peer may still send from where it was
      assert.equal(channel.toJSON().rtpLatched, true);
      assert.equal(channel.toJSON().expectedAddress, HOST);
      const moved = await bindUdp(0, ATTACKER);
      extraSockets.push(moved);
      channel.setRemote({ ...fx.remote, address: ATTACKER });
      assert.equal(channel.toJSON().rtpLatched, false);
      await sendTo(fx.peerRtp, rtp({ payloadType: 96, sequenceNumber: 2 }), channel.rtpPort); // the old address: refused now
      await sendTo(moved, rtp({ payloadType: 96, sequenceNumber: 3 }), channel.rtpPort);
      await waitFor(() => fx.rtpEvents.length === 2);
      assert.deepEqual(fx.rtpEvents, [1, 3]);
      assert.equal(channel.toJSON().rtpDestination, `${ATTACKER}:${portOf(moved)}`);
      assert.equal(channel.toJSON().dropped.foreignSource, 1);
    });

    it('"learn": the first source with 4 in-sequence packets becomes the peer, wherever it is; its held packets are delivered', async () => {
      fx = await setup({ sourceCheck: "learn" });
      const { channel } = fx;
      const natted = await bindUdp(0, ATTACKER); // the SDP says 127.0.0.1 (a "private" address); the peer is elsewhere
      const natRtcp = await bindUdp(0, ATTACKER);
      extraSockets.push(natted, natRtcp);
      const inbox = new Inbox(natted);
      channel.setRemote(fx.remote);
      await sendTo(natRtcp, senderReport(), channel.rtcpPort); // RTCP before the RTP source is learnt: dropped
      await waitFor(() => channel.toJSON().dropped.foreignSource === 1);
      for (const seq of [10, 11, 12]) await sendTo(natted, rtp({ payloadType: 96, sequenceNumber: seq, ssrc: PEER_SSRC }), channel.rtpPort);
      await new Promise((r) => setTimeout(r, 30));
      assert.deepEqual(fx.rtpEvents, [], "on probation: held");
      assert.equal(channel.toJSON().rtpLatched, false);
      await sendTo(natted, rtp({ payloadType: 96, sequenceNumber: 13, ssrc: PEER_SSRC }), channel.rtpPort);
      await waitFor(() => fx.rtpEvents.length === 4);
      assert.deepEqual(fx.rtpEvents, [10, 11, 12, 13]);
      assert.equal(channel.toJSON().rtpDestination, `${ATTACKER}:${portOf(natted)}`);
      // RTCP now from the learnt address (any port), nothing from the SDP's address.
      await sendTo(natRtcp, senderReport(), channel.rtcpPort);
      await sendTo(fx.peerRtcp, senderReport(), channel.rtcpPort);
      await waitFor(() => channel.toJSON().rtcpReceived === 1 && channel.toJSON().dropped.foreignSource === 2);
      assert.equal(channel.toJSON().rtcpDestination, `${ATTACKER}:${portOf(natRtcp)}`);
      assert.equal(channel.toJSON().expectedAddress, ATTACKER);
      // A latecomer at the SDP address is refused, and we send to the learnt source.
      await sendTo(fx.peerRtp, rtp({ payloadType: 96, sequenceNumber: 14 }), channel.rtpPort);
      await waitFor(() => channel.toJSON().dropped.foreignSource === 3);
      channel.sendRtp(rtp({ payloadType: 96, sequenceNumber: 1, ssrc: LOCAL_SSRC }));
      assert.equal((await inbox.next()).port, channel.rtpPort);
    });

    it("refuses an unknown sourceCheck", async () => {
      const sockets = await bindRtpSocketPair(HOST, RANGE);
      assert.throws(() => new RtpChannel({ kind: "audio", sockets, clockRate: 8000, sourceCheck: "any" as never }), /sourceCheck/);
      sockets.close();
      fx = await setup();
    });
  });

  it("caps the datagrams kept before setRemote in bytes (MAX_PENDING_BYTES_BEFORE_REMOTE), dropping the oldest", async () => {
    fx = await setup();
    const { channel } = fx;
    const big = Buffer.alloc(60_000, 0x42);
    // 100 datagrams of ~60 kB: 6 MB, far under the 2000-datagram count. One at a time, so that none is lost on the way.
    for (let seq = 1; seq <= 100; seq++) {
      await sendTo(fx.peerRtp, rtp({ payloadType: 96, sequenceNumber: seq, ssrc: PEER_SSRC, payload: big }), channel.rtpPort);
      await waitFor(() => channel.toJSON().pendingBeforeRemote + channel.toJSON().dropped.pendingOverflow === seq);
    }
    const json = channel.toJSON();
    assert.ok(json.pendingBytesBeforeRemote <= MAX_PENDING_BYTES_BEFORE_REMOTE, `${json.pendingBytesBeforeRemote} bytes kept`);
    assert.ok(json.dropped.pendingOverflow >= 30, `overflow ${json.dropped.pendingOverflow}`);
    channel.setRemote(fx.remote);
    assert.equal(fx.rtpEvents.length, json.pendingBeforeRemote);
    assert.equal(fx.rtpEvents[0], 100 - json.pendingBeforeRemote + 1, "the newest are kept");
    assert.equal(fx.rtpEvents.at(-1), 100);
    assert.equal(channel.toJSON().pendingBytesBeforeRemote, 0);
  });

  it("sends RR + SDES every rrIntervalMs once RTP flows, with LSR/DLSR from the peer's SR", async () => {
    fx = await setup({ rrIntervalMs: 2000 });
    const { channel, clock } = fx;
    const inbox = new Inbox(fx.peerRtcp);
    channel.setRemote(fx.remote);
    clock.advance(5000);
    assert.equal(clock.pending, 0, "no report timer before RTP");

    await sendTo(fx.peerRtcp, senderReport(), channel.rtcpPort);
    for (const seq of [1, 2, 4]) {
      await sendTo(fx.peerRtp, rtp({ payloadType: 96, sequenceNumber: seq, ssrc: PEER_SSRC }), channel.rtpPort);
    }
    await waitFor(() => fx.rtpEvents.length === 3 && channel.toJSON().rtcpReceived === 1);
    clock.advance(2000);
    const { data, port } = await inbox.next();
    assert.equal(port, channel.rtcpPort);
    const [rr, sdes] = RtcpPacketConverter.deSerialize(data);
    assert.ok(rr instanceof RtcpRrPacket);
    assert.ok(sdes instanceof RtcpSourceDescriptionPacket);
    assert.equal(rr.ssrc, LOCAL_SSRC);
    assert.equal(rr.reports.length, 1);
    const block = rr.reports[0];
    assert.equal(block.ssrc, PEER_SSRC);
    assert.equal(block.highestSequence, 4);
    assert.equal(block.packetsLost, 1);
    assert.equal(block.fractionLost, 64); // 1 of 4
    assert.equal(block.lsr, 0x33445566);
    assert.equal(block.dlsr, 2 * 65536); // the SR arrived at fake time 5000, the report went at 7000
    assert.equal(sdes.chunks[0].items[0].text, "sipcast-test");

    clock.advance(2000);
    const second = RtcpPacketConverter.deSerialize((await inbox.next()).data)[0] as RtcpRrPacket;
    assert.equal(second.reports[0].fractionLost, 0);
    assert.equal(channel.toJSON().rtcpSent, 2);
  });

  it("remembers the peer's latest SR of the current SSRC (the SR alone) and an arrival anchor", async () => {
    fx = await setup();
    const { channel, clock } = fx;
    const sdes = buildSdesCname(PEER_SSRC, "peer");
    const srOf = (ssrc: number, ntp: bigint): Buffer =>
      Buffer.from(new RtcpSrPacket({ ssrc, senderInfo: new RtcpSenderInfo({ ntpTimestamp: ntp, rtpTimestamp: 9, packetCount: 1, octetCount: 1 }) }).serialize());
    channel.setRemote(fx.remote);
    assert.equal(channel.latestSenderReport(), undefined);
    assert.equal(channel.arrivalAnchor(), undefined);
    // Before any RTP: the latest SR of any source.
    await sendTo(fx.peerRtcp, Buffer.concat([srOf(PEER_SSRC, 1n), sdes]), channel.rtcpPort);
    await sendTo(fx.peerRtcp, srOf(0x0dd, 2n), channel.rtcpPort);
    await waitFor(() => channel.toJSON().rtcpReceived === 2);
    assert.deepEqual(channel.latestSenderReport(), srOf(0x0dd, 2n));
    // Once RTP names the source, that source's latest SR, without the SDES that came with it.
    clock.advance(1000);
    await sendTo(fx.peerRtp, rtp({ payloadType: 96, sequenceNumber: 1, timestamp: 90000, ssrc: PEER_SSRC }), channel.rtpPort);
    await waitFor(() => fx.rtpEvents.length === 1);
    assert.deepEqual(channel.latestSenderReport(), srOf(PEER_SSRC, 1n));
    await sendTo(fx.peerRtcp, srOf(PEER_SSRC, 3n), channel.rtcpPort);
    await waitFor(() => channel.toJSON().rtcpReceived === 3);
    assert.deepEqual(channel.latestSenderReport(), srOf(PEER_SSRC, 3n));
    assert.deepEqual(channel.arrivalAnchor(), { ssrc: PEER_SSRC, rtpTimestamp: 90000, atMs: 1000 });
  });

  it("emits keyframe once per H.264 keyframe, not per packet", async () => {
    fx = await setup();
    const { channel } = fx;
    let keyframes = 0;
    channel.on("keyframe", () => keyframes++);
    channel.setRemote(fx.remote);
    const send = (sequenceNumber: number, timestamp: number, payload: number[]) =>
      sendTo(fx.peerRtp, rtp({ payloadType: 96, sequenceNumber, timestamp, payload: Buffer.from(payload) }), channel.rtpPort);
    await send(1, 9000, [0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xce]); // STAP-A SPS+PPS
    await send(2, 9000, [0x7c, 0x85, 0x88]); // FU-A start, IDR
    await send(3, 9000, [0x7c, 0x45, 0x88]); // FU-A end
    await send(4, 12000, [0x41, 0x9a]); // P slice
    await send(5, 15000, [0x65, 0x88]); // IDR
    await waitFor(() => fx.rtpEvents.length === 5);
    assert.equal(keyframes, 2);
    assert.equal(channel.toJSON().keyframesReceived, 2);
  });

  it("audio channels detect no keyframes", async () => {
    fx = await setup({ kind: "audio", clockRate: 8000 });
    let keyframes = 0;
    fx.channel.on("keyframe", () => keyframes++);
    fx.channel.setRemote({ ...fx.remote, payloadTypes: [0, 101] });
    await sendTo(fx.peerRtp, rtp({ payloadType: 0, sequenceNumber: 1, payload: Buffer.from([0x65]) }), fx.channel.rtpPort);
    await waitFor(() => fx.rtpEvents.length === 1);
    assert.equal(keyframes, 0);
  });

  it("with rtcp-mux takes RTCP on the RTP port and answers from it", async () => {
    fx = await setup();
    const { channel } = fx;
    const inbox = new Inbox(fx.peerRtp);
    channel.setRemote({ ...fx.remote, rtcpMux: true });
    await sendTo(fx.peerRtp, rtp({ payloadType: 96, sequenceNumber: 1, ssrc: PEER_SSRC }), channel.rtpPort);
    await sendTo(fx.peerRtp, senderReport(), channel.rtpPort);
    await waitFor(() => channel.toJSON().rtcpReceived === 1);
    channel.requestKeyframe();
    const pli = await inbox.next();
    assert.deepEqual(pli.data, buildPli(LOCAL_SSRC, PEER_SSRC));
    assert.equal(pli.port, channel.rtpPort);
  });

  it("without rtcp-mux drops RTCP that comes to the RTP port", async () => {
    fx = await setup();
    fx.channel.setRemote(fx.remote);
    await sendTo(fx.peerRtp, senderReport(), fx.channel.rtpPort);
    await waitFor(() => fx.channel.toJSON().dropped.invalid === 1);
    assert.equal(fx.channel.toJSON().rtcpReceived, 0);
  });

  it("close() releases the ports and the timer, once", async () => {
    fx = await setup();
    const { channel, clock } = fx;
    let closes = 0;
    channel.on("close", () => closes++);
    channel.setRemote(fx.remote);
    await sendTo(fx.peerRtp, rtp({ payloadType: 96, sequenceNumber: 1 }), channel.rtpPort);
    await waitFor(() => fx.rtpEvents.length === 1);
    assert.equal(clock.pending, 1);
    channel.close();
    channel.close();
    assert.equal(closes, 1);
    assert.equal(channel.closed, true);
    assert.equal(clock.pending, 0);
    assert.equal(channel.requestKeyframe(), false);
    assert.equal(channel.sendRtp(rtp({ payloadType: 0, sequenceNumber: 1 })), false);
    assert.throws(() => channel.setRemote(fx.remote), InvalidStateError);
    const again = await bindRtpSocketPair(HOST, { min: channel.rtpPort, max: channel.rtcpPort });
    assert.equal(again.rtpPort, channel.rtpPort);
    again.close();
  });
});
