import * as fs from "node:fs";

/** What /proc/<pid>/stat tells about one process. */
export interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  state: string;
  /** utime + stime in clock ticks (USER_HZ). */
  ticks: number;
  /** Start time in ticks after boot: tells a reused pid from the old one. */
  startTicks: number;
}

/** USER_HZ: the unit of utime/stime. 100 on every Linux build that matters (`getconf CLK_TCK`). */
export const CLOCK_TICKS_PER_SECOND = 100;

/** Parses one /proc/<pid>/stat line; comm may hold spaces and ')', so fields are cut at the last ')'. */
export function parseProcStat(pid: number, text: string): ProcStat | undefined {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return undefined;
  const rest = text.slice(close + 2).split(" ");
  // rest[0] is field 3 (state); utime is field 14, stime 15, starttime 22 (proc(5)).
  return {
    pid,
    comm: text.slice(open + 1, close),
    state: rest[0] ?? "?",
    ppid: Number(rest[1]),
    ticks: Number(rest[11]) + Number(rest[12]),
    startTicks: Number(rest[19]),
  };
}

/** The stat of one process, undefined when it is gone. */
export function readProcStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(pid, fs.readFileSync(`/proc/${pid}/stat`, "latin1"));
  } catch {
    return undefined;
  }
}

/** Every process on the machine (Node has no process-table API; `ps` would be one more child). */
export function readAllProcStats(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
    const stat = readProcStat(Number(entry));
    if (stat) out.push(stat);
  }
  return out;
}

/** `root` and all its live descendants, from one process-table snapshot. */
export function processTree(root: number, all: readonly ProcStat[] = readAllProcStats()): ProcStat[] {
  const byParent = new Map<number, ProcStat[]>();
  for (const p of all) {
    const list = byParent.get(p.ppid) ?? [];
    list.push(p);
    byParent.set(p.ppid, list);
  }
  const self = all.find((p) => p.pid === root);
  if (!self) return [];
  const out: ProcStat[] = [self];
  for (let i = 0; i < out.length; i++) out.push(...(byParent.get((out[i] as ProcStat).pid) ?? []));
  return out.filter((p) => p.state !== "Z" && p.state !== "X");
}

/** Memory of one process in kB: VmRSS and RssAnon from /proc/<pid>/status, Pss from smaps_rollup. */
export interface ProcMemory {
  rssKb: number;
  /** Private anonymous memory: what this process alone adds (heap, buffers). */
  anonKb: number;
  /** Proportional set size: shared library pages divided among the processes that map them. */
  pssKb: number | undefined;
}

/** The memory figures of `pid`, undefined when it is gone. */
export function readProcMemory(pid: number, withPss = true): ProcMemory | undefined {
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, "latin1");
  } catch {
    return undefined;
  }
  const kb = (key: string, text: string): number => Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(text)?.[1] ?? 0);
  let pssKb: number | undefined;
  if (withPss) {
    try {
      pssKb = kb("Pss", fs.readFileSync(`/proc/${pid}/smaps_rollup`, "latin1"));
    } catch {
      pssKb = undefined;
    }
  }
  return { rssKb: kb("VmRSS", status), anonKb: kb("RssAnon", status), pssKb };
}

/** Whole-machine CPU time from /proc/stat, in ticks summed over all CPUs. */
export interface MachineCpu {
  busy: number;
  total: number;
  cpus: number;
}

/** Reads the first `cpu` line of /proc/stat (busy = everything but idle and iowait). */
export function readMachineCpu(): MachineCpu {
  const text = fs.readFileSync("/proc/stat", "latin1");
  const first = text.slice(0, text.indexOf("\n")).trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user).
  const total = first.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (first[3] ?? 0) + (first[4] ?? 0);
  const cpus = text.split("\n").filter((l) => /^cpu\d+ /.test(l)).length;
  return { busy: total - idle, total, cpus };
}
