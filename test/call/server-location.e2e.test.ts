import { strict as assert } from "node:assert";
import { Engine } from "../../src/call/engine";
import { CallStatus } from "../../src/call/call-status";
import type { SipTransportName } from "../../src/sip/account-options";
import { requirePeers, startBaresip, startKamailio, type Baresip, type Kamailio } from "../harness";
import { startDnsServer, type DnsServer } from "../harness/dns-server";
import { UdpPeer } from "../sip/transport/loopback";
import { waitForStatus } from "./helpers/wait-for-status";

/*
 * RFC 3263 end to end: the account's domain is "sip.test", known only to a DNS server on loopback
 * that the test starts. Its SRV records name two Kamailio instances (priority 10, then 20); the
 * first is stopped (or answers 503), the second registers us and carries the call to baresip.
 */

const DOMAIN = "sip.test";

describe("RFC 3263: the domain's SRV targets in order, the next one when the first does not answer", function () {
  this.timeout(90_000);
  let second: Kamailio;
  let baresip: Baresip;
  let dns: DnsServer | undefined;
  let engine: Engine | undefined;
  let logLines: string[] = [];

  before(async function () {
    requirePeers(["kamailio", "baresip", "ffmpeg"]);
    second = await startKamailio();
    baresip = await startBaresip({ registrar: { port: second.udpPort, user: "uas", password: "uaspw" }, video: false });
  });

  afterEach(async () => {
    await engine?.close();
    engine = undefined;
    await dns?.stop();
    dns = undefined;
  });

  after(async () => {
    await baresip?.stop();
    await second?.stop();
  });

  /** The zone: SRV for udp and tcp, priority 10 at `firstPorts`, 20 at the second Kamailio. */
  async function zone(firstPorts: { udp: number; tcp: number }): Promise<DnsServer> {
    dns = await startDnsServer({
      [`_sip._udp.${DOMAIN}`]: {
        SRV: [
          { priority: 20, weight: 10, port: second.udpPort, target: `two.${DOMAIN}` },
          { priority: 10, weight: 10, port: firstPorts.udp, target: `one.${DOMAIN}` },
        ],
      },
      [`_sip._tcp.${DOMAIN}`]: {
        SRV: [
          { priority: 10, weight: 10, port: firstPorts.tcp, target: `one.${DOMAIN}` },
          { priority: 20, weight: 10, port: second.tcpPort, target: `two.${DOMAIN}` },
        ],
      },
      [`one.${DOMAIN}`]: { A: ["127.0.0.1"] },
      [`two.${DOMAIN}`]: { A: ["127.0.0.1"] },
    });
    return dns;
  }

  function engineFor(d: DnsServer, transport: SipTransportName): Engine {
    logLines = [];
    engine = new Engine({
      logger: { log: (level, category, message) => logLines.push(`${level} ${category} ${message}`) },
      account: { login: "alice", password: "alicepw", domain: DOMAIN, transport },
      dnsServers: [d.address],
      localAddress: "127.0.0.1",
      rtpTimeoutMs: 0,
    });
    return engine;
  }

  /** Registers (timed), calls baresip through the second Kamailio, checks media both ways and hangs up. */
  async function registerAndCall(e: Engine, transport: SipTransportName): Promise<number> {
    const startedAt = Date.now();
    const registered = await e.start();
    const registerMs = Date.now() - startedAt;
    assert.ok(registered.ok, `registered: ${JSON.stringify(registered)}; log: ${logLines.join("\n")}`);
    await second.waitForLog(new RegExp(`REGISTERED alice \\(src ${transport}:`), 5000);
    const call = e.call({ callee: "uas", hasVideo: false });
    await waitForStatus(call, CallStatus.ESTABLISHED, 15_000);
    // The INVITE's 407 came from the SRV target, not from "sip.test" itself: it was answered.
    await second.waitForLog(/REQ INVITE sip:uas@sip\.test from sip:alice@sip\.test/, 5000);
    await new Promise((r) => setTimeout(r, 1500));
    // Strict RTP source (the default "signalled") still takes baresip's media.
    const audio = (call.stats() as { media?: { audio?: { packetsReceived?: number } } }).media?.audio;
    assert.ok((audio?.packetsReceived ?? 0) > 20, `audio received: ${JSON.stringify(audio)}`);
    const at = Date.now();
    call.terminate();
    await waitForStatus(call, CallStatus.FINISH, 10_000);
    await baresip.waitForEvent((ev) => ev.type === "CALL_CLOSED" && ev.receivedAt >= at, 10_000);
    return registerMs;
  }

  it("UDP: the first target (priority 10) is stopped: REGISTER moves to the second after 4 s without an answer; the call goes there", async () => {
    const first = await startKamailio();
    const ports = { udp: first.udpPort, tcp: first.tcpPort };
    await first.stop();
    const d = await zone(ports);
    const ms = await registerAndCall(engineFor(d, "udp"), "udp");
    process.stdout.write(`      udp, first target stopped: registered through the second after ${ms} ms\n`);
    assert.ok(d.queries.includes(`NAPTR ${DOMAIN}`) && d.queries.includes(`SRV _sip._udp.${DOMAIN}`), d.queries.join(", "));
    assert.ok(logLines.some((l) => l.includes(`127.0.0.1:${ports.udp} for ${DOMAIN}:5060: no response; trying 127.0.0.1:${second.udpPort}`)), logLines.join("\n"));
    assert.ok(ms >= 3900 && ms < 10_000, `${ms} ms`);
  });

  it("UDP: the first target answers 503: REGISTER moves to the second at once", async () => {
    const busy = await UdpPeer.open();
    let served = 0;
    const answering = (async () => {
      for (;;) {
        const { text, port } = await busy.received.next();
        if (text === "") return;
        served++;
        const head = text.split("\r\n").filter((l) => /^(via|from|to|call-id|cseq):/i.test(l));
        await busy.send(["SIP/2.0 503 Service Unavailable", ...head, "Content-Length: 0", "", ""].join("\r\n"), port).catch(() => undefined);
      }
    })();
    try {
      const d = await zone({ udp: busy.port, tcp: 9 });
      const ms = await registerAndCall(engineFor(d, "udp"), "udp");
      process.stdout.write(`      udp, first target answers 503: registered through the second after ${ms} ms\n`);
      assert.equal(served, 1, "one REGISTER went to the 503 server, nothing after");
      assert.ok(logLines.some((l) => l.includes(`503 Service Unavailable; trying 127.0.0.1:${second.udpPort}`)), logLines.join("\n"));
      assert.ok(ms < 2000, `${ms} ms`);
    } finally {
      busy.received.push({ text: "", port: 0 });
      await answering;
      await busy.close();
    }
  });

  it("TCP: the first target refuses the connection: the second at once", async () => {
    const first = await startKamailio();
    const ports = { udp: first.udpPort, tcp: first.tcpPort };
    await first.stop();
    const d = await zone(ports);
    const ms = await registerAndCall(engineFor(d, "tcp"), "tcp");
    process.stdout.write(`      tcp, first target stopped: registered through the second after ${ms} ms\n`);
    assert.ok(d.queries.includes(`SRV _sip._tcp.${DOMAIN}`), d.queries.join(", "));
    assert.ok(logLines.some((l) => l.includes(`127.0.0.1:${ports.tcp} for ${DOMAIN}:5060: TCP connect to`)), logLines.join("\n"));
    assert.ok(ms < 2000, `${ms} ms`);
  });
});
