import assert from "node:assert/strict";
import { ConfigError } from "../../../src/errors";
import { checkDnsServers, createDnsLookup } from "../../../src/sip/locate/dns-lookup";
import { locateServer } from "../../../src/sip/locate/server-location";
import { startDnsServer, type DnsServer } from "../../harness/dns-server";

/** RFC 3263 location against a DNS server on loopback that the test starts (Node's resolver pointed at it). */
describe("locating a SIP server (RFC 3263) with a DNS server on 127.0.0.1", () => {
  let dns: DnsServer;

  before(async () => {
    dns = await startDnsServer({
      "naptr.test": {
        NAPTR: [
          { order: 10, preference: 20, flags: "s", service: "SIP+D2U", regexp: "", replacement: "_sip._udp.second.naptr.test" },
          { order: 10, preference: 10, flags: "s", service: "SIP+D2U", regexp: "", replacement: "_sip._udp.first.naptr.test" },
          { order: 5, preference: 10, flags: "s", service: "SIP+D2T", regexp: "", replacement: "_sip._tcp.naptr.test" },
        ],
      },
      "_sip._udp.first.naptr.test": { SRV: [{ priority: 1, weight: 0, port: 5071, target: "a.naptr.test" }] },
      "_sip._udp.second.naptr.test": { SRV: [{ priority: 1, weight: 0, port: 5072, target: "b.naptr.test" }] },
      "_sip._tcp.naptr.test": { SRV: [{ priority: 1, weight: 0, port: 5090, target: "a.naptr.test" }] },
      "a.naptr.test": { A: ["127.0.0.11"] },
      "b.naptr.test": { A: ["127.0.0.12"], AAAA: ["::1"] },
      "srv.test": { A: ["127.0.0.99"] },
      "_sip._udp.srv.test": {
        SRV: [
          { priority: 20, weight: 0, port: 5082, target: "backup.srv.test" },
          { priority: 10, weight: 0, port: 5081, target: "main.srv.test" },
        ],
      },
      "_sips._tcp.srv.test": { SRV: [{ priority: 1, weight: 0, port: 5091, target: "main.srv.test" }] },
      "main.srv.test": { A: ["127.0.0.21"] },
      "backup.srv.test": { A: ["127.0.0.22"] },
      "plain.test": { A: ["127.0.0.31"] },
    });
  });

  after(async () => dns.stop());

  const lookup = (): ReturnType<typeof createDnsLookup> => createDnsLookup([dns.address]);

  it("NAPTR of this transport (by order, then preference) → SRV → A/AAAA, each address with the SRV port", async () => {
    const hops = await locateServer({ host: "naptr.test", port: 5060, portGiven: false, transport: "udp" }, lookup());
    assert.deepEqual(hops, [
      { host: "127.0.0.11", port: 5071 },
      { host: "127.0.0.12", port: 5072 },
      { host: "::1", port: 5072 },
    ]);
  });

  it("takes the NAPTR record of the configured transport only (tcp: SIP+D2T)", async () => {
    const hops = await locateServer({ host: "naptr.test", port: 5060, portGiven: false, transport: "tcp" }, lookup());
    assert.deepEqual(hops, [{ host: "127.0.0.11", port: 5090 }]);
  });

  it("without NAPTR: _sip._udp / _sips._tcp SRV, lowest priority first", async () => {
    const d = lookup();
    assert.deepEqual(await locateServer({ host: "srv.test", port: 5060, portGiven: false, transport: "udp" }, d), [
      { host: "127.0.0.21", port: 5081 },
      { host: "127.0.0.22", port: 5082 },
    ]);
    assert.deepEqual(await locateServer({ host: "srv.test", port: 5061, portGiven: false, transport: "tls" }, d), [{ host: "127.0.0.21", port: 5091 }]);
  });

  it("a port given: A/AAAA only, no NAPTR or SRV asked", async () => {
    const before = dns.queries.length;
    assert.deepEqual(await locateServer({ host: "srv.test", port: 5099, portGiven: true, transport: "udp" }, lookup()), [{ host: "127.0.0.99", port: 5099 }]);
    assert.deepEqual(dns.queries.slice(before), ["A srv.test", "AAAA srv.test"]);
  });

  it("no SRV: the host's A records at the given port; an IP address asks nothing", async () => {
    assert.deepEqual(await locateServer({ host: "plain.test", port: 5060, portGiven: false, transport: "udp" }, lookup()), [{ host: "127.0.0.31", port: 5060 }]);
    const before = dns.queries.length;
    assert.deepEqual(await locateServer({ host: "127.0.0.1", port: 5070, portGiven: false, transport: "udp" }, lookup()), [{ host: "127.0.0.1", port: 5070 }]);
    assert.equal(dns.queries.length, before);
  });

  it("with the system's DNS, a host without SRV records stays a name for the socket to resolve (as before)", async () => {
    // "localhost" is answered from /etc/hosts by the sockets' lookup; DNS has no SRV for it.
    assert.deepEqual(await locateServer({ host: "localhost", port: 5060, portGiven: false, transport: "udp" }, createDnsLookup(undefined)), [{ host: "localhost", port: 5060 }]);
    assert.deepEqual(await locateServer({ host: "localhost", port: 5080, portGiven: true, transport: "udp" }, createDnsLookup(undefined)), [{ host: "localhost", port: 5080 }]);
  });

  it("an unknown name resolves to itself (the socket's lookup has the last word)", async () => {
    assert.deepEqual(await locateServer({ host: "nothing.test", port: 5060, portGiven: false, transport: "udp" }, lookup()), [{ host: "nothing.test", port: 5060 }]);
  });

  it("checks dnsServers: IP addresses with optional ports, 1 to 8", () => {
    assert.deepEqual(checkDnsServers(["127.0.0.1:5353", "192.0.2.53", "[::1]:53", "::1"]), ["127.0.0.1:5353", "192.0.2.53", "[::1]:53", "::1"]);
    assert.equal(checkDnsServers(undefined), undefined);
    for (const bad of [[], ["dns.example"], ["127.0.0.1:99999"], "127.0.0.1", Array(9).fill("127.0.0.1")]) {
      assert.throws(() => checkDnsServers(bad), (e: Error) => e instanceof ConfigError && /dnsServers/.test(e.message), JSON.stringify(bad));
    }
  });
});
