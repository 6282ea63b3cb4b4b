import { badField } from "./wcs-http-error";

/**
 * Readers for the loosely typed fields WCS clients send: every value may come as a JSON string
 * (`"hasAudio": "true"`, `"sipPort": "5060"`) because the WCS demo pages copy form fields as they
 * are. Each reader throws a 400 {@link WcsHttpError} that names the field.
 */

/** A JSON object body (a plain object), or a 400. */
export type WcsBody = Record<string, unknown>;

/** The body as an object: a parsed object is kept, a JSON string is parsed, anything else is a 400. */
export function asBody(body: unknown): WcsBody {
  let value = body;
  if (value === undefined || value === null || value === "") return {};
  if (typeof value === "string" || Buffer.isBuffer(value)) {
    try {
      value = JSON.parse(value.toString()) as unknown;
    } catch {
      throw badField("body", "not valid JSON");
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw badField("body", "expected a JSON object");
  return value as WcsBody;
}

/** An optional string (numbers are accepted as their decimal text); "" and null count as absent. */
export function optionalString(body: WcsBody, field: string): string | undefined {
  const v = body[field];
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (typeof v !== "string") throw badField(field, `expected a string, got ${typeof v}`);
  return v.trim() === "" ? undefined : v;
}

/** A required non-empty string. */
export function requiredString(body: WcsBody, field: string): string {
  const v = optionalString(body, field);
  if (v === undefined) throw badField(field, "required");
  return v;
}

/** A boolean given as true/false or as the strings "true"/"false" (any case); `fallback` when absent. */
export function wcsBoolean(body: WcsBody, field: string, fallback: boolean): boolean {
  const v = body[field];
  if (v === undefined || v === null || v === "") return fallback;
  if (typeof v === "boolean") return v;
  if (typeof v === "string" && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === "true";
  throw badField(field, `expected true or false, got ${JSON.stringify(v)}`);
}

/** A port number (number or numeric string, 1–65535); `fallback` when absent. */
export function wcsPort(body: WcsBody, field: string, fallback: number): number {
  const v = body[field];
  if (v === undefined || v === null || v === "") return fallback;
  const n = typeof v === "number" ? v : typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw badField(field, `expected a port number 1–65535, got ${JSON.stringify(v)}`);
  return n;
}

/** A nested object (the legacy `connection`), or a 400. */
export function requiredObject(body: WcsBody, field: string): WcsBody {
  const v = body[field];
  if (v === undefined || v === null) throw badField(field, "required");
  if (typeof v !== "object" || Array.isArray(v)) throw badField(field, "expected an object");
  return v as WcsBody;
}
