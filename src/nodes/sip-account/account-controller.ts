import { Engine, type StreamRegistry, type Call, type CallOptions, type RegistrationResult, type RegistrationStatus } from "node-red-contrib-sipcast";
import { callDirectory, type DtmfType } from "../shared/call-directory";
import { NodeTextError, t } from "../shared/i18n";
import { asError } from "../shared/input-handler";
import { nodeLogger } from "../shared/node-logger";
import type { Node, NodeStatus } from "../shared/node-red-types";
import { RetryBackoff } from "../shared/retry-backoff";
import type { Timers } from "../shared/timers";
import type { AccountSettings } from "./account-settings";
import { registrationView } from "./registration-view";

/** A node that uses a sip-account (a sip-call node): it is told the account's registration status. */
export interface AccountUser {
  readonly id: string;
  registrationChanged(status: NodeStatus): void;
}

/**
 * How long engine.close() waits for peers to confirm the BYEs. Node-RED gives a closing node 15 s;
 * unregistering and stopping the user agent take up to 2 s each after this.
 */
const CLOSE_GRACE_MS = 8000;

/**
 * The most a close may take before the node reports done, so Node-RED's 15 s close timeout is never hit.
 * engine.close() can take longer: with a REGISTER still unanswered (registrar gone) sip.js's Registerer
 * dispose waits for that transaction's timeout (32 s by default).
 */
const CLOSE_LIMIT_MS = 12_000;

/**
 * The runtime side of a sip-account config node: owns one Engine the way mqtt-broker owns its client.
 * The engine is created and registers when the first user registers, and is closed (BYE to every call,
 * un-REGISTER) when the last user leaves or the node closes. Failed registrations are retried with
 * backoff (5 s doubling to 60 s). Every user shows the registration status.
 */
export class AccountController {
  private readonly users = new Map<string, AccountUser>();
  private engine: Engine | undefined;
  private configError: Error | undefined;
  private view: NodeStatus = registrationView.registering();
  private readonly retry: RetryBackoff;
  private closing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly node: Node,
    private readonly settings: AccountSettings,
    timers?: Timers,
    /** Where the calls' `toStream` go (the runtime's flow streams, shared by every account). */
    private readonly streams?: StreamRegistry,
  ) {
    this.retry = new RetryBackoff({ timers });
  }

  /** The DTMF type dtmf-send uses for this account's calls when it does not choose one. */
  get dtmfType(): DtmfType {
    return this.settings.dtmfType;
  }

  /** Adds a user; the first one starts the engine (and its registration). */
  register(user: AccountUser): void {
    this.users.set(user.id, user);
    if (!this.engine && !this.configError && !this.closed) this.connect();
    user.registrationChanged(this.view);
  }

  /** Removes a user; after the last one the engine is closed (its calls hung up). Resolves when it is. */
  deregister(user: AccountUser): Promise<void> {
    this.users.delete(user.id);
    if (this.users.size === 0) this.disconnect();
    return this.closing;
  }

  /**
   * Places a call on this account and lists it in the call directory. Throws (for `done(err)`) on bad
   * options (ConfigError naming the field), a callId in use, or unusable account settings.
   */
  placeCall(options: CallOptions): Call {
    if (this.configError) throw this.configError;
    if (options.callId && callDirectory.has(options.callId)) throw new NodeTextError("call.exists", { callId: options.callId });
    const engine = this.engine;
    if (!engine) throw new NodeTextError("account.notStarted");
    const call = engine.call(options);
    callDirectory.add({ call, accountId: this.node.id, dtmfType: this.settings.dtmfType });
    return call;
  }

  /** The node's close: stops retrying, closes the engine, resolves when its calls and sockets are gone. */
  close(): Promise<void> {
    this.closed = true;
    this.retry.dispose();
    this.disconnect();
    return this.closing;
  }

  private connect(): void {
    let engine: Engine;
    try {
      engine = new Engine({ ...this.settings.engine, ...(this.streams ? { streams: this.streams } : {}), logger: nodeLogger(this.node) });
    } catch (error) {
      this.configError = asError(error);
      this.node.error(`sip-account: ${this.configError.message}`);
      this.show(registrationView.invalid(this.configError.message));
      return;
    }
    this.engine = engine;
    engine.on("registration", this.onRegistration);
    this.show(registrationView.registering());
    this.attempt(engine);
  }

  private attempt(engine: Engine): void {
    void engine.start().then((result) => {
      if (engine !== this.engine) return; // closed meanwhile
      if (result.ok) {
        this.retry.reset();
        this.show(this.settings.registerRequired ? registrationView.registered() : registrationView.noRegister());
      } else {
        this.failed(engine, result);
      }
    });
  }

  /** Engine `registration` events: refreshes that fail or succeed after the first attempt. */
  private readonly onRegistration = (status: RegistrationStatus, result: RegistrationResult): void => {
    const engine = this.engine;
    if (!engine) return;
    if (status === "REGISTERED") {
      this.retry.reset();
      this.show(registrationView.registered());
    } else if (status === "FAILED") {
      this.failed(engine, result);
    } else if (this.settings.registerRequired) {
      this.show(registrationView.unregistered());
      this.retry.schedule(() => {
        if (engine === this.engine) this.attempt(engine);
      });
    }
  };

  private failed(engine: Engine, result: RegistrationResult): void {
    const view = registrationView.failed(result);
    if (view.text !== this.view.text) this.node.warn(t("account.warnRegistration", { text: view.text ?? "" }));
    this.show(view);
    this.retry.schedule(() => {
      if (engine === this.engine) this.attempt(engine);
    });
  }

  private disconnect(): void {
    const engine = this.engine;
    this.engine = undefined;
    this.configError = undefined;
    this.retry.reset();
    if (!engine) return;
    engine.off("registration", this.onRegistration);
    const closed = engine.close(CLOSE_GRACE_MS).catch((error: unknown) => this.node.warn(t("account.closeFailed", { reason: asError(error).message })));
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.node.warn(t("account.closeSlow", { seconds: CLOSE_LIMIT_MS / 1000 }));
        resolve();
      }, CLOSE_LIMIT_MS);
      timer.unref();
    });
    const bounded = Promise.race([closed, limit]).finally(() => clearTimeout(timer));
    this.closing = Promise.all([this.closing, bounded]).then(() => undefined);
  }

  private show(view: NodeStatus): void {
    this.view = view;
    for (const user of this.users.values()) user.registrationChanged(view);
  }
}
