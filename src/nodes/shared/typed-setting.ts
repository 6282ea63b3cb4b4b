import { NodeTextError } from "./i18n";
import type { Node, NodeAPI, NodeMessage } from "./node-red-types";

/**
 * Settings entered with a TypedInput, as core nodes have them: the editor stores the text and, in a
 * sibling `<name>Type` property, where it comes from (`str`, `msg`, `flow`, `global`, `env`,
 * `jsonata`; `cred`: the node's credential of that name). A flow saved before the setting had a
 * type has no `<name>Type`: that means `str`, the text as typed, which is what it was.
 */

/** The TypedInput type that reads the node's credential instead of a typed value. */
export const CREDENTIAL_TYPE = "cred";

/** Types whose value is a text the user sees in the editor (shown in labels and statuses). */
const VISIBLE_TYPES = new Set(["", "str"]);

/** One typed setting to evaluate. */
export interface TypedSetting {
  /** The setting's name, for error texts (`callee`). */
  name: string;
  value: unknown;
  type: unknown;
  /** The credential read for type `cred`. */
  credential?: string;
}

/** True when a setting of this type shows its value in the editor (plain text), so a status may repeat it. */
export function isVisibleType(type: unknown): boolean {
  return type === undefined || type === null || VISIBLE_TYPES.has(String(type));
}

/**
 * The setting's text for `msg`: "" when it evaluates to nothing (an unset msg property, context key or
 * environment variable), a number as its decimal text. @throws NodeTextError naming the setting when
 * it evaluates to anything else, or when the expression itself fails (a JSONata syntax error).
 */
export function evaluateSetting(RED: NodeAPI, node: Node, setting: TypedSetting, msg: NodeMessage): Promise<string> {
  const type = typeof setting.type === "string" && setting.type !== "" ? setting.type : "str";
  if (type === CREDENTIAL_TYPE) return Promise.resolve(setting.credential ?? "");
  if (type === "str") return Promise.resolve(typeof setting.value === "string" ? setting.value.trim() : "");
  return new Promise((resolve, reject) => {
    try {
      RED.util.evaluateNodeProperty(setting.value, type, node, msg, (err, result) => {
        if (err) reject(new NodeTextError("typed.failed", { name: setting.name, type, reason: err.message }));
        else if (result === undefined || result === null) resolve("");
        else if (typeof result === "string") resolve(result.trim());
        else if (typeof result === "number" && Number.isFinite(result)) resolve(String(result));
        else reject(new NodeTextError("typed.notText", { name: setting.name, type, kind: Array.isArray(result) ? "array" : typeof result }));
      });
    } catch (error) {
      reject(new NodeTextError("typed.failed", { name: setting.name, type, reason: error instanceof Error ? error.message : String(error) }));
    }
  });
}
