import assert from "node:assert/strict";
import { narrowOffer } from "../../../src/output/whep";
import { WhepError } from "../../../src/output/whep/whep-error";
import type { NegotiatedMedia, NegotiatedStream } from "../../../src/sdp";

/** A browser's WHEP offer as Chromium writes it (recvonly video then audio), its ICE and DTLS lines shortened. */
export const CHROME_OFFER = [
  "v=0",
  "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
  "s=-",
  "t=0 0",
  "a=group:BUNDLE 0 1",
  "a=msid-semantic: WMS",
  "m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 104 105 106 107 108 109 127 125",
  "c=IN IP4 0.0.0.0",
  "a=rtcp:9 IN IP4 0.0.0.0",
  "a=ice-ufrag:abcd",
  "a=ice-pwd:abcdefghijklmnopqrstuvwx",
  "a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF",
  "a=setup:actpass",
  "a=mid:0",
  "a=recvonly",
  "a=rtcp-mux",
  "a=rtcp-rsize",
  "a=rtpmap:96 VP8/90000",
  "a=rtcp-fb:96 nack",
  "a=rtcp-fb:96 nack pli",
  "a=rtpmap:97 rtx/90000",
  "a=fmtp:97 apt=96",
  "a=rtpmap:102 H264/90000",
  "a=rtcp-fb:102 nack",
  "a=rtcp-fb:102 nack pli",
  "a=rtcp-fb:102 ccm fir",
  "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f",
  "a=rtpmap:103 rtx/90000",
  "a=fmtp:103 apt=102",
  "a=rtpmap:104 H264/90000",
  "a=fmtp:104 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f",
  "a=rtpmap:105 rtx/90000",
  "a=fmtp:105 apt=104",
  "a=rtpmap:106 H264/90000",
  "a=rtcp-fb:106 nack pli",
  "a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
  "a=rtpmap:107 rtx/90000",
  "a=fmtp:107 apt=106",
  "a=rtpmap:108 H264/90000",
  "a=fmtp:108 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f",
  "a=rtpmap:109 rtx/90000",
  "a=fmtp:109 apt=108",
  "a=rtpmap:127 H264/90000",
  "a=fmtp:127 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f",
  "a=rtpmap:125 rtx/90000",
  "a=fmtp:125 apt=127",
  "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126",
  "c=IN IP4 0.0.0.0",
  "a=rtcp:9 IN IP4 0.0.0.0",
  "a=ice-ufrag:abcd",
  "a=ice-pwd:abcdefghijklmnopqrstuvwx",
  "a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF",
  "a=setup:actpass",
  "a=mid:1",
  "a=recvonly",
  "a=rtcp-mux",
  "a=rtpmap:111 opus/48000/2",
  "a=rtcp-fb:111 transport-cc",
  "a=fmtp:111 minptime=10;useinbandfec=1",
  "a=rtpmap:63 red/48000/2",
  "a=fmtp:63 111/111",
  "a=rtpmap:9 G722/8000",
  "a=rtpmap:0 PCMU/8000",
  "a=rtpmap:8 PCMA/8000",
  "a=rtpmap:13 CN/8000",
  "a=rtpmap:110 telephone-event/48000",
  "a=rtpmap:126 telephone-event/8000",
  "",
].join("\r\n");

function stream(kind: "audio" | "video", codec: NegotiatedStream["codec"], payloadType: number, clockRate: number, fmtp?: string): NegotiatedStream {
  return {
    kind,
    mlineIndex: kind === "audio" ? 0 : 1,
    codec,
    payloadType,
    receivePayloadTypes: [payloadType],
    clockRate,
    channels: codec === "opus" ? 2 : 1,
    ...(fmtp ? { fmtp } : {}),
    remoteAddress: "127.0.0.1",
    remoteRtpPort: 4000,
    remoteRtcpPort: 4001,
    rtcpMux: false,
    remoteDirection: "sendrecv",
    remoteSsrcs: [],
    feedback: { nack: true, pli: true, fir: false },
    localPort: 5000,
  };
}

