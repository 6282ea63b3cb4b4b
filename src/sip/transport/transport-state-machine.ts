import { TransportState, type Emitter } from "sip.js";
import type { Logger, LogLevel } from "../../util/logger";
import { StateEmitter } from "./state-emitter";

const EDGES: Record<TransportState, TransportState[]> = {
  [TransportState.Disconnected]: [TransportState.Connecting],
  [TransportState.Connecting]: [TransportState.Connected, TransportState.Disconnecting, TransportState.Disconnected],
  [TransportState.Connected]: [TransportState.Disconnecting, TransportState.Disconnected],
  [TransportState.Disconnecting]: [TransportState.Connecting, TransportState.Disconnected],
};

/**
 * The state half of sip.js's api `Transport`: the state, its emitter and the three callbacks.
 *
 * @remarks
 * ```txt
 * Disconnected -> Connecting -> Connected -> Disconnecting -> Disconnected
 * also: Connecting -> Disconnecting | Disconnected (failed);  Connected -> Disconnected (network lost);
 *       Disconnecting -> Connecting
 * ```
 * `onConnect` runs on entering Connected; `onDisconnect` on leaving it, with the error when the
 * network (not `disconnect()`) ended it. A transition made from inside a callback is a loop and
 * throws. Callbacks and listeners that throw are logged, never propagated into socket handlers.
 */
export abstract class TransportStateMachine {
  onConnect: (() => void) | undefined;
  onDisconnect: ((error?: Error) => void) | undefined;
  onMessage: ((message: string) => void) | undefined;

  protected readonly emitter: StateEmitter<TransportState>;
  private currentState: TransportState = TransportState.Disconnected;
  private transitioning = false;

  constructor(protected readonly logger: Logger) {
    this.emitter = new StateEmitter((error) => this.log("error", `stateChange listener threw: ${String(error)}`));
  }

  get state(): TransportState {
    return this.currentState;
  }

  get stateChange(): Emitter<TransportState> {
    return this.emitter;
  }

  isConnected(): boolean {
    return this.currentState === TransportState.Connected;
  }

  /** Moves to `next`, checking the edge, then emits and runs the callbacks. */
  protected transition(next: TransportState, error?: Error): void {
    if (this.transitioning) throw new Error(`state transition loop detected (to ${next})`);
    if (!EDGES[this.currentState].includes(next)) {
      throw new Error(`invalid transport state transition ${this.currentState} → ${next}`);
    }
    this.transitioning = true;
    try {
      const previous = this.currentState;
      this.currentState = next;
      this.log("debug", `${previous} → ${next}`);
      this.emitter.emit(next);
      if (next === TransportState.Connected) this.callSafely("onConnect", () => this.onConnect?.());
      if (previous === TransportState.Connected) {
        this.callSafely("onDisconnect", () => (error ? this.onDisconnect?.(error) : this.onDisconnect?.()));
      }
    } finally {
      this.transitioning = false;
    }
  }

  /** Hands a message to sip.js. */
  protected deliver(text: string): void {
    this.callSafely("onMessage", () => this.onMessage?.(text));
  }

  protected log(level: LogLevel, message: string): void {
    this.logger.log(level, "sip.transport", message);
  }

  private callSafely(name: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.log("error", `${name} threw: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
