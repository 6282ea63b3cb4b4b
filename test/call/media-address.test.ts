import { strict as assert } from "node:assert";
import type * as dgram from "node:dgram";
import { CallMedia } from "../../src/call/call-media";
import type { AddressResolver } from "../../src/call/media-address";
import { SdpError } from "../../src/sdp";
import { silentLogger } from "../../src/util/logger";
import { Inbox, bindUdp, closeQuietly, portOf, rtp } from "../rtp/helpers/udp";

const HOST = "127.0.0.1";

/** A peer's SDP for audio (PCMU) whose c= line names `host`. */
function peerSdp(host: string, port: number, version = 1): string {
  return ["v=0", `o=- 7 ${version} IN IP4 ${host}`, "s=-", `c=IN IP4 ${host}`, "t=0 0", `m=audio ${port} RTP/AVP 0`, "a=rtpmap:0 PCMU/8000", "a=sendrecv", ""].join("\r\n");
}

/** A resolver that counts its calls: `peer.example` is the loopback peer, anything else does not exist. */
function countingResolver(): AddressResolver & { calls: string[] } {
  const calls: string[] = [];
  const resolver = async (host: string, family: 0 | 4 | 6): Promise<string> => {
    calls.push(`${host}/${family}`);
    if (host === "peer.example") return HOST;
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
  };
  return Object.assign(resolver, { calls });
}

describe("call/CallMedia: host names in the peer's SDP", () => {
  let media: CallMedia | undefined;
  let peer: dgram.Socket | undefined;

  afterEach(async () => {
    await media?.close();
    media = undefined;
    if (peer) closeQuietly(peer);
    peer = undefined;
  });

  async function open(resolver: AddressResolver, resolveTimeoutMs?: number): Promise<CallMedia> {
    media = await CallMedia.open({
      address: HOST,
      bindAddress: HOST,
      hasAudio: true,
      hasVideo: false,
      portRange: { min: 31000, max: 39999 },
      cname: "test",
      logger: silentLogger,
      resolver,
      ...(resolveTimeoutMs === undefined ? {} : { resolveTimeoutMs }),
    });
    media.createOffer();
    return media;
  }

  it("looks a c= host name up once per SDP, and every packet goes to that address", async () => {
    const resolver = countingResolver();
    const m = await open(resolver);
    peer = await bindUdp();
    const inbox = new Inbox(peer);
    await m.applyAnswer(peerSdp("peer.example", portOf(peer)));
    assert.deepEqual(resolver.calls, ["peer.example/4"], "one lookup, IPv4 for an IPv4 bind");
    const channel = m.channels.get("audio")!;
    for (let seq = 1; seq <= 25; seq++) assert.equal(channel.sendRtp(rtp({ payloadType: 0, sequenceNumber: seq })), true);
    for (let seq = 1; seq <= 25; seq++) assert.equal((await inbox.next(2000)).data.readUInt16BE(2), seq);
    assert.equal(resolver.calls.length, 1, "no lookup per packet");
    assert.equal(channel.toJSON().rtpDestination, `${HOST}:${portOf(peer)}`);
    // A re-INVITE is a new SDP: looked up once more.
    await m.answerOffer(peerSdp("peer.example", portOf(peer), 2));
    assert.equal(resolver.calls.length, 2);
  });

  it("does not look up an IP address", async () => {
    const resolver = countingResolver();
    const m = await open(resolver);
    await m.applyAnswer(peerSdp(HOST, 40000));
    assert.deepEqual(resolver.calls, []);
  });

  it("refuses an SDP whose host does not resolve (SdpError UNRESOLVED_ADDRESS, naming it), and one that takes too long", async () => {
    const m = await open(countingResolver());
    await assert.rejects(m.applyAnswer(peerSdp("nowhere.example", 40000)), (error: unknown) => {
      assert.ok(error instanceof SdpError);
      assert.equal(error.code, "UNRESOLVED_ADDRESS");
      assert.match(error.message, /"nowhere\.example".*ENOTFOUND/);
      return true;
    });
    assert.equal(m.negotiated, undefined, "nothing was applied");
    await m.close();

    const never: AddressResolver = () => new Promise<string>(() => undefined);
    const slow = await open(never, 100);
    const started = Date.now();
    await assert.rejects(slow.applyAnswer(peerSdp("slow.example", 40000)), /"slow\.example".*within 100 ms/);
    assert.ok(Date.now() - started < 2000);
  });
});
