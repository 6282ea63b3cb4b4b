import assert from "node:assert/strict";
import { RTCPeerConnection, RTCRtpCodecParameters } from "werift";
import { StreamRegistry, type WhepAccess } from "../../../src";
import type { StreamSource } from "../../../src/output/whep";
import { whepRoute } from "../../../src/output/whep";
import { announceAddress } from "../../../src/output/whep/whep-network";
import { startWhepServer } from "./whep-browser";

/** A call's media as viewers see it, without a call: PCMU audio, nothing ever arrives. */
function silentSource(callId: string): StreamSource {
  return {
    callId,
    media: { audio: { kind: "audio", mlineIndex: 0, codec: "PCMU", payloadType: 0, receivePayloadTypes: [0], clockRate: 8000, channels: 1, remoteAddress: "127.0.0.1", remoteRtpPort: 4000, remoteRtcpPort: 4001, rtcpMux: false, remoteDirection: "sendrecv", remoteSsrcs: [], feedback: { nack: false, pli: false, fir: false }, localPort: 5000 } },
    onRtp: () => () => undefined,
    requestKeyframe: () => undefined,
  };
}

/** A recvonly audio offer from a werift client on loopback (closed at once: only its SDP is wanted). */
async function offer(): Promise<string> {
  const pc = new RTCPeerConnection({ codecs: { audio: [new RTCRtpCodecParameters({ mimeType: "audio/PCMU", clockRate: 8000, payloadType: 0 })] }, iceServers: [], iceAdditionalHostAddresses: ["127.0.0.1"], iceInterfaceAddresses: { udp4: "127.0.0.1" }, iceUseIpv6: false });
  pc.addTransceiver("audio", { direction: "recvonly" });
  await pc.setLocalDescription(await pc.createOffer());
  const sdp = pc.localDescription!.sdp;
  await pc.close();
  return sdp;
}

const TOKEN = "0123456789abcdef0123";
const bearerOnly = (req: { headers: Record<string, unknown> }): WhepAccess =>
  req.headers.authorization === `Bearer ${TOKEN}` ? { ok: true } : { ok: false, status: 401, message: "authentication required", challenges: ['Bearer realm="sipcast"'] };

