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
