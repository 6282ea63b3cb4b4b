import { spawnManaged } from "./managed-process";

/** Result of {@link runCommand}. */
export interface CommandResult {
  /** Exit code; null when it was killed by a signal (e.g. after the timeout). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  timedOut: boolean;
}

/**
 * Runs a program to its end in its own process group (so a timeout kills its children
 * too) and collects stdout as bytes and stderr as text.
 */
export async function runCommand(
  file: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CommandResult> {
  const out: Buffer[] = [];
  const proc = spawnManaged(`${file} ${args.slice(0, 3).join(" ")}`, file, args, {
    cwd: opts.cwd,
    env: opts.env,
    graceMs: 2000,
    onStdoutBytes: (chunk) => out.push(chunk),
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void proc.stop();
  }, opts.timeoutMs ?? 60000);
  const info = await proc.exited;
  clearTimeout(timer);
  await proc.stop();
  if (info.error !== undefined) throw new Error(`cannot run ${file}: ${info.error.message}`);
  return { code: info.code, signal: info.signal, stdout: Buffer.concat(out), stderr: proc.logs(), timedOut };
}
