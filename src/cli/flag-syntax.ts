import { parseArgs } from "node:util";
import { ConfigError } from "../index";

/** The shape of one flag, as `node:util` parseArgs takes it. */
export interface FlagSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
}

/**
 * Checks the shape of a command line before any value is read, in the user's words: every unknown
 * flag at once, a flag that needs a value and has none, a switch given a value. parseArgs' own
 * strict errors ("Unknown option '--foo'. To specify a positional argument starting with a '-',
 * place it at the end of the command after '--', …") speak about positionals and quoting a user
 * did not ask about, and stop at the first unknown flag.
 * @throws ConfigError naming the flag as typed
 */
export function checkFlagSyntax(argv: string[], spec: Readonly<Record<string, FlagSpec>>): void {
  // Lenient: unknown flags become tokens instead of an error, so all of them can be listed.
  const { tokens } = parseArgs({ args: argv, options: spec, allowPositionals: true, strict: false, tokens: true });
  const options = tokens.flatMap((token) => (token.kind === "option" ? [token] : []));
  const unknown = [...new Set(options.filter((token) => !Object.hasOwn(spec, token.name)).map((token) => token.rawName))];
  if (unknown.length > 0) throw new ConfigError(`unknown flag${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} (see sipcast --help)`);
  for (const token of options) {
    const { type } = spec[token.name];
    if (type === "string" && token.value === undefined) throw new ConfigError(`${token.rawName} needs a value (see sipcast --help)`);
    if (type === "string" && !token.inlineValue && token.value?.startsWith("-")) {
      // parseArgs took the next word as the value: a flag there means the value was forgotten. The word
      // is named only when it is one of our flags, as a value may be a secret (a password starting with "-").
      const next = isFlagOf(token.value, spec) ? `, got the flag ${token.value}` : "";
      throw new ConfigError(`${token.rawName} needs a value${next} (for a value that starts with "-", write ${token.rawName}=VALUE)`);
    }
    if (type === "boolean" && token.value !== undefined) throw new ConfigError(`${token.rawName} takes no value (write ${token.rawName} alone)`);
  }
}

function isFlagOf(word: string, spec: Readonly<Record<string, FlagSpec>>): boolean {
  const long = /^--([a-z][a-z0-9-]*)$/.exec(word);
  if (long) return Object.hasOwn(spec, long[1]);
  return /^-[A-Za-z]$/.test(word) && Object.values(spec).some((flag) => flag.short === word.slice(1));
}
