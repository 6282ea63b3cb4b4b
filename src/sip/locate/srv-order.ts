/** One SRV record (RFC 2782), as Node's resolver gives it. */
export interface SrvRecord {
  name: string;
  port: number;
  priority: number;
  weight: number;
}

/**
 * The order in which to try SRV targets (RFC 2782 "Usage rules"): lowest priority first; within a
 * priority, a weighted random draw: each record is picked with a chance proportional to its weight
 * (weight 0 records come last but can still be picked). A target of "." means the service is not
 * offered: such records are dropped. `random` returns [0, 1) and is injectable for tests.
 */
export function orderSrv(records: readonly SrvRecord[], random: () => number = Math.random): SrvRecord[] {
  const usable = records.filter((r) => r.name !== "" && r.name !== ".");
  const priorities = [...new Set(usable.map((r) => r.priority))].sort((a, b) => a - b);
  const ordered: SrvRecord[] = [];
  for (const priority of priorities) {
    // RFC 2782: zero-weight records first in the list, so that they get "a very small chance".
    const left = usable.filter((r) => r.priority === priority).sort((a, b) => a.weight - b.weight);
    while (left.length > 0) {
      const total = left.reduce((sum, r) => sum + r.weight, 0);
      const draw = random() * (total + 1);
      let running = 0;
      let index = left.length - 1;
      for (let i = 0; i < left.length; i++) {
        running += left[i].weight;
        if (running >= draw) {
          index = i;
          break;
        }
      }
      ordered.push(...left.splice(index, 1));
    }
  }
  return ordered;
}
