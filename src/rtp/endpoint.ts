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
