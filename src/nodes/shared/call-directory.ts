import { NodeTextError } from "./i18n";
import { EventEmitter } from "node:events";
import type { Call, CallStateEvent, DtmfType, PublishEvent } from "node-red-contrib-sipcast";

export type { DtmfType };

/** A live call and the account node that placed it. */
export interface DirectoryEntry {
  call: Call;
  /** The id of the sip-account config node. */
  accountId: string;
  /** The account's default DTMF type, used when a dtmf-send node does not choose one. */
  dtmfType: DtmfType;
}

/**
 * Where a call reported by the directory's events was placed: absent for the calls of the flows'
 * sip-accounts, set for a call of a wcs-rest-api node (its own call space, see {@link CallDirectory.observe}).
 */
export interface CallSource {
  type: "wcs-rest-api";
  /** The id of the wcs-rest-api node. */
  nodeId: string;
}

interface DirectoryEvents {
  state: [CallStateEvent, string, CallSource | undefined];
  publish: [PublishEvent, string, CallSource | undefined];
}

/**
 * Every live call of every sip-account in this Node-RED process, by callId, so that dtmf-send,
 * rtmp-republish and call-status find a call whichever account placed it. Entries are pruned on the
 * call's `@close`. It also re-emits every call's `state` and `publish` events with the account id.
 *
 * @remarks Process-wide on purpose: the five node modules share this one module instance; messages
 * carry only the callId, never the Call object.
 *
 * Only the flows' calls are in it. A wcs-rest-api node keeps its calls in a call space of its own
 * (its REST clients choose their callIds): they are announced with {@link observe}, which re-emits
 * their events with a {@link CallSource} but never makes them findable by `get`, `has` or `list`,
 * so a REST client cannot squat a flow's callId and receive what a dtmf-send node sends to it.
 */
export class CallDirectory {
  private readonly entries = new Map<string, DirectoryEntry>();
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per call-status / rtmp-republish node: more than EventEmitter's default 10 is normal.
    this.emitter.setMaxListeners(0);
  }

  /**
   * Adds a call that was just placed; throws when the callId is already live (under any account).
   * `alreadyEmitted`: the state event the call emitted before it could be added (a call learnt of
   * from its first event, as the wcs-rest-api node does), delivered to the listeners now so that
   * they see every state from TRYING on.
   */
  add(entry: DirectoryEntry, alreadyEmitted?: CallStateEvent): void {
    const { call, accountId } = entry;
    if (this.entries.has(call.id)) throw new NodeTextError("call.exists", { callId: call.id });
    this.entries.set(call.id, entry);
    call.on("state", (event) => this.emit("state", event, accountId, undefined));
    call.on("publish", (event) => this.emit("publish", event, accountId, undefined));
    call.once("@close", () => {
      if (this.entries.get(call.id)?.call === call) this.entries.delete(call.id);
    });
    if (alreadyEmitted) this.emit("state", alreadyEmitted, accountId, undefined);
  }

  /**
   * Re-emits the events of a call that lives in another call space (a wcs-rest-api node's), tagged
   * with `source`, without adding it: its callId may equal a flow call's, and nothing that looks
   * calls up by callId (dtmf-send, rtmp-republish, sip-call, call-status queries) ever reaches it.
   * `alreadyEmitted` as for {@link add}.
   */
  observe(call: Call, source: CallSource, alreadyEmitted?: CallStateEvent): void {
    call.on("state", (event) => this.emit("state", event, source.nodeId, source));
    call.on("publish", (event) => this.emit("publish", event, source.nodeId, source));
    if (alreadyEmitted) this.emit("state", alreadyEmitted, source.nodeId, source);
  }

  /** Whether a live flow call uses this callId. */
  has(callId: string): boolean {
    return this.entries.has(callId);
  }

  get(callId: string): DirectoryEntry | undefined {
    return this.entries.get(callId);
  }

  /** Every live call, optionally only one account's. */
  list(accountId?: string): DirectoryEntry[] {
    const all = [...this.entries.values()];
    return accountId ? all.filter((e) => e.accountId === accountId) : all;
  }

  on<K extends keyof DirectoryEvents>(event: K, listener: (...args: DirectoryEvents[K]) => void): void {
    this.emitter.on(event, listener as (...args: unknown[]) => void);
  }

  off<K extends keyof DirectoryEvents>(event: K, listener: (...args: DirectoryEvents[K]) => void): void {
    this.emitter.off(event, listener as (...args: unknown[]) => void);
  }

  private emit<K extends keyof DirectoryEvents>(event: K, ...args: DirectoryEvents[K]): void {
    // A throwing node listener must not break the call's own event delivery.
    for (const listener of this.emitter.listeners(event)) {
      try {
        (listener as (...a: DirectoryEvents[K]) => void)(...args);
      } catch {
        // listeners are our own adapters; they report their own errors
      }
    }
  }
}

/** The one directory of this process. */
export const callDirectory = new CallDirectory();
