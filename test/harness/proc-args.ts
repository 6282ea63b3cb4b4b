import * as fs from "node:fs/promises";

/**
 * PIDs of live processes whose command line contains `needle` (e.g. a unique stream name).
 * Unlike a descendant check this also finds processes orphaned by a CLI that exited.
 */
export async function processesWithArgument(needle: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await fs.readdir("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = await fs.readFile(`/proc/${entry}/cmdline`, "utf8");
      const stat = await fs.readFile(`/proc/${entry}/stat`, "utf8");
      if (/\) Z /.test(stat)) continue; // a zombie has exited already
      if (cmdline.split("\0").some((arg) => arg.includes(needle))) found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/**
 * Waits until no live process has `needle` on its command line; resolves with the PIDs still there
 * after `timeoutMs` (empty when all are gone). For a process that is told to stop and then needs a
 * moment to finish (ffmpeg writing its trailer after the server saw the stream end).
 */
export async function processesWithArgumentAfter(needle: string, timeoutMs: number): Promise<number[]> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const found = await processesWithArgument(needle);
    if (found.length === 0 || Date.now() >= end) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
