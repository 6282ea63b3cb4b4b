import assert from "node:assert/strict";
import { Engine } from "../../src/call/engine";
import { freePorts } from "../harness";
import { UdpPeer } from "./transport/loopback";


describe("An INVITE from a stranger (the engine only places calls)", () => {
  let server: UdpPeer | undefined;
  let stranger: UdpPeer | undefined;
  let engine: Engine | undefined;

  afterEach(async () => {
    await engine?.close();
    await server?.close();
    await stranger?.close();
    engine = server = stranger = undefined;
  });

  it("is declined with one stateless 603 Decline: no 100 Trying, no 180 Ringing, one answer per datagram", async () => {
    server = await UdpPeer.open();
    stranger = await UdpPeer.open();
    const [sipPort] = await freePorts(1, { udp: true, tcp: false });
    engine = new Engine({
      account: { login: "alice", domain: "127.0.0.1", port: server.port, password: "", registerRequired: false },
      localAddress: "127.0.0.1",
      localPort: sipPort,
    });
    await engine.start();
    const sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
    const invite = [
      `INVITE sip:alice@127.0.0.1:${sipPort} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${stranger.port};branch=z9hG4bK-stranger-1;rport`,
      "Max-Forwards: 70",
      "From: <sip:mallory@127.0.0.1>;tag=m1",
      "To: <sip:alice@127.0.0.1>",
      "Call-ID: stranger-invite-1",
      "CSeq: 1 INVITE",
      `Contact: <sip:mallory@127.0.0.1:${stranger.port}>`,
      "Content-Type: application/sdp",
      `Content-Length: ${sdp.length}`,
      "",
      sdp,
    ].join("\r\n");
    await stranger.send(invite, sipPort);
    const answers = await stranger.receivedWithin(800);
    const statuses = answers.map((a) => /^SIP\/2\.0 (\d{3})/.exec(a)?.[1]);
    assert.deepEqual(statuses, ["603"]);
  });
});
