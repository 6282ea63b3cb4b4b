import * as fs from "node:fs";
import * as os from "node:os";
import { processTree } from "./proc-stat";

/**
 * Sets the nice value of every thread of every process under `root` (not `root` itself when
 * `childrenOnly`). Linux keeps a nice value per thread and ffmpeg starts its threads early, so
 * each task id under /proc/<pid>/task is reniced, not just the process.
 */
export function reniceTree(root: number, nice: number, childrenOnly: boolean): number {
  let changed = 0;
  for (const p of processTree(root)) {
    if (childrenOnly && p.pid === root) continue;
    let tasks: string[];
    try {
      tasks = fs.readdirSync(`/proc/${p.pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        os.setPriority(Number(tid), nice);
        changed++;
      } catch {
        // The thread ended meanwhile.
      }
    }
  }
  return changed;
}
