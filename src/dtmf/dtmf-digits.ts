import { ConfigError } from "../errors";

/** A DTMF key: 0–9, `*`, `#` and A–D. */
export type DtmfDigit = "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "*" | "#" | "A" | "B" | "C" | "D";

/** One element of a digit string: a key, or a `,` pause. */
export type DtmfToken = { kind: "digit"; digit: DtmfDigit } | { kind: "pause" };

/**
 * RFC 4733 §3.2 event codes: 0–9 are themselves, `*` 10, `#` 11, A–D 12–15. The same numbers are
 * the `Signal=` values many PBXs expect in SIP INFO; we send the character there (see dtmf-relay.ts).
 */
const EVENT_CODES: Readonly<Record<DtmfDigit, number>> = {
  "0": 0,
  "1": 1,
  "2": 2,
  "3": 3,
  "4": 4,
  "5": 5,
  "6": 6,
  "7": 7,
  "8": 8,
  "9": 9,
  "*": 10,
  "#": 11,
  A: 12,
  B: 13,
  C: 14,
  D: 15,
};

/** The RFC 4733 event code of a key. */
export function dtmfEventCode(digit: DtmfDigit): number {
  return EVENT_CODES[digit];
}

/**
 * The most keys one DTMF request may hold, `,` pauses included: a conference id, a PIN and the
 * pauses between them fit in 64. A longer string is refused before it is parsed, so that a huge
 * request costs nothing (three 1 MB requests once grew the process by 700 MB in planned steps).
 */
export const MAX_DTMF_KEYS = 64;

/**
 * Splits a digit string into keys and `,` pauses. Letters may be lower case (returned upper case);
 * spaces are not allowed, so that a typo is not silently skipped.
 * @throws ConfigError naming the first invalid character, for an empty string, or for more than {@link MAX_DTMF_KEYS} keys.
 */
export function parseDtmfDigits(digits: string): DtmfToken[] {
  if (typeof digits !== "string") throw new ConfigError(`dtmf: expected a string of keys, got ${digits === null ? "null" : typeof digits}`);
  if (digits.length > MAX_DTMF_KEYS) throw new ConfigError(`dtmf: ${digits.length} keys, at most ${MAX_DTMF_KEYS} (MAX_DTMF_KEYS, "," pauses included) per request`);
  if (digits.length === 0) throw new ConfigError("dtmf: no digits given (valid: 0-9 * # A-D and , for a pause)");
  const tokens: DtmfToken[] = [];
  for (let i = 0; i < digits.length; i++) {
    const c = digits[i].toUpperCase();
    if (c === ",") tokens.push({ kind: "pause" });
    else if (Object.prototype.hasOwnProperty.call(EVENT_CODES, c)) tokens.push({ kind: "digit", digit: c as DtmfDigit });
    else throw new ConfigError(`dtmf: invalid character ${JSON.stringify(digits[i])} at position ${i + 1} (valid: 0-9 * # A-D and , for a pause)`);
  }
  return tokens;
}
