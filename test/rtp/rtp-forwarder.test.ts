import assert from "node:assert/strict";
import { RtpPacket } from "werift-rtp";
import { InvalidStateError } from "../../src/errors";
import { buildCompoundBye } from "../../src/rtp/rtcp-bye";
import { MAX_FORWARDER_QUEUE_BYTES, RtpForwarder } from "../../src/rtp/rtp-forwarder";
import { bindRtpSocketPair, type RtpSocketPair } from "../../src/rtp/rtp-socket-pair";
import { FakeClock } from "./helpers/fake-clock";
import { Inbox, bindUdp, closeQuietly, rtp, waitFor } from "./helpers/udp";

const HOST = "127.0.0.1";
const RANGE = { min: 31000, max: 39999 };
const PEER_SSRC = 0xcafebabe;
const SR = Buffer.from("80c80006cafebabe1122334455667788000000000000000300000012", "hex");

describe("rtp/RtpForwarder (loopback)", () => {
  let consumer: RtpSocketPair;
  let rtpInbox: Inbox;
  let rtcpInbox: Inbox;
  let forwarder: RtpForwarder;

  beforeEach(async () => {
    // The "ffmpeg": an RTP port and RTP+1 for RTCP.
    consumer = await bindRtpSocketPair(HOST, RANGE);
    rtpInbox = new Inbox(consumer.rtp);
    rtcpInbox = new Inbox(consumer.rtcp);
  });

  afterEach(() => {
    forwarder.close();
    consumer.close();
  });

  it("queues until open(), then delivers in order with the PT rewritten and telephone-event dropped", async () => {
    forwarder = new RtpForwarder({ payloadTypes: [96], outputPayloadType: 97, reporterSsrc: 0xaabbccdd });
    const first = rtp({ payloadType: 96, sequenceNumber: 1, marker: true, ssrc: PEER_SSRC });
    const firstCopy = Buffer.from(first);
    forwarder.pushRtp(first);
    forwarder.pushRtp(rtp({ payloadType: 101, sequenceNumber: 2, ssrc: PEER_SSRC }));
    forwarder.pushRtcp(SR);
    forwarder.pushRtp(rtp({ payloadType: 96, sequenceNumber: 3, ssrc: PEER_SSRC }));
    forwarder.pushRtp(RtpPacket.deSerialize(rtp({ payloadType: 96, sequenceNumber: 4, ssrc: PEER_SSRC })));
    assert.equal(forwarder.toJSON().queued, 4);
    assert.equal(rtpInbox.size + rtcpInbox.size, 0);

    await forwarder.open(consumer.rtpPort);
    forwarder.pushRtp(rtp({ payloadType: 96, sequenceNumber: 5, ssrc: PEER_SSRC })); // live, after open

    const received = [];
    for (let i = 0; i < 4; i++) received.push(RtpPacket.deSerialize((await rtpInbox.next()).data).header);
    assert.deepEqual(
      received.map((h) => [h.sequenceNumber, h.payloadType, h.marker, h.ssrc]),
      [
        [1, 97, true, PEER_SSRC],
        [3, 97, false, PEER_SSRC],
        [4, 97, false, PEER_SSRC],
        [5, 97, false, PEER_SSRC],
      ],
    );
    const rtcp = await rtcpInbox.next();
    assert.deepEqual(rtcp.data, SR);
    assert.deepEqual(first, firstCopy, "the caller's buffer is left alone");

    // The BYE goes to the RTP port by default, behind the media; only once.
    assert.equal(forwarder.sendBye(), true);
    assert.equal(forwarder.sendBye(), false);
    assert.deepEqual((await rtpInbox.next()).data, buildCompoundBye(0xaabbccdd, [PEER_SSRC]));
    assert.equal(rtcp.port, forwarder.toJSON().localPort);
    assert.deepEqual(forwarder.toJSON(), {
      state: "open",
      port: consumer.rtpPort,
      localPort: rtcp.port,
      queued: 0,
      queuedBytes: 0,
      forwardedRtp: 4,
      forwardedRtcp: 1,
      byeSent: true,
      byeStripped: 0,
      rtcpWithheld: 0,
      dropped: { payloadType: 1, invalid: 0, overflow: 0, discarded: 0, straggler: 0 },
      ssrcs: [PEER_SSRC],
    });
  });

  it("with a timeline: a new SSRC reaches the consumer as the same stream, continuous; the peer's SRs stop, a leading SR is mapped", async () => {
    const NEW_SSRC = 0x0d15ea5e;
    forwarder = new RtpForwarder({ payloadTypes: [0], outputPayloadType: 0, timeline: { clockRate: 8000 } });
    await forwarder.open(consumer.rtpPort);
    for (let i = 0; i < 3; i++) forwarder.pushRtp(rtp({ payloadType: 0, sequenceNumber: 10 + i, timestamp: 1600 + i * 160, ssrc: PEER_SSRC }), i * 20);
    forwarder.pushRtcp(SR);
    for (let i = 0; i < 2; i++) forwarder.pushRtp(rtp({ payloadType: 0, sequenceNumber: 5000 + i, timestamp: 9_999_999 + i * 160, ssrc: NEW_SSRC }), 60 + i * 20);
    const newSr = Buffer.from(SR);
    newSr.writeUInt32BE(NEW_SSRC, 4);
    newSr.writeUInt32BE(9_999_999 + 800, 16);
    forwarder.pushRtcp(newSr);
    forwarder.pushLeadingRtcp(newSr);
    const headers = [];
    for (let i = 0; i < 5; i++) headers.push(RtpPacket.deSerialize((await rtpInbox.next()).data).header);
    assert.deepEqual(
      headers.map((h) => [h.ssrc, h.sequenceNumber, h.timestamp]),
      [10, 11, 12, 13, 14].map((seq, i) => [PEER_SSRC, seq, 1600 + i * 160]),
    );
    assert.deepEqual((await rtcpInbox.next()).data, SR, "the peer's SR before any change passes as is");
    const leading = (await rtpInbox.next()).data;
    assert.deepEqual([leading.readUInt32BE(4), leading.readUInt32BE(16)], [PEER_SSRC, 1600 + 3 * 160 + 800], "the new source's SR, on the output timeline");
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(rtcpInbox.size, 0, "the new source's own SR is withheld");
    const json = forwarder.toJSON();
    assert.equal(json.rtcpWithheld, 1);
    assert.deepEqual(json.ssrcs, [PEER_SSRC]);
    assert.deepEqual(json.timeline, { outputSsrc: PEER_SSRC, ssrcChanges: 1, seqRebases: 1, timestampRebases: 1, stragglers: 0, settled: 0, resumed: 0, placed: 0 });
  });

  it("withholds the RTCP of a source whose RTP has not come yet (a re-INVITE's new sender reports first)", async () => {
    forwarder = new RtpForwarder({ payloadTypes: [0], outputPayloadType: 0, timeline: { clockRate: 8000 } });
    await forwarder.open(consumer.rtpPort);
    forwarder.pushRtp(rtp({ payloadType: 0, sequenceNumber: 10, timestamp: 1600, ssrc: PEER_SSRC }), 0);
    await rtpInbox.next();
    const early = Buffer.from(SR);
    early.writeUInt32BE(0x0d15ea5e, 4);
    forwarder.pushRtcp(early);
    forwarder.pushRtcp(SR);
    assert.deepEqual((await rtcpInbox.next()).data, SR, "the current source's SR passes");
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(rtcpInbox.size, 0, "the other source's SR does not");
    assert.equal(forwarder.toJSON().rtcpWithheld, 1);
  });

  it("keeps only the newest maxQueue packets", async () => {
    forwarder = new RtpForwarder({ payloadTypes: [0], outputPayloadType: 0, maxQueue: 3 });
    for (let seq = 1; seq <= 5; seq++) forwarder.pushRtp(rtp({ payloadType: 0, sequenceNumber: seq }));
    assert.equal(forwarder.toJSON().queued, 3);
    assert.equal(forwarder.toJSON().dropped.overflow, 2);
    await forwarder.open(consumer.rtpPort);
    const seqs = [];
    for (let i = 0; i < 3; i++) seqs.push((await rtpInbox.next()).data.readUInt16BE(2));
    assert.deepEqual(seqs, [3, 4, 5]);
  });

  it("caps the queue in bytes too (MAX_FORWARDER_QUEUE_BYTES): big datagrams push the oldest out, counted", async () => {
    forwarder = new RtpForwarder({ payloadTypes: [96], outputPayloadType: 96 });
    // 200 datagrams of ~60 kB (UDP's maximum is 64 kB): 12 MB, well under the 4000-packet count.
    const big = Buffer.alloc(60_000, 0x41);
    for (let seq = 1; seq <= 200; seq++) forwarder.pushRtp(rtp({ payloadType: 96, sequenceNumber: seq, payload: big }));
    const json = forwarder.toJSON();
    assert.ok(json.queuedBytes <= MAX_FORWARDER_QUEUE_BYTES, `${json.queuedBytes} bytes queued`);
    assert.ok(json.queuedBytes > MAX_FORWARDER_QUEUE_BYTES - 60_100, "fills up to the cap");
    assert.equal(json.queued + json.dropped.overflow, 200);
    assert.ok(json.dropped.overflow >= 60, `overflow ${json.dropped.overflow}`);
    assert.equal(json.queuedBytes, json.queued * (12 + 60_000));
    // Small packets still fit by the thousand: ordinary media is not cut short by the byte cap.
    const small = new RtpForwarder({ payloadTypes: [96], outputPayloadType: 96 });
    for (let seq = 1; seq <= 4000; seq++) small.pushRtp(rtp({ payloadType: 96, sequenceNumber: seq, payload: Buffer.alloc(1200) }));
    assert.equal(small.toJSON().queued, 4000);
    assert.equal(small.toJSON().dropped.overflow, 0);
    small.close();
    // The newest are kept; the flush leaves nothing counted.
    await forwarder.open(consumer.rtpPort);
    assert.equal(forwarder.toJSON().queuedBytes, 0);
    const firstSeq = (await rtpInbox.next()).data.readUInt16BE(2);
    assert.equal(firstSeq, 200 - json.queued + 1);
  });

  it("discardQueued() drops what was queued before open(), and nothing after", async () => {
    forwarder = new RtpForwarder({ payloadTypes: [0], outputPayloadType: 0 });
    for (let seq = 1; seq <= 3; seq++) forwarder.pushRtp(rtp({ payloadType: 0, sequenceNumber: seq }));
    assert.equal(forwarder.discardQueued(), 3);
    forwarder.pushRtp(rtp({ payloadType: 0, sequenceNumber: 4 }));
    await forwarder.open(consumer.rtpPort);
    assert.equal((await rtpInbox.next()).data.readUInt16BE(2), 4);
    assert.equal(forwarder.discardQueued(), 0, "once open, nothing is held to discard");
    assert.equal(forwarder.toJSON().dropped.discarded, 3);
  });

  it("queues a BYE sent before open() behind the media; byePort 'rtcp' sends it to port + 1", async () => {
    forwarder = new RtpForwarder({ payloadTypes: [0], outputPayloadType: 0, reporterSsrc: 1, byePort: "rtcp" });
    forwarder.pushRtp(rtp({ payloadType: 0, sequenceNumber: 9, ssrc: 0x0badf00d }));
    forwarder.sendBye();
    await forwarder.open(consumer.rtpPort);
    assert.equal((await rtpInbox.next()).data.readUInt16BE(2), 9);
    assert.deepEqual((await rtcpInbox.next()).data, buildCompoundBye(1, [0x0badf00d]));
  });

  it("pushLeadingRtcp puts the SR ahead of the queued media, on the RTP port; after open() it goes at once", async () => {
    forwarder = new RtpForwarder({ payloadTypes: [0], outputPayloadType: 0 });
    forwarder.pushRtp(rtp({ payloadType: 0, sequenceNumber: 1 }));
    forwarder.pushRtp(rtp({ payloadType: 0, sequenceNumber: 2 }));
    forwarder.pushLeadingRtcp(SR);
    forwarder.pushLeadingRtcp(rtp({ payloadType: 0, sequenceNumber: 3 })); // not RTCP: dropped
    assert.equal(forwarder.toJSON().queued, 3);
    await forwarder.open(consumer.rtpPort);
    assert.deepEqual((await rtpInbox.next()).data, SR);
    assert.equal((await rtpInbox.next()).data.readUInt16BE(2), 1);
    assert.equal((await rtpInbox.next()).data.readUInt16BE(2), 2);
    const later = Buffer.from(SR);
    later[20] = 0x42;
    forwarder.pushLeadingRtcp(later);
    assert.deepEqual((await rtpInbox.next()).data, later);
    assert.equal(rtcpInbox.size, 0);
    assert.deepEqual([forwarder.toJSON().forwardedRtcp, forwarder.toJSON().dropped.invalid], [2, 1]);
  });

  it("a leading SR put in front of a full queue stays; the oldest media goes instead", async () => {
    forwarder = new RtpForwarder({ payloadTypes: [0], outputPayloadType: 0, maxQueue: 2 });
    forwarder.pushRtp(rtp({ payloadType: 0, sequenceNumber: 1 }));
    forwarder.pushRtp(rtp({ payloadType: 0, sequenceNumber: 2 }));
    forwarder.pushLeadingRtcp(SR);
    assert.deepEqual([forwarder.toJSON().queued, forwarder.toJSON().dropped.overflow], [2, 1]);
    await forwarder.open(consumer.rtpPort);
    assert.deepEqual((await rtpInbox.next()).data, SR);
    assert.equal((await rtpInbox.next()).data.readUInt16BE(2), 2);
  });

  it("strips the peer's BYE from forwarded RTCP", async () => {
    forwarder = new RtpForwarder({ payloadTypes: [0], outputPayloadType: 0 });
    const rr = Buffer.from("80c90001cafebabe", "hex");
    const bye = Buffer.from("81cb0001cafebabe", "hex");
    forwarder.pushRtcp(Buffer.concat([SR, bye]));
    forwarder.pushRtcp(Buffer.concat([rr, bye]));
    await forwarder.open(consumer.rtpPort);
    assert.deepEqual((await rtcpInbox.next()).data, SR);
    assert.deepEqual((await rtcpInbox.next()).data, rr);
    assert.equal(forwarder.toJSON().byeStripped, 2);
  });

  it("paces a long queue out in batches, in order, with live packets behind it", async () => {
    const clock = new FakeClock();
    forwarder = new RtpForwarder({ payloadTypes: [96], outputPayloadType: 96, flushBatchSize: 50, flushIntervalMs: 1, clock });
    for (let seq = 0; seq < 200; seq++) forwarder.pushRtp(rtp({ payloadType: 96, sequenceNumber: seq }));
    const seqs: number[] = [];
    consumer.rtp.on("message", (data: Buffer) => seqs.push(data.readUInt16BE(2)));
    const opening = forwarder.open(consumer.rtpPort);
    await waitFor(() => forwarder.toJSON().forwardedRtp === 50);
    assert.equal(forwarder.state, "flushing");
    assert.equal(forwarder.toJSON().queued, 150);
    forwarder.pushRtp(rtp({ payloadType: 96, sequenceNumber: 200 })); // live, during the flush
    for (let tick = 1; tick <= 3; tick++) {
      clock.advance(1);
      assert.equal(forwarder.toJSON().forwardedRtp, 50 + tick * 50);
    }
    clock.advance(1);
    await opening;
    assert.equal(forwarder.state, "open");
    assert.equal(clock.pending, 0);
    await waitFor(() => seqs.length === 201);
    assert.deepEqual(seqs, Array.from({ length: 201 }, (_, i) => i));
  });

  it("drops what is not RTP or RTCP", () => {
    forwarder = new RtpForwarder({ payloadTypes: [0], outputPayloadType: 0 });
    forwarder.pushRtp(Buffer.from([0x80, 0x00]));
    forwarder.pushRtp(SR);
    forwarder.pushRtcp(rtp({ payloadType: 0, sequenceNumber: 1 }));
    assert.deepEqual(forwarder.toJSON().dropped, { payloadType: 0, invalid: 3, overflow: 0, discarded: 0, straggler: 0 });
    assert.equal(forwarder.toJSON().queued, 0);
  });

  it("refuses a second open() and a bad port", async () => {
    forwarder = new RtpForwarder({ payloadTypes: [0], outputPayloadType: 0 });
    await assert.rejects(forwarder.open(65535), { code: "INVALID_CONFIG" });
    await forwarder.open(consumer.rtpPort);
    await assert.rejects(forwarder.open(consumer.rtpPort), InvalidStateError);
  });

  it("close() frees its socket, is idempotent and ignores later pushes", async () => {
    forwarder = new RtpForwarder({ payloadTypes: [0], outputPayloadType: 0 });
    await forwarder.open(consumer.rtpPort);
    const localPort = forwarder.toJSON().localPort;
    assert.ok(localPort);
    forwarder.close();
    forwarder.close();
    forwarder.pushRtp(rtp({ payloadType: 0, sequenceNumber: 1 }));
    forwarder.sendBye();
    assert.equal(forwarder.state, "closed");
    assert.equal(forwarder.toJSON().forwardedRtp, 0);
    const rebound = await bindUdp(localPort);
    closeQuietly(rebound);
    await assert.rejects(forwarder.open(consumer.rtpPort), InvalidStateError);
  });

  it("close() during open() leaves nothing bound", async () => {
    forwarder = new RtpForwarder({ payloadTypes: [0], outputPayloadType: 0 });
    forwarder.pushRtp(rtp({ payloadType: 0, sequenceNumber: 1 }));
    const opening = forwarder.open(consumer.rtpPort);
    forwarder.close();
    await opening;
    assert.equal(forwarder.state, "closed");
    assert.equal(forwarder.toJSON().localPort, undefined);
    assert.equal(forwarder.toJSON().forwardedRtp, 0);
  });
});
