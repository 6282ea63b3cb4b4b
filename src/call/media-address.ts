import { lookup } from "node:dns/promises";
import { isIP, isIPv6 } from "node:net";
import { SdpError } from "../sdp";

/** Looks a host name up; resolves with one IP address of `family` (0: either). */
export type AddressResolver = (host: string, family: 0 | 4 | 6) => Promise<string>;

/** How long the host name of an SDP c= line may take to resolve before the SDP is refused. */
export const MEDIA_ADDRESS_LOOKUP_TIMEOUT_MS = 3000;

/** The system resolver (getaddrinfo: /etc/hosts, then DNS), as socket.send() itself would use. */
export const systemResolver: AddressResolver = async (host, family) => (await lookup(host, { family })).address;

/** Options of {@link MediaAddressResolver}. */
export interface MediaAddressResolverOptions {
  /** Where the RTP sockets are bound: an IPv4 bind looks up IPv4 addresses only. */
  bindAddress: string;
  resolver?: AddressResolver;
  timeoutMs?: number;
}

/**
 * Turns the connection addresses of a peer's SDP into IP addresses, once per SDP.
 *
 * @remarks
 * RFC 4566 allows a fully qualified domain name in c=. Handed to dgram's send() as is, a name is
 * looked up again for every packet (and RTP goes out 50 times a second per medium), and a name
 * that does not resolve fails each send on its own. So each distinct name of an SDP is looked up
 * once, before media flows, with a timeout; one that does not resolve refuses the SDP with
 * SdpError UNRESOLVED_ADDRESS (the call ends FAILED, NOT_ACCEPTABLE, saying which name).
 * IP addresses are returned as they are, without a lookup.
 */
export class MediaAddressResolver {
  readonly #resolver: AddressResolver;
  readonly #timeoutMs: number;
  readonly #family: 0 | 4;

  constructor(options: MediaAddressResolverOptions) {
    this.#resolver = options.resolver ?? systemResolver;
    this.#timeoutMs = options.timeoutMs ?? MEDIA_ADDRESS_LOOKUP_TIMEOUT_MS;
    this.#family = isIPv6(options.bindAddress) ? 0 : 4;
  }

  /** Resolves every address of `hosts` (duplicates once); the map gives each one's IP address. */
  async resolveAll(hosts: readonly string[]): Promise<Map<string, string>> {
    const names = [...new Set(hosts)];
    const addresses = await Promise.all(names.map((host) => this.#resolveOne(host)));
    return new Map(names.map((host, i) => [host, addresses[i]]));
  }

  async #resolveOne(host: string): Promise<string> {
    if (isIP(host) !== 0) return host;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
    });
    try {
      const address = await Promise.race([this.#resolver(host, this.#family), timeout]);
      if (isIP(address) === 0) throw new Error(`the resolver gave "${address}", not an IP address`);
      return address;
    } catch (error) {
      throw new SdpError("UNRESOLVED_ADDRESS", `The peer's SDP names media host "${host.slice(0, 255)}", which did not resolve: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }
}
