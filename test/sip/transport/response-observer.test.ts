import assert from "node:assert/strict";
import { SipTransport } from "../../../src/sip/transport";
import { quietSipLogger, UdpPeer } from "./loopback";

describe("SipTransport onResponse (an observer of responses, before sip.js)", () => {
  let peer: UdpPeer;
  let transport: SipTransport | undefined;

  beforeEach(async () => {
    peer = await UdpPeer.open();
  });

  afterEach(async () => {
    await transport?.dispose();
    transport = undefined;
    await peer.close();
  });

  it("shows each response to the observer, then to sip.js, even when the observer throws; requests are not shown", async () => {
    const events: string[] = [];
    let calls = 0;
    transport = new SipTransport(quietSipLogger, {
      protocol: "udp",
      server: { host: "127.0.0.1", port: peer.port },
      forceServer: true,
      localAddress: "127.0.0.1",
      onResponse: (m) => {
        events.push(`observed ${m.split("\r\n")[0]}`);
        if (++calls === 1) throw new Error("observer failure");
      },
    });
    let delivered!: () => void;
    const threeDelivered = new Promise<void>((resolve) => (delivered = resolve));
    transport.onMessage = (m) => {
      events.push(`delivered ${m.split("\r\n")[0]}`);
      if (events.filter((e) => e.startsWith("delivered")).length === 3) delivered();
    };
    await transport.connect();
    const port = transport.localPort;
    const head = `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bKo1;rport\r\nFrom: <sip:alice@127.0.0.1>;tag=t1\r\nTo: <sip:bob@127.0.0.1>;tag=b1\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n`;
    await peer.send(`SIP/2.0 180 Ringing\r\n${head}`, port);
    await peer.send(`BYE sip:alice@127.0.0.1 SIP/2.0\r\n${head.replace("1 INVITE", "2 BYE")}`, port);
    await peer.send(`SIP/2.0 200 OK\r\n${head}`, port);
    await threeDelivered;
    assert.deepEqual(events, [
      "observed SIP/2.0 180 Ringing",
      "delivered SIP/2.0 180 Ringing",
      "delivered BYE sip:alice@127.0.0.1 SIP/2.0",
      "observed SIP/2.0 200 OK",
      "delivered SIP/2.0 200 OK",
    ]);
  });

  it("refuses an observer that is not a function", () => {
    assert.throws(
      () => new SipTransport(quietSipLogger, { protocol: "udp", server: { host: "127.0.0.1", port: 5060 }, forceServer: true, onResponse: "x" as unknown as () => void }),
      /transportOptions.onResponse must be a function/,
    );
  });
});
