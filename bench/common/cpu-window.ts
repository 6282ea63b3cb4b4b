import { CLOCK_TICKS_PER_SECOND, processTree, readAllProcStats, readMachineCpu, type MachineCpu, type ProcStat } from "./proc-stat";
import { monoMs } from "./mono-clock";

/** A group of processes whose CPU is reported together, e.g. "engine" = the engine host and its ffmpeg children. */
export interface RoleSpec {
  name: string;
  /** Root pids; with `tree`, every descendant belongs to the role too. */
  roots: readonly number[];
  tree: boolean;
}

/** CPU of one role over a window, in percent of one core (100 = one core fully busy). */
export interface RoleCpu {
  cpuPct: number;
  /** Processes counted. */
  processes: number;
  /** Processes that were there at the start and gone at the end: their last ticks are missing. */
  vanished: number;
}

/** The CPU use of every role, the whole machine and everything else, over one window. */
export interface CpuWindowResult {
  seconds: number;
  roles: Record<string, RoleCpu>;
  /** The whole machine, percent of one core (the machine has `cpus` × 100). */
  machinePct: number;
  /** Everything not in any role (other users of the machine), percent of one core. */
  otherPct: number;
  cpus: number;
}

type Snapshot = { at: number; machine: MachineCpu; members: Map<string, Map<number, ProcStat>> };

function resolve(specs: readonly RoleSpec[]): Snapshot {
  const all = readAllProcStats();
  const machine = readMachineCpu();
  const byPid = new Map(all.map((p) => [p.pid, p]));
  const members = new Map<string, Map<number, ProcStat>>();
  for (const spec of specs) {
    const set = new Map<number, ProcStat>();
    for (const root of spec.roots) {
      const list = spec.tree ? processTree(root, all) : [byPid.get(root)].filter((p): p is ProcStat => p !== undefined);
      for (const p of list) set.set(p.pid, p);
    }
    members.set(spec.name, set);
  }
  return { at: monoMs(), machine, members };
}

/**
 * Measures CPU from the kernel's own accounting (utime + stime of /proc/<pid>/stat) between
 * start() and end().
 *
 * @remarks
 * A process born during the window counts with all its ticks (they all fall inside). A process
 * that dies during the window loses the ticks since start (the kernel moves them to the
 * parent's cutime only after wait()): such cases are counted in `vanished`, so a reader can
 * tell. Roles are resolved again at the end, so children spawned meanwhile are included.
 */
export class CpuWindow {
  readonly #specs: readonly RoleSpec[];
  #start: Snapshot | undefined;

  constructor(specs: readonly RoleSpec[]) {
    this.#specs = specs;
  }

  start(): void {
    this.#start = resolve(this.#specs);
  }

  end(): CpuWindowResult {
    const start = this.#start;
    if (!start) throw new Error("CpuWindow.end() before start()");
    const end = resolve(this.#specs);
    const seconds = (end.at - start.at) / 1000;
    const toPct = (ticks: number): number => (ticks / CLOCK_TICKS_PER_SECOND / seconds) * 100;
    const roles: Record<string, RoleCpu> = {};
    let ours = 0;
    const counted = new Set<number>();
    for (const spec of this.#specs) {
      const before = start.members.get(spec.name) ?? new Map<number, ProcStat>();
      const after = end.members.get(spec.name) ?? new Map<number, ProcStat>();
      let ticks = 0;
      let processes = 0;
      let vanished = 0;
      for (const [pid, p] of after) {
        const b = before.get(pid);
        const delta = b && b.startTicks === p.startTicks ? p.ticks - b.ticks : p.ticks;
        if (!counted.has(pid)) {
          counted.add(pid);
          ours += delta;
        }
        ticks += delta;
        processes++;
      }
      for (const [pid, b] of before) {
        const a = after.get(pid);
        if (!a || a.startTicks !== b.startTicks) vanished++;
      }
      roles[spec.name] = { cpuPct: toPct(ticks), processes, vanished };
    }
    const machineTicks = end.machine.busy - start.machine.busy;
    // /proc/stat counts in USER_HZ too, summed over CPUs.
    return { seconds, roles, machinePct: toPct(machineTicks), otherPct: Math.max(0, toPct(machineTicks - ours)), cpus: end.machine.cpus };
  }
}
