import { settingString } from "./msg-fields";

/**
 * The "DNS servers" field (sip-account, wcs-rest-api) as the engine's `dnsServers` list: entries
 * separated by commas or spaces, left out when empty so the system's resolver is used. The engine
 * checks each entry (an IP address with an optional port) and names `dnsServers` when one is wrong.
 */
export function dnsServersOf(value: unknown): { dnsServers?: string[] } {
  const servers = settingString(value)
    .split(/[\s,]+/)
    .filter((h) => h !== "");
  return servers.length > 0 ? { dnsServers: servers } : {};
}
