import { strict as assert } from "node:assert";
import { MAX_DNS_SERVERS } from "node-red-contrib-sipcast";
import { editorDefinition, editorInvalidity } from "./helpers/editor-defaults";

/** The editor's checks of the sip-account port and of the DNS servers fields (sip-account, wcs-rest-api). */
describe("nodes: editor validation of the port and DNS servers fields", () => {
  const valid = (type: string, key: string, value: unknown): boolean => {
    const def = editorDefinition(type).defaults[key];
    assert.ok(def, `${type}.${key} is an editor field`);
    return editorInvalidity(def, { [key]: value }, key) === undefined;
  };

  it("sip-account port: empty (locate by DNS SRV) or 1–65535; new nodes start empty", () => {
    assert.equal(editorDefinition("sip-account").defaults.port.value, "");
    for (const ok of ["", 5060, "5061", 1, 65535]) assert.ok(valid("sip-account", "port", ok), `port ${JSON.stringify(ok)}`);
    for (const bad of [0, 70000, "50a", "5060.5"]) assert.ok(!valid("sip-account", "port", bad), `port ${JSON.stringify(bad)}`);
  });

  for (const type of ["sip-account", "wcs-rest-api"]) {
    it(`${type} dnsServers: empty, or up to MAX_DNS_SERVERS (the engine's limit) IP addresses with optional ports; no host names`, () => {
      assert.equal(editorDefinition(type).defaults.dnsServers.value, "");
      const eight = Array.from({ length: MAX_DNS_SERVERS }, (_, i) => `127.0.0.${i + 1}`);
      for (const ok of ["", "127.0.0.1", "127.0.0.1:5353, 192.0.2.53", "[::1]:53 ::1", eight.join(",")]) assert.ok(valid(type, "dnsServers", ok), ok);
      for (const bad of ["dns.example", "127.0.0.1:70000", "300.1.1.1", "127.0.0.1:0", [...eight, "127.0.1.1"].join(",")]) assert.ok(!valid(type, "dnsServers", bad), bad);
    });
  }
});
