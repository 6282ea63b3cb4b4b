import * as fs from "node:fs";
import * as path from "node:path";
import type { NodeAPI } from "./node-red-types";

/**
 * Runtime texts of the nodes (statuses, errors, warnings) in the user's language, as core nodes have
 * them: keys of the `runtime` section of the sip-account catalog (nodes/locales/<lang>/sip-account.json;
 * one catalog for all six node sets, as core nodes share messages.json) translated by Node-RED's
 * `RED._()`. Where the runtime has no catalog for a key (node-red-node-test-helper's `RED._` returns
 * the key as it is), the English text bundled in nodes/locales/en-US is used.
 */

/** The catalog every runtime text lives in, and its section. */
const NAMESPACE = "node-red-contrib-sipcast/sip-account";
const SECTION = "runtime";

/** Values put into a text for its `__name__` placeholders. */
export type TextVars = Record<string, string | number>;

type Catalog = { [key: string]: string | Catalog };

let english: Catalog | undefined;
let runtimeTranslate: ((key: string, vars?: TextVars) => string) | undefined;

/**
 * The bundled catalog: nodes/locales/en-US/sip-account.json beside the built nodes/shared/, or, for
 * a copy of this module built elsewhere (the tests' build/), the nodes/ folder of the package above it.
 */
function englishFile(): string {
  const relative = path.join("locales", "en-US", "sip-account.json");
  const beside = path.join(__dirname, "..", relative);
  if (fs.existsSync(beside)) return beside;
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, "nodes", relative);
    if (fs.existsSync(candidate)) return candidate;
  }
  return beside;
}

/** The bundled en-US runtime section. */
function englishCatalog(): Catalog {
  if (!english) {
    const file = englishFile();
    const all = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, Catalog>;
    english = all[SECTION] ?? {};
  }
  return english;
}

function lookup(catalog: Catalog, key: string): string | undefined {
  let at: string | Catalog | undefined = catalog;
  for (const part of key.split(".")) at = typeof at === "object" ? at[part] : undefined;
  return typeof at === "string" ? at : undefined;
}

function fill(text: string, vars: TextVars | undefined): string {
  return text.replace(/__([A-Za-z0-9]+)__/g, (whole, name: string) => (vars && Object.hasOwn(vars, name) ? String(vars[name]) : whole));
}

/** The English text of `key` (the bundled catalog). A key it lacks comes back as the key itself. */
export function englishText(key: string, vars?: TextVars): string {
  const text = lookup(englishCatalog(), key);
  return text === undefined ? key : fill(text, vars);
}

/** Called by each node module with its RED: from then on texts use the runtime's language. */
export function useRuntimeLanguage(RED: Pick<NodeAPI, "_">): void {
  const translate = RED._;
  runtimeTranslate = typeof translate === "function" ? (key, vars) => translate(`${NAMESPACE}:${SECTION}.${key}`, vars) : undefined;
}

/** The text of `key` in the runtime's language, else in English. */
export function t(key: string, vars?: TextVars): string {
  const translated = runtimeTranslate?.(key, vars);
  // i18next answers a missing key with the key (with or without the namespace).
  if (typeof translated === "string" && translated !== "" && !translated.endsWith(`${SECTION}.${key}`)) return translated;
  return englishText(key, vars);
}

/**
 * An error of a node whose text is a catalog key: its message is English (what tests and logs
 * without a runtime see); {@link localizedError} gives it in the runtime's language.
 */
export class NodeTextError extends Error {
  constructor(
    readonly key: string,
    readonly vars: TextVars = {},
    /** Variables that are texts of the catalog themselves: name → key (with `vars`). */
    readonly nested: Record<string, string> = {},
  ) {
    // Named plain "Error" (the inherited name): to a user it is the node's error, not a kind of one.
    super("");
    this.message = this.textIn(englishText);
  }

  /** The text with `translate`, nested texts first. */
  textIn(translate: (key: string, vars?: TextVars) => string): string {
    const vars: TextVars = { ...this.vars };
    for (const [name, key] of Object.entries(this.nested)) vars[name] = translate(key, this.vars);
    return translate(this.key, vars);
  }
}

/** `error` with its text in the runtime's language (other errors, e.g. the engine's, are English). */
export function localizedError(error: Error): Error {
  if (error instanceof NodeTextError) error.message = error.textIn(t);
  return error;
}
