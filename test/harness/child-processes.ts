import { isDeadState, listProcesses } from "./proc";
import { startedGroups } from "./registry";

/**
 * Pids of live (non-zombie) processes whose comm is in `names` and that descend from this
 * process, or sit in a process group the harness started (a worker whose parent died is
 * re-parented to init but stays in its group). Tests assert `[]` after stopping peers.
 */
export async function childProcessesNamed(names: string[]): Promise<number[]> {
  const wanted = new Set(names);
  const all = listProcesses();
  const children = new Map<number, number[]>();
  for (const p of all) {
    const list = children.get(p.ppid) ?? [];
    list.push(p.pid);
    children.set(p.ppid, list);
  }
  const descendants = new Set<number>();
  const queue = [process.pid];
  while (queue.length > 0) {
    const pid = queue.pop() as number;
    for (const child of children.get(pid) ?? []) {
      if (!descendants.has(child)) {
        descendants.add(child);
        queue.push(child);
      }
    }
  }
  const groups = startedGroups();
  return all
    .filter((p) => wanted.has(p.comm) && !isDeadState(p.state) && (descendants.has(p.pid) || groups.has(p.pgrp)))
    .map((p) => p.pid)
    .sort((a, b) => a - b);
}
