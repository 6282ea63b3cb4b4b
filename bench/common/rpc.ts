import * as path from "node:path";
import { spawnManaged, type ManagedProcess } from "../../test/harness/managed-process";

/** Method name → [params, result] of a child's API. */
export type RpcApi = Record<string, [unknown, unknown]>;
/** Event name → payload of what a child reports unasked. */
export type RpcEvents = Record<string, unknown>;

type Request = { kind: "req"; id: number; method: string; params: unknown };
type Response = { kind: "res"; id: number; ok: true; result: unknown } | { kind: "res"; id: number; ok: false; error: string };
type EventMessage = { kind: "event"; event: string; data: unknown };

/** Handlers a child serves, one per method of its API. */
export type RpcHandlers<A extends RpcApi> = { [M in keyof A]: (params: A[M][0]) => A[M][1] | Promise<A[M][1]> };

/**
 * Serves `handlers` over the IPC channel (inside a child process). Returns the function that
 * sends events. The child exits when its parent goes away, so no bench process outlives a run.
 */
export function serveRpc<A extends RpcApi, E extends RpcEvents>(handlers: RpcHandlers<A>, onDisconnect: () => void): <K extends keyof E & string>(event: K, data: E[K]) => void {
  const send = (msg: Response | EventMessage): void => {
    if (process.send !== undefined && process.connected) process.send(msg);
  };
  process.on("message", (msg: Request) => {
    if (msg?.kind !== "req") return;
    const handler = handlers[msg.method as keyof A];
    void (async () => {
      try {
        if (handler === undefined) throw new Error(`unknown method ${msg.method}`);
        const result = await handler(msg.params as A[keyof A][0]);
        send({ kind: "res", id: msg.id, ok: true, result });
      } catch (error) {
        send({ kind: "res", id: msg.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      }
    })();
  });
  process.on("disconnect", onDisconnect);
  return (event, data) => send({ kind: "event", event, data });
}

/**
 * A bench role running in a child node process (its own process group, so that stop() also
 * reaches the ffmpeg processes it spawned), driven by request/response over IPC.
 */
export class RpcChild<A extends RpcApi, E extends RpcEvents> {
  readonly proc: ManagedProcess;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly #listeners = new Map<string, Set<(data: unknown) => void>>();
  #next = 1;

  /** Starts `script` (a compiled .js file) with node, `nodeArgs` before it (e.g. `--cpu-prof`). */
  constructor(readonly name: string, script: string, args: readonly string[] = [], nodeArgs: readonly string[] = []) {
    this.proc = spawnManaged(name, process.execPath, [...nodeArgs, path.resolve(script), ...args], { ipc: true, graceMs: 5000 });
    this.proc.child.on("message", (msg: Response | EventMessage) => {
      if (msg.kind === "res") {
        const waiter = this.#pending.get(msg.id);
        this.#pending.delete(msg.id);
        if (!waiter) return;
        if (msg.ok) waiter.resolve(msg.result);
        else waiter.reject(new Error(`${name}: ${msg.error}`));
      } else if (msg.kind === "event") {
        for (const l of this.#listeners.get(msg.event) ?? []) l(msg.data);
      }
    });
    void this.proc.exited.then((info) => {
      for (const w of this.#pending.values()) w.reject(new Error(`${name} exited (code ${info.code}, signal ${info.signal}):\n${this.proc.logs().slice(-3000)}`));
      this.#pending.clear();
    });
  }

  get pid(): number {
    return this.proc.pid;
  }

  /** Calls `method` in the child; rejects on its error, on its exit, or after `timeoutMs`. */
  call<M extends keyof A & string>(method: M, params: A[M][0], timeoutMs = 30000): Promise<A[M][1]> {
    const id = this.#next++;
    return new Promise<A[M][1]>((resolve, reject) => {
      if (!this.proc.child.connected) return reject(new Error(`${this.name} is not running`));
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${this.name}: ${method} got no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as A[M][1]);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.proc.child.send({ kind: "req", id, method, params } satisfies Request);
    });
  }

  /** Listens to an event the child sends; returns the unsubscribe function. */
  on<K extends keyof E & string>(event: K, listener: (data: E[K]) => void): () => void {
    const set = this.#listeners.get(event) ?? new Set();
    set.add(listener as (data: unknown) => void);
    this.#listeners.set(event, set);
    return () => set.delete(listener as (data: unknown) => void);
  }

  /** SIGTERM to its process group, SIGKILL after 5 s; resolves when every process of the group is gone. */
  stop(): Promise<void> {
    return this.proc.stop();
  }
}
