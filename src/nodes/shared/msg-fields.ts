import { NodeTextError, type TextVars } from "./i18n";
import type { NodeMessage } from "./node-red-types";

/**
 * Reading overrides from `msg`: absent (undefined, null) means "use the node's setting"; a present but
 * malformed value is an error that names the field, so the Catch node tells the user what to fix.
 */

/**
 * A `msg` property held a value of the wrong kind. `expected` is a key of the runtime catalog's
 * `expect` section (`string`, `wholeNumber`, …) with its `vars`; the text is translated as a whole.
 */
export class MsgFieldError extends NodeTextError {
  constructor(
    readonly field: string,
    expected: string,
    got: unknown,
    vars: TextVars = {},
  ) {
    super("msgField", { ...vars, field, got: describe(got) }, { expected: `expect.${expected}` });
    this.name = "MsgFieldError";
  }
}

/** A node setting (as stored by the editor) held a value of the wrong kind. */
export class SettingError extends NodeTextError {
  constructor(field: string, expected: string, got: unknown, vars: TextVars = {}) {
    super("settingField", { ...vars, field, got: describe(got) }, { expected: `expect.${expected}` });
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
  throw new MsgFieldError(field, "string", value);
}

/** A boolean field; WCS REST clients send "true"/"false" as strings, so those are accepted too. */
export function msgBoolean(msg: NodeMessage, field: string): boolean | undefined {
  if (!present(msg, field)) return undefined;
  const value = msg[field];
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === "true";
  throw new MsgFieldError(field, "boolean", value);
}

/** A string field restricted to `choices` (compared case-insensitively, returned as spelled in `choices`). */
export function msgChoice<T extends string>(msg: NodeMessage, field: string, choices: readonly T[]): T | undefined {
  const value = msgString(msg, field);
  if (value === undefined) return undefined;
  const found = choices.find((c) => c.toLowerCase() === value.trim().toLowerCase());
  if (found === undefined) throw new MsgFieldError(field, "choice", value, { choices: choices.map((c) => `"${c}"`).join(" or ") });
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
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) throw new MsgFieldError(field, "wholeNumber", value, { min, max });
  return n;
}

/** A whole-number setting from `min` to `max` ("3" or 3); "" or absent: undefined (the engine's default). */
export function settingWholeNumber(value: unknown, field: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) return undefined;
  const n = typeof value === "string" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) throw new SettingError(field, "wholeNumber", value, { min, max });
  return n;
}
