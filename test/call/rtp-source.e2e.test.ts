import { strict as assert } from "node:assert";
import * as dgram from "node:dgram";
import { Engine } from "../../src/call/engine";
import { CallStatus } from "../../src/call/call-status";
import { dominantFrequencyHz, ffprobe, requirePeers, startBaresip, startRtmpServer, type Baresip, type RtmpServer } from "../harness";
import { startSippUas } from "./helpers/sipp-uas";
import { waitForStatus } from "./helpers/wait-for-status";

/**
 * The attacker's address: another loopback address (Linux routes all of 127.0.0.0/8 to lo), so
 * that it differs from the peer's SDP address, 127.0.0.1, as a third party on the network would.
 */
const ATTACKER = "127.0.0.2";

/** G.711 μ-law of one 16-bit sample (ITU-T G.711: bias 0x84, segment, 4-bit mantissa, inverted). */
function muLaw(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  let magnitude = Math.min(Math.abs(sample), 32635) + 0x84;
  let segment = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && segment > 0; mask >>= 1) segment--;
  magnitude = (magnitude >> (segment + 3)) & 0x0f;
  return ~(sign | (segment << 4) | magnitude) & 0xff;
}

interface ChannelStats {
  rtpPort: number;
  rtcpPort: number;
  dropped: { foreignSource: number };
  packetsReceived: number;
}

/**
 * A third party that sprays a call's RTP and RTCP ports every 20 ms from 127.0.0.2: well-formed
 * RTP in sequence (a 1 kHz PCMU tone on audio, payload type 96 on video) and RTCP SRs. It counts
 * every datagram it gets back.
 */
class Attacker {
  received = 0;
  readonly #sockets: dgram.Socket[] = [];
  #timer: NodeJS.Timeout | undefined;
  #seq = 1;

