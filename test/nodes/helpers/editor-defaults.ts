import * as fs from "node:fs";
import * as path from "node:path";
import * as vm from "node:vm";
import { repoRoot } from "../../harness/paths";

/** One property of an editor definition's `defaults`, as nodes/<type>.html declares it. */
export interface EditorDefault {
  value: unknown;
  required?: boolean;
  type?: string;
  validate?: (this: Record<string, unknown>, v: unknown, opt?: unknown) => unknown;
}

/** What `RED.nodes.registerType` got from nodes/<type>.html. */
export interface EditorDefinition {
  defaults: Record<string, EditorDefault>;
  outputs?: number;
  outputLabels?: unknown;
}

/** A jQuery stand-in: no dialog is open, so every selector matches nothing (validators then read `this`). */
function noDialog(): { length: number; val(): undefined } {
  return { length: 0, val: () => undefined };
}

/**
 * Minimal RED.validators with the editor's meaning, for definitions that use them: number (blank
 * allowed when asked), regex, and typedInput (a "num" or "json" value is checked, other types pass).
 */
const validators = {
  number: (blankAllowed?: boolean) => (v: unknown) => (blankAllowed && (v === "" || v === undefined)) || (String(v).trim() !== "" && !isNaN(Number(v))),
  regex: (re: RegExp) => (v: unknown) => re.test(String(v)),
  typedInput: (typeField: string) =>
    function (this: Record<string, unknown>, v: unknown): boolean {
      const type = this[typeField];
      if (type === "num") return String(v).trim() !== "" && !isNaN(Number(v));
      if (type === "json") {
        try {
          JSON.parse(String(v));
        } catch {
          return false;
        }
      }
      return true;
    },
};

/**
 * Runs the `text/javascript` block of nodes/<type>.html with a stand-in RED and returns the
 * definition it registers: the same object the editor gets, validators included.
 */
export function editorDefinition(type: string): EditorDefinition {
  const html = fs.readFileSync(path.join(repoRoot(), "nodes", `${type}.html`), "utf8");
  const script = /<script type="text\/javascript">([\s\S]*?)<\/script>/.exec(html)?.[1];
  if (!script) throw new Error(`nodes/${type}.html has no text/javascript block`);
  const registered = new Map<string, EditorDefinition>();
  const RED = {
    _: (key: string) => key,
    nodes: { registerType: (name: string, def: EditorDefinition) => registered.set(name, def), node: () => null },
    validators,
  };
  vm.runInNewContext(script, { RED, $: noDialog, jQuery: noDialog });
  const def = registered.get(type);
  if (!def) throw new Error(`nodes/${type}.html registers no ${type}`);
  return def;
}

/**
 * Why `node[key]` is not valid by the rules of Node-RED 4's editor (validateNodeProperty), or
 * undefined when it is: an env-var reference passes; a required property must not be ""; a
 * property marked `required: false` that is "" is not validated; otherwise `validate` must not
 * return a string (3.x style, the reason) or a false-like value.
 */
export function editorInvalidity(def: EditorDefault, node: Record<string, unknown>, key: string): string | undefined {
  const v = node[key];
  if (/^\$\([a-zA-Z_][a-zA-Z0-9_]*\)$/.test(String(v)) || /^\$\{[a-zA-Z_][a-zA-Z0-9_]*\}$/.test(String(v))) return undefined;
  if (def.required && v === "") return "required but empty";
  if (!def.validate || (def.required === false && v === "")) return undefined;
  const verdict = def.validate.call(node, v, {});
  return typeof verdict === "string" || Array.isArray(verdict) || !verdict ? `validate returned ${JSON.stringify(verdict)}` : undefined;
}
