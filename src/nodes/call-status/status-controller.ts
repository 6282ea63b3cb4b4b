import type { CallStateEvent } from "node-red-contrib-sipcast";
import { callPayload } from "../sip-call/call-view";
import { callDirectory, type CallSource } from "../shared/call-directory";
import { NodeTextError, t } from "../shared/i18n";
import { handleInput } from "../shared/input-handler";
import { msgString, settingString } from "../shared/msg-fields";
import type { Node, NodeDef, NodeMessage, NodeSend } from "../shared/node-red-types";

/** The call-status node's settings. */
export interface CallStatusConfig extends NodeDef {
  /** A sip-account id, or "" for every account. */
  account?: string;
  /** One list of target ids per output, as saved; a node saved before the second output has one. */
  wires?: unknown[];
}

/**
 * Where query answers go: output 2 (output 1 carries only call events). A node saved when the node
 * had one output (wires of length 1) keeps getting them on output 1, as it did: Node-RED drops
 * whatever is sent to an output beyond the saved wires, so output 2 would lose them. Once the node is
 * deployed from an editor that shows two outputs, its wires have two entries and answers move to 2.
 */
export function answerOutput(wires: unknown[] | undefined): 1 | 2 {
  return Array.isArray(wires) && wires.length < 2 ? 1 : 2;
}

/**
 * The runtime side of a call-status node: a message per state change of every call (or of one
 * account's calls) on output 1, and answers to queries (WCS `/call/find`, `/call/find_all`) on output 2.
 */
export class CallStatusController {
  private readonly accountId: string | undefined;
  private recount: NodeJS.Immediate | undefined;
  private readonly answersOn: 1 | 2;

  constructor(
    private readonly node: Node,
    config: CallStatusConfig,
  ) {
    this.accountId = settingString(config.account) || undefined;
    this.answersOn = answerOutput(config.wires);
    callDirectory.on("state", this.onState);
    handleInput(node, (msg, send) => this.onQuery(msg, send));
    this.showCount();
  }

  /**
   * A wcs-rest-api node's call (its own call space: its callId may equal a flow call's) is reported
   * with `payload.source` "wcs-rest-api" and `payload.sourceId` (that node's id); flow calls carry neither.
   */
  private readonly onState = (event: CallStateEvent, accountId: string, source: CallSource | undefined): void => {
    if (this.accountId && accountId !== this.accountId) return;
    const payload = source ? { ...callPayload(event), source: source.type, sourceId: source.nodeId } : callPayload(event);
    this.node.send([{ callId: event.callId, topic: event.status, payload }, null]);
    // The final event comes before the call leaves the directory: count after it has.
    this.recount ??= setImmediate(() => {
      this.recount = undefined;
      this.showCount();
    });
  };

  /** With `msg.callId`: that call's state; without: the list of every live call's state. */
  private onQuery(msg: NodeMessage, send: NodeSend): void {
    const callId = msgString(msg, "callId");
    if (callId !== undefined) {
      const entry = callDirectory.get(callId);
      if (!entry || (this.accountId && entry.accountId !== this.accountId)) throw new NodeTextError("call.noCall", { callId });
      msg.payload = callPayload(entry.call.snapshot());
    } else {
      msg.payload = callDirectory.list(this.accountId).map((e) => callPayload(e.call.snapshot()));
    }
    send(this.answersOn === 1 ? [msg, null] : [null, msg]);
    this.showCount();
  }

  private showCount(): void {
    const n = callDirectory.list(this.accountId).length;
    this.node.status(n > 0 ? { fill: "green", shape: "dot", text: n === 1 ? t("status.oneCall") : t("status.calls", { count: n }) } : { fill: "grey", shape: "ring", text: t("status.noCalls") });
  }

  /** The node's close: stops listening. */
  close(): void {
    callDirectory.off("state", this.onState);
    if (this.recount) clearImmediate(this.recount);
    this.recount = undefined;
  }
}
