import * as path from "node:path";
import { repoRoot } from "./paths";
import { runCommand } from "./run-command";

/** Result of {@link runCli}. */
export interface CliResult {
  /** Exit code; null when it was killed (timeout). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout split into lines, without the trailing empty one. */
  lines: string[];
}

/**
 * Runs `node <repo>/dist/cli/main.js ...args` (the built CLI) to its end. `env` is added to
 * this process's environment. After `timeoutMs` (default 30 s) its process group gets
 * SIGTERM, then SIGKILL.
 */
export async function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 30000): Promise<CliResult> {
  const main = path.join(repoRoot(), "dist", "cli", "main.js");
  const r = await runCommand(process.execPath, [main, ...args], { cwd: repoRoot(), env: { ...process.env, ...env }, timeoutMs });
  const stdout = r.stdout.toString("utf8");
  const lines = stdout.split(/\r?\n/);
  if (lines[lines.length - 1] === "") lines.pop();
  return { code: r.code, stdout, stderr: r.stderr, lines };
}