  static async start(targets: { audio: ChannelStats; video: ChannelStats }): Promise<Attacker> {
    const attacker = new Attacker();
    const plan: Array<[number, "audio" | "video" | "rtcp"]> = [
      [targets.audio.rtpPort, "audio"],
      [targets.audio.rtcpPort, "rtcp"],
      [targets.video.rtpPort, "video"],
      [targets.video.rtcpPort, "rtcp"],
    ];
    const bound = await Promise.all(plan.map(() => attacker.#bind()));
    attacker.#timer = setInterval(() => {
      const seq = attacker.#seq++ & 0xffff;
      for (const [i, [port, what]] of plan.entries()) bound[i].send(attacker.#packet(what, seq), port, "127.0.0.1");
    }, 20);
    return attacker;
  }

  #bind(): Promise<dgram.Socket> {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket("udp4");
      socket.on("message", () => this.received++);
      socket.once("error", reject);
      socket.bind({ address: ATTACKER, port: 0 }, () => resolve(socket));
      this.#sockets.push(socket);
    });
  }

  #packet(what: "audio" | "video" | "rtcp", seq: number): Buffer {
    if (what === "rtcp") {
      // An SR: V=2, PT 200, length 6, SSRC, NTP, RTP timestamp, counts.
      const sr = Buffer.alloc(28);
      sr.writeUInt16BE(0x80c8, 0);
      sr.writeUInt16BE(6, 2);
      sr.writeUInt32BE(0xbadbad, 4);
      return sr;
    }
    const audio = what === "audio";
    const payload = audio ? Buffer.from(Array.from({ length: 160 }, (_, n) => muLaw(Math.round(12000 * Math.sin((2 * Math.PI * 1000 * (seq * 160 + n)) / 8000))))) : Buffer.from([0x65, 0x88, 0x84, 0x00]);
    const header = Buffer.alloc(12);
    header[0] = 0x80;
    header[1] = audio ? 0 : 96;
    header.writeUInt16BE(seq, 2);
    header.writeUInt32BE((seq * (audio ? 160 : 3600)) >>> 0, 4);
    header.writeUInt32BE(audio ? 0xa77ac4 : 0xa77ac5, 8);
    return Buffer.concat([header, payload]);
  }

  stop(): void {
    clearInterval(this.#timer);
    for (const socket of this.#sockets) socket.close();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("Strict RTP source against baresip: a third party spraying the call's ports", function () {
  this.timeout(90_000);
  let baresip: Baresip;
  let rtmp: RtmpServer;
  let engine: Engine | undefined;
  let attacker: Attacker | undefined;

  before(async function () {
    requirePeers(["baresip", "ffmpeg", "ffprobe", "sox"]);
    // It rings until told to answer: the attack starts while the call rings.
    [baresip, rtmp] = await Promise.all([startBaresip({ answerMode: "manual" }), startRtmpServer()]);
  });

  afterEach(async () => {
    attacker?.stop();
    attacker = undefined;
    await engine?.close();
    engine = undefined;
  });

  after(async () => {
    await Promise.all([baresip?.stop(), rtmp?.stop()]);
  });

  it("keeps the call's media, DTMF included, with the peer: the attacker gets nothing and the stream is the peer's", async () => {
    engine = new Engine({
      account: { login: "alice", domain: "127.0.0.1", port: baresip.sipPort, password: "", registerRequired: false },
      localAddress: "127.0.0.1",
      rtpTimeoutMs: 0,
    });
    const stream = `strict-${process.pid}-${Date.now().toString(36)}`;
    const call = engine.call({ callee: baresip.uri, rtmpUrl: rtmp.url, rtmpStream: stream });
    await waitForStatus(call, CallStatus.RING, 10_000);
    const channels = (): { audio: ChannelStats; video: ChannelStats } => (call.stats() as { media: { audio: ChannelStats; video: ChannelStats } }).media;
    attacker = await Attacker.start(channels());
    await sleep(600); // ~30 packets on each port while it rings
    const accept = await baresip.command("accept");
    assert.ok(accept.ok, `baresip accept: ${accept.data}`);
    await waitForStatus(call, CallStatus.ESTABLISHED, 10_000);
    await rtmp.waitForPublish(stream, 15_000);
    await sleep(1000);
    const since = Date.now();
    await call.sendDtmf("1234#", { type: "RFC2833" });
    await sleep(2500); // the last key's END, and a few seconds of published media
    const stats = channels();
    const digits = baresip.events.filter((e) => e.type === "CALL_DTMF_START" && e.receivedAt >= since).map((e) => e.param);
    call.terminate();
    await waitForStatus(call, CallStatus.FINISH, 10_000);
    await call.whenClosed();
    const got = attacker.received;
    attacker.stop();
    attacker = undefined;

    assert.equal(got, 0, `the attacker received ${got} datagram(s) of the call`);
    assert.deepEqual(digits, ["1", "2", "3", "4", "#"], "the peer heard the PIN");
    for (const kind of ["audio", "video"] as const) {
      assert.ok(stats[kind].dropped.foreignSource >= 30, `${kind}: ${stats[kind].dropped.foreignSource} foreign datagrams dropped`);
      assert.ok(stats[kind].packetsReceived > 20, `${kind}: ${stats[kind].packetsReceived} packets from the peer`);
    }
    const file = rtmp.recordedFile(stream);
    assert.ok(file, "the stream was recorded");
    const probe = await ffprobe(file);
    const codecs = probe.streams.map((s) => s.codec_name);
    assert.ok(codecs.includes("h264") && codecs.includes("aac"), codecs.join(","));
    const hz = await dominantFrequencyHz(file, { skipSec: 1, seconds: 2 });
    assert.ok(Math.abs(hz - 440) <= 10, `the published audio is at ${hz} Hz: the peer's tone is 440 Hz, the attacker's 1 kHz`);
  });
});

describe('rtpSourceCheck "learn" against baresip (no attacker): the learnt peer is heard and hears us', function () {
  this.timeout(60_000);
  let baresip: Baresip;
  let rtmp: RtmpServer;
  let engine: Engine | undefined;

  before(async function () {
    requirePeers(["baresip", "ffmpeg", "ffprobe", "sox"]);
    [baresip, rtmp] = await Promise.all([startBaresip(), startRtmpServer()]);
  });

  after(async () => {
    await engine?.close();
    await Promise.all([baresip?.stop(), rtmp?.stop()]);
  });

  it("publishes baresip's picture and 440 Hz tone and delivers RFC 4733 keys", async () => {
    engine = new Engine({
      account: { login: "alice", domain: "127.0.0.1", port: baresip.sipPort, password: "", registerRequired: false },
      localAddress: "127.0.0.1",
      rtpTimeoutMs: 0,
      rtpSourceCheck: "learn",
    });
    const stream = `learn-${process.pid}-${Date.now().toString(36)}`;
    const call = engine.call({ callee: baresip.uri, rtmpUrl: rtmp.url, rtmpStream: stream });
    await waitForStatus(call, CallStatus.ESTABLISHED, 10_000);
    await rtmp.waitForPublish(stream, 15_000);
    await sleep(1000);
    const since = Date.now();
    await call.sendDtmf("42#", { type: "RFC2833" });
    await sleep(2000);
    const stats = (call.stats() as { media: Record<"audio" | "video", ChannelStats & { sourceCheck: string; rtpLatched: boolean }> }).media;
    const digits = baresip.events.filter((e) => e.type === "CALL_DTMF_START" && e.receivedAt >= since).map((e) => e.param);
    call.terminate();
    await waitForStatus(call, CallStatus.FINISH, 10_000);
    await call.whenClosed();
    assert.deepEqual(digits, ["4", "2", "#"]);
    for (const kind of ["audio", "video"] as const) {
      assert.equal(stats[kind].sourceCheck, "learn");
      assert.equal(stats[kind].rtpLatched, true, kind);
    }
    const file = rtmp.recordedFile(stream);
    assert.ok(file, "the stream was recorded");
    const codecs = (await ffprobe(file)).streams.map((s) => s.codec_name);
    assert.ok(codecs.includes("h264") && codecs.includes("aac"), codecs.join(","));
    const hz = await dominantFrequencyHz(file, { skipSec: 1, seconds: 2 });
    assert.ok(Math.abs(hz - 440) <= 10, `published audio at ${hz} Hz`);
  });
});

describe("Strict RTP source with early media: a 183 with SDP names the peer before the answer", function () {
  this.timeout(30_000);

  it("drops an attacker's datagrams while the call is in SESSION_PROGRESS instead of keeping them for the answer", async () => {
    requirePeers(["sipp"]);
    const uas = await startSippUas("uas_early_media.xml");
    const engine = new Engine({ account: { login: "alice", domain: "127.0.0.1", port: uas.port, password: "", registerRequired: false }, localAddress: "127.0.0.1", rtpTimeoutMs: 0 });
    const sockets: dgram.Socket[] = [];
    const bind = (address: string): Promise<dgram.Socket> =>
      new Promise((resolve) => {
        const s = dgram.createSocket("udp4");
        sockets.push(s);
        s.bind({ address, port: 0 }, () => resolve(s));
      });
    try {
      const call = engine.call({ callee: uas.uri, hasVideo: false });
      await waitForStatus(call, CallStatus.SESSION_PROGRESS, 10_000);
      const audio = (): ChannelStats & { pendingBeforeRemote: number } => (call.stats() as { media: { audio: ChannelStats & { pendingBeforeRemote: number } } }).media.audio;
      const [attacker, peer] = await Promise.all([bind(ATTACKER), bind("127.0.0.1")]);
      const packet = (seq: number): Buffer => {
        const b = Buffer.alloc(172, 0xff);
        b[0] = 0x80;
        b[1] = 0;
        b.writeUInt16BE(seq, 2);
        return b;
      };
      // The early SDP is being resolved and applied right after the 183: give it a moment.
      await sleep(200);
      for (let seq = 1; seq <= 10; seq++) attacker.send(packet(seq), audio().rtpPort, "127.0.0.1");
      peer.send(packet(500), audio().rtpPort, "127.0.0.1");
      await sleep(300);
      assert.equal(call.status, CallStatus.SESSION_PROGRESS, "still before the answer");
      const before = audio();
      assert.equal(before.dropped.foreignSource, 10, `dropped ${before.dropped.foreignSource} of the attacker's 10`);
      assert.equal(before.pendingBeforeRemote, 1, "only the peer's datagram is kept for the answer");
      await waitForStatus(call, CallStatus.ESTABLISHED, 10_000);
      assert.equal(audio().packetsReceived, 1);
      call.terminate();
      await waitForStatus(call, CallStatus.FINISH, 10_000);
    } finally {
      for (const s of sockets) s.close();
      await engine.close();
      await uas.stop();
    }
  });
});
