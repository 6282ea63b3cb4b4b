import { ConfigError } from "../errors";

/** The test meeting's IVR mode: it answers like a conference bridge that asks for a meeting ID and a passcode. */
export interface MeetingIvrOptions {
  /** The meeting ID the caller must key in, followed by `#` (digits, 1–20). */
  meetingId: string;
  /** The passcode asked for after the meeting ID (digits, 1–20); absent: none is asked. */
  passcode?: string;
  /**
   * How long the IVR says nothing after the answer, in ms: a number, or `{ min, max }` for a random
   * delay drawn per call (default `{ min: 1000, max: 3000 }`; at most 60000). Real bridges take 1–10 s.
   */
  firstPromptDelayMs?: number | { min: number; max: number };
  /** Seed of the random delays (an integer; default 1): the same seed gives the same delays, call after call. */
  seed?: number;
  /** No key for this long after a prompt: the prompt is said again (default 10000 ms). */
  repeatAfterMs?: number;
}

const DIGITS = /^[0-9]{1,20}$/;

/** Checks the IVR options. @throws ConfigError naming the field. */
export function validateMeetingIvr(o: MeetingIvrOptions): void {
  if (typeof o !== "object" || o === null) throw new ConfigError("ivr: expected an object");
  if (typeof o.meetingId !== "string" || !DIGITS.test(o.meetingId)) throw new ConfigError("ivr.meetingId: expected 1–20 digits");
  if (o.passcode !== undefined && (typeof o.passcode !== "string" || !DIGITS.test(o.passcode))) throw new ConfigError("ivr.passcode: expected 1–20 digits");
  const d = o.firstPromptDelayMs;
  const inRange = (n: unknown): boolean => typeof n === "number" && Number.isFinite(n) && n >= 0 && n <= 60000;
  if (d !== undefined && !(inRange(d) || (typeof d === "object" && d !== null && inRange(d.min) && inRange(d.max) && d.min <= d.max))) {
    throw new ConfigError("ivr.firstPromptDelayMs: expected 0–60000 ms, or { min, max } within it with min ≤ max");
  }
  if (o.seed !== undefined && !Number.isSafeInteger(o.seed)) throw new ConfigError(`ivr.seed: must be an integer, got ${String(o.seed)}`);
  if (o.repeatAfterMs !== undefined && !(typeof o.repeatAfterMs === "number" && o.repeatAfterMs >= 1000 && o.repeatAfterMs <= 120000)) {
    throw new ConfigError("ivr.repeatAfterMs: expected 1000–120000 ms");
  }
}

/** The first-prompt delay of the next call. */
export function drawFirstPromptDelay(o: MeetingIvrOptions, random: () => number): number {
  const d = o.firstPromptDelayMs ?? { min: 1000, max: 3000 };
  if (typeof d === "number") return d;
  return Math.round(d.min + random() * (d.max - d.min));
}
