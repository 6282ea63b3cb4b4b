import type { Engine, EngineOptions } from "../call/engine";
import type { Logger } from "../util/logger";
import type { WcsAccount } from "./wcs-account";

/** Builds an engine for an account (the REST API passes its engine options in). */
export type EngineFactory = (options: EngineOptions) => Engine;

/**
 * The engines of the REST API, one per account, created on the first call of an account (as WCS
 * opens a SIP connection per REST request's SIP fields) and shared by its concurrent calls.
 *
 * @remarks
 * An engine is closed (BYE, unregister) as soon as its last call has closed, so that accounts a
 * client used once do not stay registered; the next call of that account builds a new one. The
 * pool forgets a closing engine at once, so a call arriving meanwhile gets a fresh engine.
 */
export class EnginePool {
  readonly #engines = new Map<string, Engine>();
  readonly #closing = new Set<Promise<void>>();

  constructor(
    private readonly factory: EngineFactory,
    private readonly base: Omit<EngineOptions, "account">,
    private readonly logger: Logger,
  ) {}

  /** The engine of `account`, created when there is none. Throws what the factory throws (ConfigError). */
  engineFor(account: WcsAccount): Engine {
    let engine = this.#engines.get(account.key);
    if (!engine) {
      engine = this.factory({ ...this.base, account: account.options });
      this.#engines.set(account.key, engine);
    }
    return engine;
  }

  /** Closes `engine` when it has no call left. Called after each call of the engine closed. */
  releaseIfIdle(account: WcsAccount, engine: Engine): void {
    if (engine.calls().length > 0 || this.#engines.get(account.key) !== engine) return;
    this.#engines.delete(account.key);
    this.#close(engine);
  }

  #close(engine: Engine): void {
    const closing = engine
      .close()
      .catch((error: unknown) => this.logger.log("warn", "wcs", `closing an idle engine failed: ${String(error)}`))
      .finally(() => this.#closing.delete(closing));
    this.#closing.add(closing);
  }

  /** How many engines are open. */
  get size(): number {
    return this.#engines.size;
  }

  /** Closes every engine (hanging up their calls) and waits for the ones already closing. */
  async close(): Promise<void> {
    for (const engine of this.#engines.values()) this.#close(engine);
    this.#engines.clear();
    await Promise.all([...this.#closing]);
  }
}
