import { ConfigError } from "../errors";
import { MAX_DTMF_WAITS, parseIvrWait, type IvrWait } from "./ivr-wait";

/** A DTMF key: 0–9, `*`, `#` and A–D. */
export type DtmfDigit = "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "*" | "#" | "A" | "B" | "C" | "D";

/** One element of a digit string: a key, a `,` pause, or a `{…}` wait for the far end (see ivr-wait.ts). */
export type DtmfToken = { kind: "digit"; digit: DtmfDigit } | { kind: "pause" } | { kind: "wait"; wait: IvrWait };

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
 * The longest string a plan with waits may be: 64 keys and pauses, 16 waits of up to 20 characters
 * (`{joined:600:retry=3}`) and change. Checked before anything is parsed, like {@link MAX_DTMF_KEYS}.
 */
export const MAX_DTMF_PLAN_LENGTH = 256;

/**
 * Splits a digit string into keys, `,` pauses and `{…}` waits for the far end's prompts
 * (`{prompt}`, `{reply:5}`, `{joined:60:retry=1}`, see ivr-wait.ts). Letters may be lower case
 * (returned upper case); spaces are not allowed, so that a typo is not silently skipped.
 * @throws ConfigError naming the first invalid character or wait, for an empty string, or for more than
 * {@link MAX_DTMF_KEYS} keys and pauses, {@link MAX_DTMF_WAITS} waits or {@link MAX_DTMF_PLAN_LENGTH} characters.
 */
export function parseDtmfDigits(digits: string): DtmfToken[] {
  if (typeof digits !== "string") throw new ConfigError(`dtmf: expected a string of keys, got ${digits === null ? "null" : typeof digits}`);
  const tooMany = (n: number): ConfigError => new ConfigError(`dtmf: ${n} keys, at most ${MAX_DTMF_KEYS} (MAX_DTMF_KEYS, "," pauses included) per request`);
  if (digits.length > MAX_DTMF_PLAN_LENGTH) throw new ConfigError(`${tooMany(digits.length).message}, and at most ${MAX_DTMF_PLAN_LENGTH} characters with {…} waits`);
  if (digits.length === 0) throw new ConfigError("dtmf: no digits given (valid: 0-9 * # A-D and , for a pause)");
  const tokens: DtmfToken[] = [];
  let keys = 0;
  let waits = 0;
  for (let i = 0; i < digits.length; i++) {
    const c = digits[i].toUpperCase();
    if (c === "{") {
      const close = digits.indexOf("}", i);
      if (close < 0) throw new ConfigError(`dtmf: "{" at position ${i + 1} is not closed by "}"`);
      tokens.push({ kind: "wait", wait: parseIvrWait(digits.slice(i + 1, close)) });
      if (++waits > MAX_DTMF_WAITS) throw new ConfigError(`dtmf: more than ${MAX_DTMF_WAITS} {…} waits (MAX_DTMF_WAITS) per request`);
      i = close;
      continue;
    }
    if (c === ",") tokens.push({ kind: "pause" });
    else if (Object.prototype.hasOwnProperty.call(EVENT_CODES, c)) tokens.push({ kind: "digit", digit: c as DtmfDigit });
    else throw new ConfigError(`dtmf: invalid character ${JSON.stringify(digits[i])} at position ${i + 1} (valid: 0-9 * # A-D, "," for a pause, {prompt} {reply} {joined} waits)`);
    keys++;
  }
  if (keys > MAX_DTMF_KEYS) throw tooMany(keys);
  return tokens;
}

/** True when the string holds `{…}` waits for the far end (a plan that listens to the call's audio). */
export function dtmfPlanListens(digits: string): boolean {
  return parseDtmfDigits(digits).some((t) => t.kind === "wait");
}
