import { strict as assert } from "node:assert";
import { wcsNodeSettings, type WcsRestApiConfig } from "../../src/nodes/wcs-rest-api/wcs-node-settings";

const base: WcsRestApiConfig = { id: "w1", type: "wcs-rest-api", z: "f1", name: "" };

describe("nodes: wcs-rest-api settings (rtpSourceCheck)", () => {
  it("hands rtpSourceCheck to the engine; a flow saved before the field existed gets the strict default", () => {
    assert.equal(wcsNodeSettings({ ...base, rtpSourceCheck: "learn" }).api.engineOptions?.rtpSourceCheck, "learn");
    assert.equal(wcsNodeSettings({ ...base }).api.engineOptions?.rtpSourceCheck, "signalled");
    assert.equal(wcsNodeSettings({ ...base, rtpSourceCheck: "" }).api.engineOptions?.rtpSourceCheck, "signalled");
  });
});

describe("nodes: wcs-rest-api settings (dnsServers)", () => {
  it("hands the DNS servers field to the engines as a list; empty or absent leaves the system's", () => {
    assert.deepEqual(wcsNodeSettings({ ...base, dnsServers: " 127.0.0.1:5353, [::1]:53 192.0.2.53 " }).api.engineOptions?.dnsServers, ["127.0.0.1:5353", "[::1]:53", "192.0.2.53"]);
    assert.equal("dnsServers" in (wcsNodeSettings({ ...base, dnsServers: "" }).api.engineOptions ?? {}), false);
    assert.equal("dnsServers" in (wcsNodeSettings({ ...base }).api.engineOptions ?? {}), false);
  });

  it("refuses a DNS server that is not an IP address at deploy, naming dnsServers", () => {
    assert.throws(() => wcsNodeSettings({ ...base, dnsServers: "dns.example" }), /^Error: dnsServers: expected 1 to 8 IP addresses.*got "dns\.example"$/);
    assert.throws(() => wcsNodeSettings({ ...base, dnsServers: "127.0.0.1:70000" }), /dnsServers/);
    assert.throws(() => wcsNodeSettings({ ...base, dnsServers: Array.from({ length: 9 }, (_, i) => `127.0.0.${i + 1}`).join(",") }), /dnsServers/);
  });
});
