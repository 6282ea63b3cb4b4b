import * as fs from "node:fs";

/** Drop counters of every UDP socket on the machine, by socket inode (the last column of /proc/net/udp). */
function dropsByInode(): Map<number, number> {
  const map = new Map<number, number>();
  for (const table of ["/proc/net/udp", "/proc/net/udp6"]) {
    let text: string;
    try {
      text = fs.readFileSync(table, "latin1");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 13) continue;
      map.set(Number(cols[9]), Number(cols[cols.length - 1]));
    }
  }
  return map;
}

/**
 * Datagrams the kernel dropped because a socket's receive buffer was full, summed over the
 * UDP sockets each process holds (its /proc/<pid>/fd links `socket:[inode]`). Tells where
 * packets were lost: at the engine's RTP sockets, or at ffmpeg's input sockets.
 */
export function udpDropsOf(pids: readonly number[]): Map<number, number> {
  const byInode = dropsByInode();
  const out = new Map<number, number>();
  for (const pid of pids) {
    let sum = 0;
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (!link.startsWith("socket:[")) continue;
      sum += byInode.get(Number(link.slice(8, -1))) ?? 0;
    }
    out.set(pid, sum);
  }
  return out;
}
