import * as crypto from "node:crypto";
import { ConfigError, parseAuthorization, sameSecret } from "../index";

/** The one user of the demo: the Node-RED editor, its admin API, the page and the flow's HTTP endpoints. */
export const DEMO_USER = "admin";
/** The variable that fixes the demo's password (otherwise a new one is generated at every start). */
export const DEMO_PASSWORD_VARIABLE = "SIPCAST_DEMO_PASSWORD";
/** Shortest password accepted from SIPCAST_DEMO_PASSWORD. */
export const DEMO_PASSWORD_MIN_LENGTH = 8;
/**
 * Longest password accepted from SIPCAST_DEMO_PASSWORD, in UTF-8 bytes: Node-RED checks its admin login
 * against a bcrypt hash, and bcrypt ignores every byte after the 72nd, so a longer password would also
 * let in anyone who knows only its first 72 bytes.
 */
export const DEMO_PASSWORD_MAX_BYTES = 72;
/** Random bytes of a generated password: 18 bytes = 144 bits = 24 base64url characters. */
const GENERATED_BYTES = 18;

/** Who may use the running demo. Lives only in the launcher's memory; Node-RED gets a bcrypt hash. */
export interface DemoLogin {
  readonly user: string;
  readonly password: string;
  /** True when generated for this start (then printed once); false when from SIPCAST_DEMO_PASSWORD. */
  readonly generated: boolean;
}

/**
 * The demo's login: SIPCAST_DEMO_PASSWORD when set, else a new crypto-random password for this start.
 * @throws ConfigError when SIPCAST_DEMO_PASSWORD is too short, too long for bcrypt, or holds a control character.
 */
export function demoLoginFromEnv(env: Record<string, string | undefined>): DemoLogin {
  const given = env[DEMO_PASSWORD_VARIABLE];
  if (given === undefined || given === "") {
    return { user: DEMO_USER, password: crypto.randomBytes(GENERATED_BYTES).toString("base64url"), generated: true };
  }
  // The messages never repeat the value: it is a secret.
  if ([...given].length < DEMO_PASSWORD_MIN_LENGTH) throw new ConfigError(`${DEMO_PASSWORD_VARIABLE}: at least ${DEMO_PASSWORD_MIN_LENGTH} characters`);
  if (Buffer.byteLength(given, "utf8") > DEMO_PASSWORD_MAX_BYTES) throw new ConfigError(`${DEMO_PASSWORD_VARIABLE}: at most ${DEMO_PASSWORD_MAX_BYTES} bytes (bcrypt ignores the rest)`);
  if (/[\u0000-\u001f\u007f]/.test(given)) throw new ConfigError(`${DEMO_PASSWORD_VARIABLE}: no control characters`);
  return { user: DEMO_USER, password: given, generated: false };
}

/** Longest Authorization header looked at: a Basic pair of the longest user and password fits well within. */
const MAX_AUTHORIZATION_LENGTH = 512;

/**
 * Whether an `Authorization: Basic …` header (RFC 7617) names the demo's user and password. Both are
 * compared as SHA-256 digests with a constant-time comparison, so the time taken says nothing about
 * how much of a guess was right.
 */
export function basicAuthMatches(header: string | undefined, login: DemoLogin): boolean {
  if (header === undefined || header.length > MAX_AUTHORIZATION_LENGTH) return false;
  const given = parseAuthorization(header);
  if (given?.scheme !== "basic") return false;
  const userOk = sameSecret(given.username, login.user);
  const passwordOk = sameSecret(given.password, login.password);
  return userOk && passwordOk;
}

/** The `Authorization` header value a client sends for `login`. */
export function basicAuthHeader(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, "utf8").toString("base64")}`;
}
