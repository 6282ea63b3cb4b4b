import { strict as assert } from "node:assert";
import { requirePeers, startKamailio, type Kamailio } from "../harness";
import { startDnsServer, type DnsServer } from "../harness/dns-server";
import { allOurNodes, helper } from "./helpers/node-red-helper";
import { node, tab } from "./helpers/flows";
import { recordStatus, sleep } from "./helpers/recorders";

/*
 * The sip-account node with an empty port field and its DNS servers field pointing at a DNS server on
 * loopback: the domain "sip.test" exists only there, as an SRV record naming Kamailio's port. The
 * node registers through that target; a port of 5060 (as flows saved before carry) is used as given.
 */
describe("nodes: sip-account locates its server by DNS SRV when the port is empty", function () {
  this.timeout(30_000);
  let kamailio: Kamailio;
  let dns: DnsServer;

  before(async function () {
    requirePeers(["kamailio"]);
    kamailio = await startKamailio();
    dns = await startDnsServer({
      "_sip._udp.sip.test": { SRV: [{ priority: 10, weight: 10, port: kamailio.udpPort, target: "registrar.sip.test" }] },
      "registrar.sip.test": { A: ["127.0.0.1"] },
    });
    await helper.startServer();
  });

  after(async () => {
    await helper.stopServer();
    await dns?.stop();
    await kamailio?.stop();
  });

  afterEach(() => helper.unload());

  const flow = (account: Record<string, unknown>) => [
    tab(),
    node("sip-account", "acc", { login: "alice", domain: "sip.test", transport: "udp", dnsServers: dns.address, localAddress: "127.0.0.1", ...account }),
    node("sip-call", "a", { account: "acc", callee: "uas" }),
  ];

  it("an empty port: asks the DNS servers field for SRV and registers at the target's port", async () => {
    await helper.load(allOurNodes(), flow({ port: "" }), { acc: { password: "alicepw" } });
    await recordStatus("a").waitFor((s) => s.fill === "green" && s.shape === "dot" && s.text === "registered", 10_000);
    await kamailio.waitForLog(/REGISTERED alice \(src udp:/, 5000);
    assert.ok(dns.queries.includes("SRV _sip._udp.sip.test"), dns.queries.join(", "));
  });

  it("a saved port 5060 stays a given port: only the address of sip.test is asked (none here), no NAPTR or SRV", async () => {
    const before = dns.queries.length;
    await helper.load(allOurNodes(), flow({ port: 5060, requestTimeout: 2 }), { acc: { password: "alicepw" } });
    const failed = await recordStatus("a").waitFor((s) => s.fill === "red", 15_000, "a failed registration");
    assert.match(failed.text ?? "", /^failed: /);
    const asked = dns.queries.slice(before);
    assert.ok(!asked.some((q) => q.startsWith("SRV ") || q.startsWith("NAPTR ")), asked.join(", "));
    assert.ok(asked.includes("A sip.test"), asked.join(", "));
  });

  it("a DNS server that is not an IP address: a red status naming dnsServers, no REGISTER", async () => {
    const registers = (): number => kamailio.logs().split("\n").filter((l) => /REQ REGISTER .*alice/.test(l)).length;
    const before = registers();
    await helper.load(allOurNodes(), flow({ port: "", dnsServers: "dns.example" }), { acc: { password: "alicepw" } });
    await recordStatus("a").waitFor((s) => s.fill === "red" && /^failed: dnsServers: "dns\.example" is not an IP address/.test(s.text ?? ""), 5000);
    await sleep(300);
    assert.equal(registers(), before);
  });
});
