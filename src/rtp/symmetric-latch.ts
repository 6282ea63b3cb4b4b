import { type Endpoint, sameEndpoint } from "./endpoint";

/** What {@link SymmetricLatch.offer} decided about a packet's source. */
export type LatchVerdict = "latched" | "accepted" | "rejected";

/**
 * Symmetric RTP (RFC 4961) destination latching for one flow (RTP or RTCP).
 *
 * @remarks
 * Until a valid packet arrives, packets go to the address the SDP named (the fallback). The
 * source of the first valid packet then becomes the destination: peers behind NAT, and peers
 * such as baresip that send from a port other than the one in their SDP, are reached where they
 * really are. After that, packets from any other source are rejected, so that a stray or
 * spoofed sender cannot take the stream over. Pure: no sockets, no time.
 */
export class SymmetricLatch {
  #fallback: Endpoint | undefined;
  #latched: Endpoint | undefined;

  /** The address from the SDP, used until latching. */
  setFallback(endpoint: Endpoint | undefined): void {
    this.#fallback = endpoint ? { ...endpoint } : undefined;
  }

  /** Forgets the latched source (e.g. a re-INVITE moved the peer). */
  reset(): void {
    this.#latched = undefined;
  }

  /** Call for each valid packet: latches on the first, then accepts only that source. */
  offer(source: Endpoint): LatchVerdict {
    if (!this.#latched) {
      this.#latched = { address: source.address, port: source.port };
      return "latched";
    }
    return sameEndpoint(this.#latched, source) ? "accepted" : "rejected";
  }

  /** The latched source if any, else the SDP address, else undefined. */
  get destination(): Endpoint | undefined {
    return this.#latched ?? this.#fallback;
  }

  /** The latched source, if a packet has been accepted. */
  get latched(): Endpoint | undefined {
    return this.#latched;
  }
}
