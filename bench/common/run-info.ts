import { execFileSync } from "node:child_process";

/** A command's trimmed stdout, or undefined when it fails or takes over 10 s (git or ffmpeg facts for a report). */
export function tryExec(file: string, args: string[], cwd?: string): string | undefined {
  try {
    return execFileSync(file, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 10000 }).trim();
  } catch {
    return undefined;
  }
}

/** `YYYY-MM-DD-HHMM` in local time: the name of a results file. */
export function stamp(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}`;
}
