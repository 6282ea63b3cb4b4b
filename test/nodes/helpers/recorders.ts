import { helper, nodeOf, type Msg, type StatusArg } from "./node-red-helper";

/** Waits until `pred` holds for an item of a growing list (items already there count). */
function waitIn<T>(items: T[], subscribe: (wake: () => void) => void, pred: (item: T) => boolean, what: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const hit = items.find(pred);
      if (hit === undefined) return false;
      clearTimeout(timer);
      resolve(hit);
      return true;
    };
    const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; seen: ${JSON.stringify(items).slice(0, 1500)}`)), timeoutMs);
    if (!check()) subscribe(() => void check());
  });
}

/** Everything a node receives (for a `helper` node: everything sent to it). */
export interface MessageRecorder {
  messages: Msg[];
  waitFor(pred: (msg: Msg) => boolean, timeoutMs: number, what?: string): Promise<Msg>;
}

export function recordMessages(id: string): MessageRecorder {
  const messages: Msg[] = [];
  const wakers = new Set<() => void>();
  nodeOf(id).on("input", (msg) => {
    messages.push(msg);
    for (const wake of wakers) wake();
  });
  return {
    messages,
    waitFor: (pred, timeoutMs, what = `a message at ${id}`) => waitIn(messages, (wake) => wakers.add(wake), pred, what, timeoutMs),
  };
}

/** Every status a node set since recording began. */
export interface StatusRecorder {
  statuses: StatusArg[];
  waitFor(pred: (status: StatusArg) => boolean, timeoutMs: number, what?: string): Promise<StatusArg>;
  last(): StatusArg | undefined;
}

export function recordStatus(id: string): StatusRecorder {
  const statuses: StatusArg[] = [];
  const wakers = new Set<() => void>();
  nodeOf(id).on("call:status", (call) => {
    statuses.push(call.args[0] as StatusArg);
    for (const wake of wakers) wake();
  });
  return {
    statuses,
    last: () => statuses[statuses.length - 1],
    waitFor: (pred, timeoutMs, what = `a status of ${id}`) => waitIn(statuses, (wake) => wakers.add(wake), pred, what, timeoutMs),
  };
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `cond` every 50 ms until it holds; rejects after `timeoutMs` (for logs written by other processes). */
export async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** Log entries at error level or worse (Node-RED's ERROR is 20) written since `from` (an index into helper.log()). */
export function errorsLoggedSince(from: number): unknown[] {
  return helper
    .log()
    .args.slice(from)
    .map((a) => a[0] as { level?: number })
    .filter((e) => e.level !== undefined && e.level <= 20);
}
