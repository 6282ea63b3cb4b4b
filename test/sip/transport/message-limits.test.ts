import assert from "node:assert/strict";
import { SIP_MAX_HEADER_VALUES, SIP_MAX_ROUTE_VALUES, SipTransport } from "../../../src/sip/transport";
import { headerLimitExceeded } from "../../../src/sip/transport/message-limits";
import { RFC4475_MESSAGES } from "../torture/rfc4475-messages";
import { AsyncQueue, UdpPeer, quietSipLogger, sipjsRequest } from "./loopback";

/** An OPTIONS with `extra` header lines before Content-Length. */
function options(extra: string[]): string {
  return sipjsRequest("OPTIONS", "z9hG4bK-limits", "sip:alice@127.0.0.1").replace("Content-Length:", `${extra.map((l) => `${l}\r\n`).join("")}Content-Length:`);
}

describe("Header value limits of incoming SIP messages", () => {
  it("lets every RFC 4475 torture message through", () => {
    for (const m of RFC4475_MESSAGES) assert.equal(headerLimitExceeded(m.bytes.toString("utf8")), undefined, m.name);
  });

  it(`counts lines and commas of the head (not the body) against ${SIP_MAX_HEADER_VALUES}, and Contact/Route/Record-Route values against ${SIP_MAX_ROUTE_VALUES}`, () => {
    assert.equal(headerLimitExceeded(options(Array(200).fill("X-A: 1"))), undefined);
    assert.match(headerLimitExceeded(options(Array(260).fill("X-A: 1"))) ?? "", /more than 256 header values/);
    assert.match(headerLimitExceeded(options([`Allow: ${Array(300).fill("INVITE").join(",")}`])) ?? "", /header values/);
    assert.equal(headerLimitExceeded(options([`Record-Route: ${Array(SIP_MAX_ROUTE_VALUES - 1).fill("<sip:p;lr>").join(",")}`])), undefined);
    assert.match(headerLimitExceeded(options(Array(SIP_MAX_ROUTE_VALUES + 1).fill("Record-Route: <sip:p;lr>"))) ?? "", /Record-Route values/);
    assert.match(headerLimitExceeded(options([`m: ${Array(40).fill("<sip:a@h>").join(",")}`, `Contact: ${Array(40).fill("<sip:b@h>").join(",")}`])) ?? "", /Contact/);
    const body = Array(1000).fill("a=x,y").join("\r\n");
    assert.equal(headerLimitExceeded(sipjsRequest("INFO", "z9hG4bK-b", "sip:alice@127.0.0.1", body)), undefined, "commas in the body do not count");
  });

  it("over UDP: drops a 59 KB datagram of 2,000 Record-Route lines (about a second of sip.js parsing) and delivers the next message", async () => {
    const peer = await UdpPeer.open();
    const transport = new SipTransport(quietSipLogger, {
      protocol: "udp",
      server: { host: "127.0.0.1", port: peer.port },
      forceServer: true,
      localAddress: "127.0.0.1",
    });
    const delivered = new AsyncQueue<string>();
    transport.onMessage = (m) => delivered.push(m);
    try {
      await transport.connect();
      const heavy = options(Array(2000).fill("Record-Route: <sip:h;lr>"));
      assert.ok(Buffer.byteLength(heavy) > 50_000 && Buffer.byteLength(heavy) < 65_507);
      await peer.send(heavy, transport.localPort);
      await peer.send(sipjsRequest("OPTIONS", "z9hG4bK-light", "sip:alice@127.0.0.1"), transport.localPort);
      const first = await delivered.next();
      assert.match(first, /branch=z9hG4bK-light/, "the heavy datagram never reached sip.js");
    } finally {
      await transport.dispose();
      await peer.close();
    }
  });
});
