import assert from "node:assert/strict";
import { Inviter, Registerer, RegistererState, UserAgent, type Core, type SessionDescriptionHandler } from "sip.js";
import { SipTransport, type SipTransportOptions } from "../../../src/sip/transport";
import { AsyncQueue, UdpPeer, closedTcpPort, sipjsRequest } from "./loopback";

/** An SDH with a fixed offer: sip.js 0.21 never reads the SDP, it only hands it to the session description handler. */
const fixedSdh: SessionDescriptionHandler = {
  close: () => undefined,
  getDescription: () => Promise.resolve({ body: "v=0\r\n", contentType: "application/sdp" }),
  hasDescription: () => true,
  setDescription: () => Promise.resolve(),
  sendDtmf: () => false,
};

/** The response a registrar gives: request Via/From/Call-ID/CSeq/Contact, To with a tag. */
function registrarReply(request: string): string {
  const pick = (name: string): string[] => request.split("\r\n").filter((l) => l.toLowerCase().startsWith(`${name}:`));
  return [
    "SIP/2.0 200 OK",
    ...pick("via"),
    ...pick("from"),
    ...pick("to").map((l) => `${l};tag=reg1`),
    ...pick("call-id"),
    ...pick("cseq"),
    ...pick("contact"),
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
}

function userAgent(transportOptions: SipTransportOptions, registrarPort: number): UserAgent {
  const uri = UserAgent.makeURI(`sip:alice@127.0.0.1:${registrarPort}`);
  assert.ok(uri);
  return new UserAgent({
    uri,
    transportConstructor: SipTransport,
    transportOptions,
    viaHost: "127.0.0.1",
    forceRport: true,
    contactParams: { transport: transportOptions.protocol },
    logBuiltinEnabled: false,
    sessionDescriptionHandlerFactory: () => fixedSdh,
  });
}

function rejection(): { delegate: { onReject(r: Core.IncomingResponse): void }; status: Promise<number> } {
  let resolve: (status: number) => void = () => undefined;
  const status = new Promise<number>((r) => (resolve = r));
  return { delegate: { onReject: (r) => resolve(r.message.statusCode ?? 0) }, status };
}

describe("SipTransport under a sip.js UserAgent", () => {
  let peer: UdpPeer;
  let ua: UserAgent | undefined;

  beforeEach(async () => {
    peer = await UdpPeer.open();
  });

  afterEach(async () => {
    await ua?.stop();
    ua = undefined;
    await peer.close();
  });

  it("registers over UDP: sip.js accepts the response once the transport strips the Via port", async () => {
    ua = userAgent({ protocol: "udp", server: { host: "127.0.0.1", port: peer.port }, forceServer: false, localAddress: "127.0.0.1" }, peer.port);
    await ua.start();
    const transport = ua.transport as SipTransport;
    const registerer = new Registerer(ua);
    const registered = new Promise<void>((resolve) =>
      registerer.stateChange.addListener((s) => s === RegistererState.Registered && resolve()),
    );
    // The registrar: answers each REGISTER with 200 OK echoing its Via (with the port) and Contact.
    const registers = new AsyncQueue<string>();
    let answering = true;
    void (async () => {
      while (answering) {
        const { text, port } = await peer.received.next();
        if (!text.startsWith("REGISTER ")) continue;
        registers.push(text);
        await peer.send(registrarReply(text), port);
      }
    })();
    await registerer.register();
    const register = await registers.next();
    assert.match(register.split("\r\n")[1], new RegExp(`^Via: SIP/2.0/UDP 127\\.0\\.0\\.1:${transport.localPort};branch=z9hG4bK\\d+;rport$`));
    await registered;
    assert.equal(registerer.state, RegistererState.Registered);
    answering = false; // the loop still answers the un-REGISTER that ua.stop() sends, then ends
  });

  it("rejects an INVITE with 408 after requestTimeoutMs and never ACKs that local 408", async () => {
    ua = userAgent(
      { protocol: "udp", server: { host: "127.0.0.1", port: peer.port }, forceServer: true, localAddress: "127.0.0.1", requestTimeoutMs: 300 },
      peer.port,
    );
    await ua.start();
    const target = UserAgent.makeURI(`sip:bob@127.0.0.1:${peer.port}`);
    assert.ok(target);
    const inviter = new Inviter(ua, target);
    const { delegate, status } = rejection();
    await inviter.invite({ requestDelegate: delegate });
    assert.equal(await status, 408);
    const invite = await peer.received.next();
    assert.match(invite.text, /^INVITE /);
    assert.match(invite.text, new RegExp(`^Via: SIP/2.0/UDP 127\\.0\\.0\\.1:${(ua.transport as SipTransport).localPort};branch=`, "m"));
    await ua.transport.send(sipjsRequest("OPTIONS", "z9hG4bKmark", `sip:bob@127.0.0.1:${peer.port}`));
    assert.match((await peer.received.next()).text, /^OPTIONS /, "no ACK between the INVITE and the marker");
  });

  it("over TCP with the connection refused, sip.js itself turns the rejected send() into a 503", async () => {
    const port = await closedTcpPort();
    ua = userAgent({ protocol: "tcp", server: { host: "127.0.0.1", port }, forceServer: true }, port);
    await assert.rejects(ua.start(), /ECONNREFUSED/);
    const registerer = new Registerer(ua);
    const { delegate, status } = rejection();
    const messages = new AsyncQueue<string>();
    const transport = ua.transport as SipTransport;
    const original = transport.onMessage;
    transport.onMessage = (m) => {
      messages.push(m);
      original?.(m);
    };
    await registerer.register({ requestDelegate: delegate });
    assert.equal(await status, 503);
    assert.equal(messages.length, 0, "the 503 came from sip.js, not from the transport");
  });
});
