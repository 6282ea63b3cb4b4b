import { strict as assert } from "node:assert";
import { Engine } from "../../src/call/engine";
import { CallStatus } from "../../src/call/call-status";
import type { SrtpMode } from "../../src/srtp/srtp-mode";
import type { SrtpSuite } from "../../src/srtp/srtp-suite";
import { dominantFrequencyHz, ffprobe, requirePeers, runCli, startBaresip, startKamailio, startRtmpServer, type Baresip, type BaresipOptions, type Kamailio, type RtmpServer } from "../harness";
import { selfSignedCert } from "../harness/tls-cert";
import { waitForStatus } from "./helpers/wait-for-status";

/**
 * Encrypted calls end to end: sipcast and baresip both register at Kamailio over TLS (a
 * certificate the test makes) and the media is SDES-SRTP.
 *
 * Why the media on the wire is encrypted, both ways: baresip with `srtp-mand` drops every RTP
 * and RTCP packet that fails SRTP authentication with the key we sent it, so DTMF it reports
 * (RFC 4733, inside our RTP) came as SRTP; and our channel drops every packet that fails
 * authentication with baresip's key, so the tone in the published stream came as SRTP.
 */
describe("SRTP over SIP/TLS against baresip via Kamailio", function () {
  this.timeout(90_000);
  let kamailio: Kamailio;
  let rtmp: RtmpServer;
  let cert: { key: string; cert: string };
  let baresip: Baresip | undefined;
  let engine: Engine | undefined;
  /** Everything the engine logged, at every level. */
  let logLines: string[] = [];

  before(async function () {
    requirePeers(["kamailio", "baresip", "ffmpeg", "sox"]);
    cert = await selfSignedCert();
    kamailio = await startKamailio({ tls: cert });
    rtmp = await startRtmpServer();
  });

  afterEach(async () => {
    await engine?.close();
    engine = undefined;
    await baresip?.stop();
    baresip = undefined;
  });

  after(async () => {
    await rtmp?.stop();
    await kamailio?.stop();
  });

  async function startPeer(mediaenc: BaresipOptions["mediaenc"], video = true): Promise<Baresip> {
    const tlsPort = kamailio.tlsPort;
    assert.ok(tlsPort !== undefined);
    baresip = await startBaresip({ registrar: { port: tlsPort, user: "uas", password: "uaspw", transport: "tls" }, tls: cert, mediaenc, video });
    return baresip;
  }

  function tlsEngine(srtp: SrtpMode | undefined, srtpSuites?: SrtpSuite[]): Engine {
    logLines = [];
    engine = new Engine({
      logger: { log: (level, category, message) => logLines.push(`${level} ${category} ${message}`) },
      account: { login: "alice", password: "alicepw", domain: "127.0.0.1", port: kamailio.tlsPort, transport: "tls", tlsRejectUnauthorized: false, ...(srtp ? { srtp } : {}), ...(srtpSuites ? { srtpSuites } : {}) },
      localAddress: "127.0.0.1",
    });
    return engine;
  }

  const srtpOf = (stats: Record<string, unknown>): unknown => stats.srtp;

  const cases: Array<[BaresipOptions["mediaenc"], SrtpMode | undefined, SrtpSuite]> = [
    ["srtp-mand", "required", "AES_CM_128_HMAC_SHA1_80"],
    ["srtp-mand", "offered", "AES_CM_128_HMAC_SHA1_80"],
    ["srtp", undefined, "AES_CM_128_HMAC_SHA1_80"],
    ["srtp-mand", "required", "AES_CM_128_HMAC_SHA1_32"],
  ];
  for (const [mediaenc, mode, suite] of cases) {
    it(`baresip ${mediaenc}, sipcast srtp ${mode ?? "default (offered over TLS)"}, ${suite}: H.264 + AAC with the 440 Hz tone published, DTMF of both kinds reaches baresip`, async () => {
      const peer = await startPeer(mediaenc);
      const stream = `srtp-${mediaenc}-${mode ?? "default"}-${suite.slice(-2)}-${Date.now()}`;
      // The 80-bit suite comes first by default; the 32-bit one is offered alone to make baresip take it.
      const suites: SrtpSuite[] | undefined = suite === "AES_CM_128_HMAC_SHA1_32" ? [suite] : undefined;
      const call = tlsEngine(mode, suites).call({ callee: "uas", rtmpUrl: rtmp.url, rtmpStream: stream });
      await waitForStatus(call, CallStatus.ESTABLISHED, 20_000);
      // Both legs of the signalling were TLS: baresip's registration and our INVITE.
      await kamailio.waitForLog(/REGISTERED uas \(src tls:127\.0\.0\.1:/, 1000);
      await kamailio.waitForLog(/REQ INVITE sip:uas@127\.0\.0\.1:\d+ from sip:alice@127\.0\.0\.1 \(src tls:/, 1000);
      assert.deepEqual(srtpOf(call.stats()), { audio: suite, video: suite });
      await peer.waitForEvent((e) => e.type === "CALL_MENC" || e.type === "CALL_ESTABLISHED", 5000).catch(() => undefined);
      assert.ok(peer.logs().includes(`audio: SRTP is Enabled (cryptosuite=${suite})`), "baresip's audio is SRTP with the suite");
      assert.ok(peer.logs().includes(`video: SRTP is Enabled (cryptosuite=${suite})`), "baresip's video is SRTP with the suite");
      await rtmp.waitForPublish(stream, 20_000);
      const since = Date.now();
      await call.sendDtmf("1", { type: "RFC2833" });
      await call.sendDtmf("#", { type: "INFO" });
      await peer.waitForEvent((e) => e.type === "CALL_DTMF_START" && e.param === "#" && e.receivedAt >= since, 5000);
      assert.deepEqual(peer.dtmfDigits().slice(-2), ["1", "#"]);
      await new Promise((r) => setTimeout(r, 5000));
      const audio = (call.stats().media as { audio?: { packetsReceived: number; rtcpReceived: number; dropped: { invalid: number } } }).audio;
      assert.ok(audio && audio.packetsReceived > 200, `audio packets ${JSON.stringify(audio)}`);
      assert.ok(audio.dropped.invalid <= 2, `packets that failed SRTP authentication: ${audio.dropped.invalid}`);
      const failures = peer.logs().match(/srtp: .*(failed|error).*/gi) ?? [];
      // Our keyframe requests (PLI, FIR) reached its encoder: baresip drops RTCP that fails SRTCP authentication.
      assert.match(peer.logs(), /encoder picture update/);
      if (suite === "AES_CM_128_HMAC_SHA1_80") {
        assert.deepEqual(failures, []);
      } else {
        // baresip 1.0 (libre) sends SRTCP with 4-byte tags: our first RTCP, with the 80-bit tag of
        // RFC 4568, fails there until we have read one of its reports; after that ours pass and
        // it honours our keyframe requests.
        assert.ok(failures.every((f) => /failed to decrypt RTCP/.test(f)) && failures.length <= 4, failures.join("\n"));
      }
      call.terminate();
      await waitForStatus(call, CallStatus.FINISH, 10_000);
      await rtmp.waitForUnpublish(stream, 10_000);
      const file = rtmp.recordedFile(stream);
      assert.ok(file, "a recording at the RTMP server");
      const codecs = (await ffprobe(file)).streams.map((s) => s.codec_name);
      assert.ok(codecs.includes("h264") && codecs.includes("aac"), codecs.join(","));
      assert.ok(Math.abs((await dominantFrequencyHz(file, { skipSec: 1 })) - 440) <= 10, "the published audio is baresip's tone");
      assert.ok(logLines.some((l) => l.includes(`SRTP ${suite}`)), "the log says the media is encrypted");
      assert.deepEqual(logLines.filter((l) => /inline:(?!\*\*\*)/.test(l)), [], "no key in the log");
    });
  }

  it("keeps SRTP through the peer's hold and resume (re-INVITEs answered with keys again)", async () => {
    const peer = await startPeer("srtp-mand", false);
    const call = tlsEngine("required").call({ callee: "uas", hasVideo: false });
    await waitForStatus(call, CallStatus.ESTABLISHED, 20_000);
    const packets = (): number => (call.stats().media as { audio?: { packetsReceived: number } }).audio?.packetsReceived ?? 0;
    assert.ok((await peer.command("hold")).ok);
    await waitForStatus(call, CallStatus.HOLD, 5000);
    assert.ok((await peer.command("resume")).ok);
    await waitForStatus(call, CallStatus.ESTABLISHED, 5000);
    assert.deepEqual(srtpOf(call.stats()), { audio: "AES_CM_128_HMAC_SHA1_80" });
    const atResume = packets();
    await new Promise((r) => setTimeout(r, 1500));
    assert.ok(packets() - atResume > 40, `SRTP after the resume: ${packets() - atResume} packets in 1.5 s`);
    const since = Date.now();
    await call.sendDtmf("7", { type: "RFC2833" });
    await peer.waitForEvent((e) => e.type === "CALL_DTMF_START" && e.param === "7" && e.receivedAt >= since, 5000);
    assert.doesNotMatch(peer.logs(), /srtp: .*(failed|error)/i);
    call.terminate();
    await waitForStatus(call, CallStatus.FINISH, 10_000);
    // The debug log shows each SDP both ways, the re-INVITEs' too, with the keys masked.
    const sdps = logLines.filter((l) => l.startsWith(`debug sip.sdp ${call.id}: `)).map((l) => l.slice(`debug sip.sdp ${call.id}: `.length));
    assert.deepEqual(sdps.map((l) => l.replace(/: v=0.*$/, "")), ["offer sent", "answer received", "offer received", "answer sent", "offer received", "answer sent"]);
    for (const sdp of sdps) assert.match(sdp, /\\r\\nm=audio \d+ RTP\/SAVP .*\\r\\na=crypto:\d+ AES_CM_128_HMAC_SHA1_80 inline:\*\*\*/, sdp);
    assert.deepEqual(logLines.filter((l) => /inline:(?!\*\*\*)/.test(l)), [], "no key in the log");
  });

  it("the CLI: --srtp required over TLS makes an encrypted call; over udp without --srtp-over-insecure-transport it refuses to start", async () => {
    const peer = await startPeer("srtp-mand", false);
    const args = ["call", "--sip-login", "alice", "--sip-domain", "127.0.0.1", "--callee", "uas", "--has-video", "false", "--json", "--duration", "2"];
    const run = await runCli([...args, "--sip-transport", "tls", "--sip-port", String(kamailio.tlsPort), "--tls-allow-self-signed", "--srtp", "required"], { SIP_PASSWORD: "alicepw" }, 30_000);
    assert.equal(run.code, 0, run.stderr.slice(-1500));
    const states = run.lines.filter((l) => l.startsWith("{")).map((l) => (JSON.parse(l) as { status: string }).status);
    assert.deepEqual(states.filter((s) => s !== "RING"), ["TRYING", "ESTABLISHED", "FINISH"]);
    assert.match(peer.logs(), /audio: SRTP is Enabled \(cryptosuite=AES_CM_128_HMAC_SHA1_80\)/);
    const refused = await runCli([...args, "--sip-port", String(kamailio.udpPort), "--srtp", "required"], { SIP_PASSWORD: "alicepw" }, 30_000);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /srtp: "required" sends the media keys in the SDP, readable over udp/);
  });

  it("srtp required against a baresip without SRTP: FAILED with SRTP_REFUSED and a reason that says so", async () => {
    await startPeer(undefined, false);
    const call = tlsEngine("required").call({ callee: "uas", hasVideo: false });
    const failed = await waitForStatus(call, CallStatus.FAILED, 20_000);
    assert.equal(failed.reason, "SRTP_REFUSED");
    assert.match(failed.detail ?? "", /SRTP/);
  });

  it("srtp offered against a baresip without SRTP: a plain RTP call that works", async () => {
    const peer = await startPeer(undefined, false);
    const call = tlsEngine("offered").call({ callee: "uas", hasVideo: false });
    await waitForStatus(call, CallStatus.ESTABLISHED, 20_000);
    assert.deepEqual(srtpOf(call.stats()), {});
    const since = Date.now();
    await call.sendDtmf("5", { type: "RFC2833" });
    await peer.waitForEvent((e) => e.type === "CALL_DTMF_START" && e.param === "5" && e.receivedAt >= since, 5000);
    await new Promise((r) => setTimeout(r, 1000));
    const audio = (call.stats().media as { audio?: { packetsReceived: number } }).audio;
    assert.ok(audio && audio.packetsReceived > 30, `audio ${JSON.stringify(audio)}`);
    call.terminate();
    await waitForStatus(call, CallStatus.FINISH, 10_000);
  });
});
