import { ConfigError } from "../errors";
import type { SinkKind } from "./sink";

/** A target that a registered kind accepted and resolved: what `SinkKind.create()` is given. */
export interface ResolvedTarget {
  kind: SinkKind;
  target: unknown;
}

/**
 * The output kinds an engine knows. `CallOutputs` asks it which kind takes a target; no other part of
 * the call names a kind. The kinds of a normal engine are registered in `kinds.ts`.
 */
export class SinkRegistry {
  readonly #kinds: SinkKind[] = [];

  /** Adds a kind; the first kind that accepts a target takes it. @throws Error for a name in use. */
  register(kind: SinkKind): this {
    if (this.#kinds.some((k) => k.kind === kind.kind)) throw new Error(`output kind "${kind.kind}" is registered twice`);
    this.#kinds.push(kind);
    return this;
  }

  /** The names of the registered kinds, in registration order. */
  get kinds(): string[] {
    return this.#kinds.map((k) => k.kind);
  }

  /** The kind that takes `target`, or undefined. */
  kindFor(target: unknown): SinkKind | undefined {
    if (target === null || typeof target !== "object") return undefined;
    return this.#kinds.find((k) => k.accepts(target));
  }

  /** Checks settings shared by the outputs of a call with every kind that checks them. @throws ConfigError */
  checkSettings(settings: Parameters<SinkKind["resolve"]>[1]): void {
    for (const kind of this.#kinds) kind.checkSettings?.(settings);
  }

  /** Runs every kind's preflight (see SinkKind.preflight) of the given targets. @throws what a preflight throws */
  preflight(resolved: readonly ResolvedTarget[]): void {
    for (const kind of new Set(resolved.map((r) => r.kind))) kind.preflight?.();
  }

  /**
   * Picks the kind of a target and validates it.
   * @throws ConfigError when no kind takes it, or the kind finds it wrong.
   */
  resolve(target: unknown, settings: Parameters<SinkKind["resolve"]>[1]): ResolvedTarget {
    const kind = this.kindFor(target);
    if (!kind) throw new ConfigError(`publish: expected ${this.#kinds.map((k) => k.shape).join(" or ")} (output kinds ${this.#kinds.map((k) => k.kind).join(", ")})`);
    return { kind, target: kind.resolve(target as object, settings) };
  }
}
