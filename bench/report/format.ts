import type { Percentiles } from "./result-types";

/** A number with `digits` decimals, or "–". */
export function num(v: number | undefined, digits = 1): string {
  return v === undefined || !Number.isFinite(v) ? "–" : v.toFixed(digits);
}

/** "p50 / p95" in ms, no decimals. */
export function pp(p: Percentiles | undefined): string {
  if (!p || p.n === 0) return "–";
  return `${num(p.p50, 0)} / ${num(p.p95, 0)}`;
}

/** kB as MB with one decimal. */
export function mb(kb: number | undefined): string {
  return kb === undefined ? "–" : (kb / 1024).toFixed(1);
}

/** A markdown table. */
export function table(head: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]): string => `| ${cells.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}
