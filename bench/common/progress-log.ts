const started = Date.now();

/** One progress line on stderr, prefixed with the time since the bench started. */
export function say(line: string): void {
  const s = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench ${s}s] ${line}\n`);
}
