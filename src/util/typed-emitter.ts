import { EventEmitter } from "node:events";

/** Maps each event name to the tuple of arguments its listeners receive. */
export type EventMap = Record<string, unknown[]>;

/**
 * An EventEmitter whose event names and argument lists are checked by the compiler.
 *
 * @remarks
 * `safeEmit` never throws: a listener that throws is reported through the `listenererror`
 * hook instead, so that one faulty consumer cannot break the engine's own state handling.
 */
export class TypedEmitter<E extends EventMap> {
  private readonly emitter = new EventEmitter();
  /** Called when a listener throws inside `safeEmit`. Defaults to printing to stderr. */
  public onListenerError: (event: string, error: unknown) => void = (event, error) => {
    process.stderr.write(`sipcast: listener for "${event}" threw: ${String(error)}\n`);
  };

  constructor() {
    this.emitter.setMaxListeners(100);
  }

  on<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  once<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.emitter.once(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.emitter.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  removeAllListeners(): void {
    this.emitter.removeAllListeners();
  }

  listenerCount<K extends keyof E & string>(event: K): number {
    return this.emitter.listenerCount(event);
  }

  /** Emits to every listener; a throwing listener is reported and the others still run. */
  safeEmit<K extends keyof E & string>(event: K, ...args: E[K]): boolean {
    const listeners = this.emitter.listeners(event) as Array<(...a: E[K]) => void>;
    for (const listener of listeners) {
      try {
        listener(...args);
      } catch (error) {
        this.onListenerError(event, error);
      }
    }
    return listeners.length > 0;
  }
}
