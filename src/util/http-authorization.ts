import { createHash, timingSafeEqual } from "node:crypto";

/** What an `Authorization` header carries: a Bearer token (RFC 6750), a Basic pair (RFC 7617), or another scheme. */
export type GivenCredential = { scheme: "bearer"; token: string } | { scheme: "basic"; username: string; password: string } | { scheme: "other" };

/** The credential in an `Authorization` header; undefined when there is none. */
export function parseAuthorization(header: string | undefined): GivenCredential | undefined {
  const match = /^\s*(\S+)(?:\s+(\S+))?\s*$/.exec(header ?? "");
  if (!match) return undefined;
  const scheme = match[1].toLowerCase();
  const value = match[2] ?? "";
  if (scheme === "bearer" && value) return { scheme: "bearer", token: value };
  // Only base64's own alphabet: Buffer.from(…, "base64") would otherwise skip what it cannot read.
  if (scheme === "basic" && /^[A-Za-z0-9+/]+={0,2}$/.test(value)) {
    const text = Buffer.from(value, "base64").toString("utf8");
    const colon = text.indexOf(":");
    if (colon >= 0) return { scheme: "basic", username: text.slice(0, colon), password: text.slice(colon + 1) };
  }
  return { scheme: "other" };
}

/**
 * Constant-time comparison of two secrets of any lengths: their SHA-256 digests are compared, so the
 * time taken says nothing about how much of a guess was right, nor about the secret's length.
 */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b);
}
