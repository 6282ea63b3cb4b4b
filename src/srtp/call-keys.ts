import type { MediaKind } from "../sdp/sdp-types";
import { newKeyMaterial, type SdesKey } from "./sdes-crypto";
import { SRTP_SUITES, type SrtpSuite } from "./srtp-suite";

/**
 * Our SDES keys of one call: a fresh key per medium and suite, from crypto.randomBytes.
 *
 * @remarks
 * The same keys are offered again in a session refresh and used in answers to re-INVITEs, so
 * that a renegotiation that changes nothing keeps the SRTP contexts (and their counters). A key
 * whose context is dropped is never offered again: a new context restarts the SRTCP index and,
 * with the same key, would reuse keystream. Tags are 1.. in the order of the suites.
 */
export class CallKeys {
  readonly #keys = new Map<MediaKind, Map<SrtpSuite, Buffer>>();

  /** @param suites - the suites to offer, in preference order (the account's srtpSuites). */
  constructor(private readonly suites: readonly SrtpSuite[] = SRTP_SUITES) {}

  /** Our offer lines for `kind`, in the order of `suites`. */
  offer(kind: MediaKind): SdesKey[] {
    return this.suites.map((suite, i) => ({ tag: i + 1, suite, keyMaterial: this.material(kind, suite) }));
  }

  /** Whether we accept `suite` (in an answer to a peer's offer). */
  accepts(suite: SrtpSuite): boolean {
    return this.suites.includes(suite);
  }

  /** Our key for `kind` and `suite` (tag 0: the caller sets the answer's tag). */
  key(kind: MediaKind, suite: SrtpSuite): SdesKey {
    return { tag: 0, suite, keyMaterial: this.material(kind, suite) };
  }

  /** Replaces a key whose SRTP context was dropped. */
  retire(kind: MediaKind, suite: SrtpSuite, keyMaterial: Buffer): void {
    const forKind = this.#keys.get(kind);
    if (forKind?.get(suite)?.equals(keyMaterial)) forKind.set(suite, newKeyMaterial());
  }

  private material(kind: MediaKind, suite: SrtpSuite): Buffer {
    let forKind = this.#keys.get(kind);
    if (!forKind) this.#keys.set(kind, (forKind = new Map()));
    let key = forKind.get(suite);
    if (!key) forKind.set(suite, (key = newKeyMaterial()));
    return key;
  }
}