/** The formats left on each m-line of an SDP. */
function mlineFormats(sdp: string): string[] {
  return sdp.split("\r\n").filter((l) => l.startsWith("m=")).map((l) => l.split(" ").slice(3).join(" "));
}

describe("narrowOffer: one format per m-line of a browser's WHEP offer, the call's codec as it is", () => {
  it("H.264 + PCMU call: keeps H264 packetization-mode 1 Constrained Baseline (106) and PCMU (0), without RTX, RED or telephone-event", () => {
    const media: NegotiatedMedia = { audio: stream("audio", "PCMU", 0, 8000), video: stream("video", "H264", 96, 90000, "packetization-mode=1") };
    const n = narrowOffer(CHROME_OFFER, media);
    assert.deepEqual(mlineFormats(n.sdp), ["106", "0"]);
    assert.deepEqual(
      n.formats.map((f) => [f.kind, f.payloadType, f.codec, f.clockRate, f.fed]),
      [
        ["video", 106, "H264", 90000, true],
        ["audio", 0, "PCMU", 8000, true],
      ],
    );
    assert.equal(n.formats[0].fmtp, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
    assert.doesNotMatch(n.sdp, /rtx|telephone-event|red\/48000|apt=/);
    assert.match(n.sdp, /a=rtcp-fb:106 nack pli/);
    assert.doesNotMatch(n.sdp, /a=rtcp-fb:102/);
  });

  it("takes the browser's format with the call's own profile-level-id when there is one (4d001f: Main)", () => {
    const media: NegotiatedMedia = { video: stream("video", "H264", 96, 90000, "profile-level-id=4D001F;packetization-mode=1") };
    assert.equal(narrowOffer(CHROME_OFFER, media).formats[0].payloadType, 127);
  });

  it("a packetization-mode 0 call still gets a mode-1 format: single NAL unit packets are valid in mode 1", () => {
    const media: NegotiatedMedia = { video: stream("video", "H264", 96, 90000, "packetization-mode=0;profile-level-id=42e01f") };
    assert.equal(narrowOffer(CHROME_OFFER, media).formats[0].payloadType, 106);
  });

  it("VP8 + opus: VP8 (96) and opus/48000/2 (111) as they are; G722 and PCMA likewise", () => {
    const n = narrowOffer(CHROME_OFFER, { audio: stream("audio", "opus", 107, 48000), video: stream("video", "VP8", 100, 90000) });
    assert.deepEqual(mlineFormats(n.sdp), ["96", "111"]);
    assert.equal(n.formats[1].channels, 2);
    assert.deepEqual(mlineFormats(narrowOffer(CHROME_OFFER, { audio: stream("audio", "G722", 9, 8000) }).sdp), ["96", "9"]);
    assert.deepEqual(mlineFormats(narrowOffer(CHROME_OFFER, { audio: stream("audio", "PCMA", 8, 8000) }).sdp), ["96", "8"]);
  });

  it("an m-line of a medium the call lacks keeps one ordinary format and is not fed", () => {
    const n = narrowOffer(CHROME_OFFER, { audio: stream("audio", "PCMU", 0, 8000) });
    assert.deepEqual(n.formats.map((f) => [f.kind, f.payloadType, f.fed]), [
      ["video", 96, false],
      ["audio", 0, true],
    ]);
  });

  it("refuses with 406 an offer without the call's codec, and with 400 one that is not SDP", () => {
    const noH264 = CHROME_OFFER.replace(/H264/g, "H265");
    assert.throws(() => narrowOffer(noH264, { video: stream("video", "H264", 96, 90000) }), (e: unknown) => e instanceof WhepError && e.status === 406 && /H264 packetization-mode 1/.test(e.message));
    assert.throws(() => narrowOffer("hello", { video: stream("video", "H264", 96, 90000) }), (e: unknown) => e instanceof WhepError && e.status === 400);
  });
});
