import type { NodeMessage } from "./node-red-types";

/**
 * Reading overrides from `msg`: absent (undefined, null) means "use the node's setting"; a present but
 * malformed value is an error that names the field, so the Catch node tells the user what to fix.
 */

/** A `msg` property held a value of the wrong kind. */
export class MsgFieldError extends Error {
  constructor(
    readonly field: string,
    expected: string,
    got: unknown,
  ) {
    super(`msg.${field}: expected ${expected}, got ${describe(got)}`);
    this.name = "MsgFieldError";
  }
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return "an array";
  return value === null ? "null" : typeof value;
}

function present(msg: NodeMessage, field: string): boolean {
  return msg[field] !== undefined && msg[field] !== null;
}

/** A string field (a finite number is taken as its decimal text: callees like 1001 are often numbers). */
export function msgString(msg: NodeMessage, field: string): string | undefined {
  if (!present(msg, field)) return undefined;
  const value = msg[field];
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  throw new MsgFieldError(field, "a string", value);
}

/** A boolean field; WCS REST clients send "true"/"false" as strings, so those are accepted too. */
export function msgBoolean(msg: NodeMessage, field: string): boolean | undefined {
  if (!present(msg, field)) return undefined;
  const value = msg[field];
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === "true";
  throw new MsgFieldError(field, "true or false", value);
}

/** A string field restricted to `choices` (compared case-insensitively, returned as spelled in `choices`). */
export function msgChoice<T extends string>(msg: NodeMessage, field: string, choices: readonly T[]): T | undefined {
  const value = msgString(msg, field);
  if (value === undefined) return undefined;
  const found = choices.find((c) => c.toLowerCase() === value.trim().toLowerCase());
  if (found === undefined) throw new MsgFieldError(field, choices.map((c) => `"${c}"`).join(" or "), value);
  return found;
}

/** A setting from the editor, which stores what was typed: "true"/true both mean true. */
export function settingBoolean(value: unknown, fallback: boolean): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && value !== "") return value.toLowerCase() === "true";
  return fallback;
}

/** A numeric setting from the editor ("5060" or 5060); empty means `fallback`. */
export function settingNumber(value: unknown, fallback: number): number {
  if (value === undefined || value === null || value === "") return fallback;
  return typeof value === "number" ? value : Number(value);
}

/** A text setting; anything but a string counts as empty. */
export function settingString(value: unknown): string {
  return typeof value === "string" ? value.trim() : "";
}

/** A whole number from `min` to `max` in `msg` (numeric strings too: WCS-style clients send strings). */
export function msgWholeNumber(msg: NodeMessage, field: string, min: number, max: number): number | undefined {
  if (!present(msg, field)) return undefined;
  const value = msg[field];
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) throw new MsgFieldError(field, `a whole number from ${min} to ${max}`, value);
  return n;
}
