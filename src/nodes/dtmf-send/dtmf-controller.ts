import type { IvrEvent } from "node-red-contrib-sipcast";
import { callDirectory } from "../shared/call-directory";
import { NodeTextError, t } from "../shared/i18n";
import { handleInput, statusText } from "../shared/input-handler";
import type { Node, NodeAPI, NodeMessage, NodeSend } from "../shared/node-red-types";
import { evaluateSetting, isVisibleType } from "../shared/typed-setting";
import { realTimers, type Timers } from "../shared/timers";
import { waitEstablished, type EstablishedWait } from "../shared/wait-established";
import { parseDtmfRequest, type DtmfSendConfig, type DtmfSendCredentials } from "./dtmf-input";

/** The status text of a wait's outcome. */
function ivrStatus(e: IvrEvent): string {
  switch (e.kind) {
    case "prompt-ended":
      return "prompt ended · sending";
    case "replied":
      return "the far end replied";
    case "joined":
      return "joined";
    case "reprompt":
      return e.retrying ? "asked again · sending again" : "asked again";
    default:
      return e.kind;
  }
}

/**
 * The runtime side of a dtmf-send node: finds the call, waits until it is established, has the engine
 * send the digits, and passes the message on (with `msg.dtmf`) once the last digit is out.
 */
export class DtmfSendController {
  private readonly waits = new Set<EstablishedWait>();
  private closed = false;

  constructor(
    private readonly RED: NodeAPI,
    private readonly node: Node,
    private readonly config: DtmfSendConfig,
    private readonly timers: Timers = realTimers,
  ) {
    handleInput(node, (msg, send) => this.onInput(msg, send));
  }

  private async onInput(msg: NodeMessage, send: NodeSend): Promise<void> {
    const credentials = this.node.credentials as DtmfSendCredentials | undefined;
    const digits = await evaluateSetting(this.RED, this.node, { name: "digits", value: this.config.digits, type: this.config.digitsType, credential: credentials?.pin }, msg);
    const request = parseDtmfRequest(msg, { ...this.config, digits }, !isVisibleType(this.config.digitsType));
    // A PIN shows as "sent 10 keys": its digits never reach a status.
    // A PIN, and a plan that listens for an IVR (it joins a meeting: its keys are an ID and a passcode), are counted, not shown.
    const shown = request.secret || request.listens ? t("dtmf.keys", { count: keyCount(request.digits) }) : request.digits;
    const entry = callDirectory.get(request.callId);
    if (!entry) throw new NodeTextError("call.noCall", { callId: request.callId });
    const type = request.type ?? entry.dtmfType;
    const wait = waitEstablished(entry.call, request.waitMs, this.timers);
    this.waits.add(wait);
    this.node.status({ fill: "yellow", shape: "ring", text: statusText(t("dtmf.waiting", { digits: shown })) });
    const outcome = await wait.promise.finally(() => this.waits.delete(wait));
    if (outcome === "cancelled") return; // the node closed: drop the message, as the delay node does
    this.node.status({ fill: "yellow", shape: "dot", text: statusText(request.listens ? t("dtmf.listening") : t("dtmf.sending", { digits: shown })) });
    const ivr: IvrEvent[] = [];
    await entry.call.sendDtmf(
      request.digits,
      { type, durationMs: request.durationMs, pauseMs: request.pauseMs, initialDelayMs: request.initialDelayMs },
      {
        onIvr: (e) => {
          ivr.push(e);
          if (!this.closed && e.kind !== "failed") this.node.status({ fill: "yellow", shape: "dot", text: statusText(ivrStatus(e)) });
        },
      },
    );
    if (this.closed) return;
    const joined = ivr.some((e) => e.kind === "joined");
    this.node.status({ fill: "green", shape: "dot", text: statusText(joined ? t("dtmf.joined") : t("dtmf.sent", { digits: shown })) });
    // A PIN's digits stay out of the message: it says how many keys went out instead.
    msg.dtmf = { callId: request.callId, ...(request.secret ? { keys: keyCount(request.digits) } : { digits: request.digits }), type, ...(request.listens ? { ivr } : {}) };
    send(msg);
  }

  /** The node's close: pending waits end (their messages complete without output). */
  close(): void {
    this.closed = true;
    for (const wait of this.waits) wait.cancel();
    this.waits.clear();
  }
}

/** The keys of a plan, pauses included, without its `{…}` waits: what a hidden PIN's status counts. */
function keyCount(digits: string): number {
  return digits.replace(/\{[^}]*\}/g, "").length;
}
