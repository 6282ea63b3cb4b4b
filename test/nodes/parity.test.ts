import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { HELP } from "../../src/cli/help";
import { repoRoot } from "../harness/paths";
import { editorDefinition } from "./helpers/editor-defaults";

/** One row of a table of docs/parity.md, its four cells as written. */
interface Row {
  cli: string;
  node: string;
  msg: string;
  wcs: string;
}

function parityRows(): Row[] {
  const text = fs.readFileSync(path.join(repoRoot(), "docs", "parity.md"), "utf8");
  return text
    .split("\n")
    .filter((line) => line.startsWith("| ") && !line.startsWith("| CLI flag"))
    .map((line) => {
      const cells = line.split("|").slice(1, -1).map((c) => c.trim());
      assert.equal(cells.length, 4, `a row of four cells: ${line}`);
      return { cli: cells[0], node: cells[1], msg: cells[2], wcs: cells[3] };
    });
}

const NODE_TYPES = ["sip-account", "sip-call", "dtmf-send", "rtmp-republish", "call-status", "wcs-rest-api"];

/** The `type.field` references of a node cell. */
function nodeRefs(cell: string): Array<[string, string]> {
  return codes(cell)
    .map((c) => /^([a-z-]+)\.([A-Za-z]+)$/.exec(c))
    .filter((m): m is RegExpExecArray => m !== null && NODE_TYPES.includes(m[1]))
    .map((m) => [m[1], m[2]]);
}

/** The backticked words of a cell. */
function codes(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
}

/** Every flag `sipcast --help` lists as an option (the lines that begin with a flag). */
function helpFlags(): string[] {
  return [...HELP.matchAll(/^\s+(?:-[A-Za-z], )?(--[a-z0-9-]+)/gm)].map((m) => m[1]);
}

/** The runtime source of one node: its module and its folder, plus the shared helpers. */
function runtimeSource(type: string): string {
  const dir = path.join(repoRoot(), "src", "nodes");
  const files = [path.join(dir, `${type}.ts`), ...[type, "shared"].flatMap((d) => fs.readdirSync(path.join(dir, d)).map((f) => path.join(dir, d, f)))];
  return files.map((f) => fs.readFileSync(f, "utf8")).join("\n");
}

describe("docs/parity.md: CLI flag ↔ node field ↔ msg property ↔ WCS REST field", () => {
  const rows = parityRows();

  it("has a row for every flag of sipcast --help, and names no flag the CLI lacks", () => {
    const inTable = new Set(rows.flatMap((r) => codes(r.cli)));
    const flags = helpFlags();
    assert.ok(flags.length >= 40, `only ${flags.length} flags found in help.ts: the scan is broken`);
    for (const flag of flags) assert.ok(inTable.has(flag), `${flag} has no row in docs/parity.md`);
    for (const flag of inTable) assert.ok(flags.includes(flag), `docs/parity.md names ${flag}, which sipcast --help does not list`);
  });

  it("every node field it names is in that node's editor defaults or credentials", () => {
    let checked = 0;
    for (const row of rows) {
      for (const [type, field] of nodeRefs(row.node)) {
        const ref = `${type}.${field}`;
        const def = editorDefinition(type) as ReturnType<typeof editorDefinition> & { credentials?: Record<string, unknown> };
        assert.ok(field in def.defaults || (def.credentials !== undefined && field in def.credentials), `${ref} (row ${row.cli}) is not a field of nodes/${type}.html`);
        checked++;
      }
    }
    assert.ok(checked >= 50, `only ${checked} node fields checked`);
  });

  it("every msg property it names is read by the runtime of a node in the same row", () => {
    for (const row of rows) {
      // The sip-call node for a row without node fields (hang up, hold): its messages carry them.
      const named = [...new Set(nodeRefs(row.node).map(([type]) => type))];
      const types = named.length > 0 ? named : ["sip-call"];
      for (const prop of codes(row.msg).filter((c) => c.startsWith("msg."))) {
        const name = prop.slice(4);
        const read = new RegExp(`"${name}"|\\.${name}\\b`);
        assert.ok(types.some((t) => read.test(runtimeSource(t))), `${prop} (row ${row.cli}) is read by none of ${types.join(", ")}`);
      }
    }
  });

  it("every WCS REST field it names is read by the REST API", () => {
    const dir = path.join(repoRoot(), "src", "wcs");
    const wcs = fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), "utf8")).join("\n");
    for (const row of rows) {
      for (const field of codes(row.wcs).filter((c) => /^[A-Za-z]+$/.test(c))) assert.ok(wcs.includes(`"${field}"`), `${field} (row ${row.cli}) is not read in src/wcs`);
    }
  });
});
