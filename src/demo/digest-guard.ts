import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** The one account the test meeting peer accepts when digest authentication is on. */
export interface DigestCredentials {
  username: string;
  password: string;
  /** Default "sipcast-test-meeting". */
  realm?: string;
}

/** How many issued nonces stay valid (a caller answers the latest challenge within seconds). */
const NONCE_MEMORY = 64;

const md5 = (s: string): string => createHash("md5").update(s).digest("hex");

/**
 * UAS side of SIP digest authentication (RFC 3261 §22.4 over RFC 2617, MD5, qop "auth" or none),
 * enough for a test peer to challenge an INVITE with 401 and check the retried one.
 *
 * @remarks
 * Hand-written: sip.js only implements the client side of digest. Nonces are random and the latest
 * {@link NONCE_MEMORY} stay valid; nonce counts are not checked (no replay protection), which a
 * loopback test peer does not need.
 */
export class DigestGuard {
  readonly realm: string;
  readonly #nonces: string[] = [];

  constructor(
    private readonly credentials: DigestCredentials,
    private readonly makeNonce: () => string = () => randomBytes(16).toString("hex"),
  ) {
    this.realm = credentials.realm ?? "sipcast-test-meeting";
  }

  /** A fresh `WWW-Authenticate` header value to send with a 401. */
  challenge(): string {
    const nonce = this.makeNonce();
    this.#nonces.push(nonce);
    if (this.#nonces.length > NONCE_MEMORY) this.#nonces.shift();
    return `Digest realm="${this.realm}", nonce="${nonce}", algorithm=MD5, qop="auth"`;
  }

  /** True when `authorization` (the header value) answers one of our challenges with the right password. */
  verify(method: string, authorization: string | undefined): boolean {
    if (!authorization || !/^\s*digest\s/i.test(authorization)) return false;
    const p = parseDigestParams(authorization.replace(/^\s*digest\s+/i, ""));
    const { username, realm, nonce, uri, response } = p;
    if (!username || !nonce || !uri || !response || username !== this.credentials.username || realm !== this.realm) return false;
    if (!this.#nonces.includes(nonce)) return false;
    if (p.algorithm && p.algorithm.toUpperCase() !== "MD5") return false;
    const ha1 = md5(`${username}:${this.realm}:${this.credentials.password}`);
    const ha2 = md5(`${method.toUpperCase()}:${uri}`);
    let expected: string;
    if (p.qop) {
      if (p.qop.toLowerCase() !== "auth" || !p.nc || !p.cnonce) return false;
      expected = md5(`${ha1}:${nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`);
    } else {
      expected = md5(`${ha1}:${nonce}:${ha2}`);
    }
    const a = Buffer.from(expected);
    const b = Buffer.from(response.toLowerCase());
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

/** Parses `key=value, key="quoted, value"` parameter lists; keys are lower-cased. */
export function parseDigestParams(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*,?/g;
  for (let m = re.exec(text); m !== null && m[0] !== ""; m = re.exec(text)) {
    out[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : m[3];
  }
  return out;
}
