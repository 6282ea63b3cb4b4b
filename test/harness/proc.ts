import * as fs from "node:fs";

/** One entry of /proc as the harness needs it. */
export interface ProcInfo {
  pid: number;
  ppid: number;
  pgrp: number;
  /** The kernel's short name (comm), e.g. "kamailio". */
  comm: string;
  /** State letter: R, S, D, Z (zombie), … */
  state: string;
}

/**
 * A snapshot of every process on the machine, read from /proc/<pid>/stat. Node has no API
 * for the process table; `ps` would be one more child process to clean up.
 */
export function listProcesses(): ProcInfo[] {
  const out: ProcInfo[] = [];
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc");
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited while we looked
    }
    // "pid (comm) state ppid pgrp …": comm may contain spaces and parentheses, so cut at the last ')'.
    const open = stat.indexOf("(");
    const close = stat.lastIndexOf(")");
    if (open < 0 || close < open) continue;
    const rest = stat.slice(close + 2).split(" ");
    out.push({
      pid: Number(entry),
      comm: stat.slice(open + 1, close),
      state: rest[0] ?? "?",
      ppid: Number(rest[1]),
      pgrp: Number(rest[2]),
    });
  }
  return out;
}

/** True when the process is gone or only a zombie (it runs no more code). */
export function isDeadState(state: string): boolean {
  return state === "Z" || state === "X" || state === "x";
}

/** True while some non-zombie process is in process group `pgid`. */
export function groupAlive(pgid: number): boolean {
  return listProcesses().some((p) => p.pgrp === pgid && !isDeadState(p.state));
}
