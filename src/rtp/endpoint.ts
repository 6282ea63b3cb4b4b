/** A UDP transport address. */
export interface Endpoint {
  address: string;
  port: number;
}

/** True when both name the same address and port. */
export function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.port === b.port && a.address === b.address;
}

/** `address:port`, with brackets for IPv6, for logs. */
export function formatEndpoint(e: Endpoint): string {
  return e.address.includes(":") ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}

/**
 * True when two IP address strings name the same host: an IPv4-mapped IPv6 address (what a udp6
 * socket reports for an IPv4 sender) equals its IPv4 form, and IPv6 spellings are compared in
 * their canonical form (an SDP may write `2001:DB8:0::1`, the socket reports `2001:db8::1`).
 */
export function sameAddress(a: string, b: string): boolean {
  return canonicalAddress(a) === canonicalAddress(b);
}

function canonicalAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!address.includes(":")) return address;
  try {
    // The WHATWG URL parser prints IPv6 hosts in RFC 5952 form; it does no I/O.
    return new URL(`http://[${address.replace(/%.*$/, "")}]/`).hostname;
  } catch {
    return address.toLowerCase();
  }
}
