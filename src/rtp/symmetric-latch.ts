import { type Endpoint, sameAddress, sameEndpoint } from "./endpoint";
import { DEFAULT_RTP_SOURCE_CHECK, RTP_LEARN_PACKETS, type RtpSourceCheck } from "./rtp-source-check";

/**
 * What {@link SymmetricLatch.offer} decided about a packet's source: `latched` (this packet made
 * it the source), `accepted` (it is the source), `learning` (a candidate in `"learn"` mode, not
 * proven yet: hold or drop the packet), `rejected` (drop it).
 */
export type LatchVerdict = "latched" | "accepted" | "learning" | "rejected";

/** Options of {@link SymmetricLatch}. */
export interface SymmetricLatchOptions {
  /** Default "signalled". */
  sourceCheck?: RtpSourceCheck;
  /** In-sequence packets that make a source the peer in "learn" mode; default {@link RTP_LEARN_PACKETS}. */
  learnPackets?: number;
}

interface Candidate {
  lastSequence: number;
  count: number;
}

/** Candidates followed at once in "learn" mode; the oldest is forgotten beyond. */
const MAX_CANDIDATES = 8;

/**
 * Symmetric RTP (RFC 4961) destination latching for one flow (RTP or RTCP), restricted to the
 * peer's sources.
 *
 * @remarks
 * Until a packet is accepted, packets go to the address the SDP named (the fallback). Which
 * source may latch depends on the mode (see {@link RtpSourceCheck}):
 * - `"signalled"`: only a source whose address is the expected address (the SDP's c=, set with
 *   setExpectedAddress), from any port. Without an expected address nothing latches.
 * - `"learn"`: a source that sent `learnPackets` consecutive in-sequence packets (pass the RTP
 *   sequence number to offer()). Each source is followed on its own, so a third party's packets
 *   interleaved with the peer's do not stop the peer from being learnt.
 *
 * Once latched, only that exact source (address and port) is accepted and becomes the
 * destination. Pure: no sockets, no time.
 */
export class SymmetricLatch {
  readonly #mode: RtpSourceCheck;
  readonly #learnPackets: number;
  readonly #candidates = new Map<string, Candidate>();
  #fallback: Endpoint | undefined;
  #expected: string | undefined;
  #latched: Endpoint | undefined;

  constructor(options: SymmetricLatchOptions = {}) {
    this.#mode = options.sourceCheck ?? DEFAULT_RTP_SOURCE_CHECK;
    this.#learnPackets = Math.max(1, Math.floor(options.learnPackets ?? RTP_LEARN_PACKETS));
  }

  get mode(): RtpSourceCheck {
    return this.#mode;
  }

  /** The address from the SDP, used until latching. */
  setFallback(endpoint: Endpoint | undefined): void {
    this.#fallback = endpoint ? { ...endpoint } : undefined;
  }

  /** The address a source must have to latch in "signalled" mode (the peer's SDP c=); undefined: none may. */
  setExpectedAddress(address: string | undefined): void {
    this.#expected = address;
  }

  get expectedAddress(): string | undefined {
    return this.#expected;
  }

  /** Forgets the latched source and the learning so far (e.g. a re-INVITE moved the peer). */
  reset(): void {
    this.#latched = undefined;
    this.#candidates.clear();
  }

  /**
   * True when a packet from `source` could be the peer's before latching: its address is the
   * expected one ("signalled"), or any address ("learn"). For filtering before the packet is offered.
   */
  mayLatch(source: Endpoint): boolean {
    if (this.#mode === "learn") return true;
    return this.#expected !== undefined && sameAddress(this.#expected, source.address);
  }

  /**
   * Call for each valid packet; `sequence` is the RTP sequence number (learn mode counts on it;
   * without one, as for RTCP, a source can only latch in "signalled" mode).
   */
  offer(source: Endpoint, sequence?: number): LatchVerdict {
    if (this.#latched) return sameEndpoint(this.#latched, source) ? "accepted" : "rejected";
    if (this.#mode === "signalled") {
      if (!this.mayLatch(source)) return "rejected";
      return this.#latch(source);
    }
    if (sequence === undefined) return "rejected";
    return this.#learn(source, sequence);
  }

  /** The latched source if any, else the SDP address, else undefined. */
  get destination(): Endpoint | undefined {
    return this.#latched ?? this.#fallback;
  }

  /** The latched source, if a packet has been accepted. */
  get latched(): Endpoint | undefined {
    return this.#latched;
  }

  #latch(source: Endpoint): LatchVerdict {
    this.#latched = { address: source.address, port: source.port };
    this.#candidates.clear();
    return "latched";
  }

  #learn(source: Endpoint, sequence: number): LatchVerdict {
    const key = endpointKey(source);
    const candidate = this.#candidates.get(key);
    if (candidate && ((candidate.lastSequence + 1) & 0xffff) === sequence) {
      candidate.count++;
      candidate.lastSequence = sequence;
    } else {
      // A new source, or a gap or repeat: probation starts over (Asterisk does the same).
      this.#candidates.delete(key);
      this.#candidates.set(key, { lastSequence: sequence, count: 1 });
      if (this.#candidates.size > MAX_CANDIDATES) this.#candidates.delete(this.#candidates.keys().next().value as string);
    }
    return (this.#candidates.get(key)?.count ?? 0) >= this.#learnPackets ? this.#latch(source) : "learning";
  }
}

/** A map key for an endpoint. */
export function endpointKey(e: Endpoint): string {
  return `${e.address}|${e.port}`;
}
