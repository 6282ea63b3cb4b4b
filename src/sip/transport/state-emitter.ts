import type { Emitter } from "sip.js";

/**
 * The `Emitter<T>` sip.js expects for `Transport.stateChange`.
 *
 * @remarks
 * sip.js has an `EmitterImpl`, but it is marked internal; this one is a dozen lines. A listener
 * that throws is reported to `onListenerError` and does not stop the others.
 */
export class StateEmitter<T> implements Emitter<T> {
  private listeners: Array<(data: T) => void> = [];

  constructor(private readonly onListenerError: (error: unknown) => void) {}

  addListener(listener: (data: T) => void, options?: { once?: boolean }): void {
    if (options?.once) {
      const wrapper = (data: T): void => {
        this.removeListener(wrapper);
        listener(data);
      };
      this.listeners.push(wrapper);
    } else {
      this.listeners.push(listener);
    }
  }

  removeListener(listener: (data: T) => void): void {
    this.listeners = this.listeners.filter((l) => l !== listener);
  }

  on(listener: (data: T) => void): void {
    this.addListener(listener);
  }

  off(listener: (data: T) => void): void {
    this.removeListener(listener);
  }

  once(listener: (data: T) => void): void {
    this.addListener(listener, { once: true });
  }

  /** Calls every listener with `data`. */
  emit(data: T): void {
    for (const listener of this.listeners.slice()) {
      try {
        listener(data);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  /** Drops every listener (on dispose). */
  removeAllListeners(): void {
    this.listeners = [];
  }
}