describe("WHEP over HTTP (RFC 9725): handleWhepRequest", function () {
  this.timeout(20_000);
  let registry: StreamRegistry;
  let server: { url: string; close(): Promise<void> };

  beforeEach(async () => {
    registry = new StreamRegistry({ network: { bindAddress: "127.0.0.1", iceTimeoutMs: 5000 }, maxViewers: 2 });
    registry.reserve("call1", "c1");
    registry.attach("call1", silentSource("c1"));
    server = await startWhepServer(registry, bearerOnly);
  });

  afterEach(async () => {
    registry.close();
    await server.close();
  });

  const post = (body: string, headers: Record<string, string> = { "Content-Type": "application/sdp", Authorization: `Bearer ${TOKEN}` }, stream = "call1"): Promise<Response> =>
    fetch(`${server.url}/sipcast/whep/${stream}`, { method: "POST", headers, body });

  it("POST application/sdp → 201, Location of the viewer, the SDP answer; DELETE the Location → 200 and the viewer is gone", async () => {
    const res = await post(await offer());
    assert.equal(res.status, 201);
    assert.equal(res.headers.get("content-type"), "application/sdp");
    const location = res.headers.get("location")!;
    assert.match(location, /^\/sipcast\/whep\/call1\/[0-9a-f-]{36}$/);
    const answer = await res.text();
    assert.match(answer, /^v=0\r\n/);
    assert.match(answer, /a=sendonly/);
    assert.match(answer, /a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ host/);
    assert.equal(registry.viewerCount, 1);
    const del = await fetch(`${server.url}${location}`, { method: "DELETE", headers: { Authorization: `Bearer ${TOKEN}` } });
    assert.equal(del.status, 200);
    assert.equal(registry.viewerCount, 0);
    assert.equal((await fetch(`${server.url}${location}`, { method: "DELETE", headers: { Authorization: `Bearer ${TOKEN}` } })).status, 404);
  });

  it("refuses without the bearer token (401 + WWW-Authenticate), before reading the offer", async () => {
    const res = await post("v=0", { "Content-Type": "application/sdp" });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="sipcast"');
    assert.equal((await post("v=0", { "Content-Type": "application/sdp", Authorization: "Bearer wrong" })).status, 401);
    const del = await fetch(`${server.url}/sipcast/whep/call1/00000000-0000-0000-0000-000000000000`, { method: "DELETE" });
    assert.equal(del.status, 401);
  });

  it("OPTIONS needs no credentials: 204 with Accept-Post: application/sdp", async () => {
    const res = await fetch(`${server.url}/sipcast/whep/call1`, { method: "OPTIONS" });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get("accept-post"), "application/sdp");
    assert.equal(res.headers.get("allow"), "POST, OPTIONS");
  });

  it("415 for another media type, 413 for an offer over 64 KiB, 405 for GET and for PATCH (no trickle ICE), 404 for a stream that is not live", async () => {
    assert.equal((await post("v=0", { "Content-Type": "application/json", Authorization: `Bearer ${TOKEN}` })).status, 415);
    assert.equal((await post("v=0\r\n" + "a=x\r\n".repeat(20_000))).status, 413);
    assert.equal((await fetch(`${server.url}/sipcast/whep/call1`)).status, 405);
    const patch = await fetch(`${server.url}/sipcast/whep/call1/00000000-0000-0000-0000-000000000000`, { method: "PATCH", headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/trickle-ice-sdpfrag" }, body: "a=end-of-candidates" });
    assert.equal(patch.status, 405);
    registry.reserve("later", "c2");
    assert.equal((await post(await offer(), undefined, "later")).status, 404, "reserved but not answered yet");
    assert.equal((await post(await offer(), undefined, "nobody")).status, 404);
  });

  it("429 beyond maxViewers; a stream's end closes its viewers and frees the name", async () => {
    assert.equal((await post(await offer())).status, 201);
    assert.equal((await post(await offer())).status, 201);
    const third = await post(await offer());
    assert.equal(third.status, 429);
    assert.match(await third.text(), /limit maxViewers \(2\) reached/);
    registry.release("call1", "c1");
    assert.equal(registry.viewerCount, 0);
    assert.deepEqual(registry.list(), []);
    registry.reserve("call1", "c3");
  });

  it("the player page: plain HTML pointing at the stream's WHEP URL, no outside resources", async () => {
    const res = await fetch(`${server.url}/sipcast/play/call1`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type")!, /^text\/html/);
    assert.match(res.headers.get("content-security-policy")!, /default-src 'none'/);
    const page = await res.text();
    assert.match(page, /"whepUrl":"\/sipcast\/whep\/call1"/);
    assert.doesNotMatch(page, /<script src|<link /);
  });
});

describe("stream names and routes", () => {
  it("a second live call cannot take a name; names are 1–64 of A-Z a-z 0-9 . _ ~ -", () => {
    const r = new StreamRegistry();
    r.reserve("a.b_c~d-1", "c1");
    assert.throws(() => r.reserve("a.b_c~d-1", "c2"), /toStream: the stream name "a.b_c~d-1" is used by call c1/);
    assert.throws(() => r.reserve("../x", "c3"), /^ConfigError: toStream: expected 1–64 characters/);
    assert.throws(() => r.reserve("x".repeat(65), "c3"), /toStream: expected/);
    r.release("a.b_c~d-1", "c1");
    r.reserve("a.b_c~d-1", "c2");
  });

  it("whepRoute reads the endpoint, the viewer resource and the player page, and nothing else", () => {
    assert.deepEqual(whepRoute("/sipcast/whep/call1"), { kind: "endpoint", stream: "call1" });
    assert.deepEqual(whepRoute("/sipcast/whep/call1/0b7c2a4e-1f0e-4c8e-9a3b-2d6f4e5a6b7c?x=1"), { kind: "resource", stream: "call1", viewerId: "0b7c2a4e-1f0e-4c8e-9a3b-2d6f4e5a6b7c" });
    assert.deepEqual(whepRoute("/sipcast/play/call1/"), { kind: "player", stream: "call1" });
    assert.equal(whepRoute("/sipcast/whep/a%2Fb"), undefined);
    assert.equal(whepRoute("/sipcast/whep/call1/not-a-viewer"), undefined);
    assert.equal(whepRoute("/rest-api/call/startup"), undefined);
  });

  it("defaults: a viewer has 10 s to connect, 50 viewers at once, ICE on every interface", () => {
    const r = new StreamRegistry();
    assert.deepEqual([r.network, r.maxViewers], [{ iceTimeoutMs: 10_000 }, 50]);
  });

  it("network settings are checked once, naming the field", () => {
    assert.throws(() => new StreamRegistry({ network: { bindAddress: "localhost" } }), /whep\.bindAddress: expected an IPv4 address/);
    assert.throws(() => new StreamRegistry({ network: { portRange: { min: 5000, max: 4000 } } }), /whep\.portRange/);
    assert.throws(() => new StreamRegistry({ network: { iceTimeoutMs: 10 } }), /whep\.iceTimeoutMs/);
    assert.throws(() => new StreamRegistry({ maxViewers: 0 }), /maxViewers/);
  });

  it("publicAddress replaces the host address of the answer's candidates, the port kept", () => {
    const sdp = "a=candidate:1 1 udp 2130706431 10.0.0.5 40001 typ host\r\na=candidate:2 1 udp 1694498815 1.2.3.4 40001 typ srflx raddr 10.0.0.5 rport 40001\r\n";
    assert.equal(
      announceAddress(sdp, "203.0.113.7"),
      "a=candidate:1 1 udp 2130706431 203.0.113.7 40001 typ host\r\na=candidate:2 1 udp 1694498815 1.2.3.4 40001 typ srflx raddr 10.0.0.5 rport 40001\r\n",
    );
    assert.equal(announceAddress(sdp, undefined), sdp);
  });
});
