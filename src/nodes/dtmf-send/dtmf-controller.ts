import type { IvrEvent } from "node-red-contrib-sipcast";
import { callDirectory } from "../shared/call-directory";
import { handleInput, statusText } from "../shared/input-handler";
import type { Node, NodeMessage, NodeSend } from "../shared/node-red-types";
import { realTimers, type Timers } from "../shared/timers";
import { waitEstablished, type EstablishedWait } from "../shared/wait-established";
import { parseDtmfRequest, type DtmfSendConfig } from "./dtmf-input";

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
    private readonly node: Node,
    private readonly config: DtmfSendConfig,
    private readonly timers: Timers = realTimers,
  ) {
    handleInput(node, (msg, send) => this.onInput(msg, send));
  }

  private async onInput(msg: NodeMessage, send: NodeSend): Promise<void> {
    const request = parseDtmfRequest(msg, this.config);
    const entry = callDirectory.get(request.callId);
    if (!entry) throw new Error(`no call ${request.callId}`);
    const type = request.type ?? entry.dtmfType;
    const wait = waitEstablished(entry.call, request.waitMs, this.timers);
    this.waits.add(wait);
    // Never the keys themselves in the status: they are often a PIN.
    this.node.status({ fill: "yellow", shape: "ring", text: statusText(`waiting for the call`) });
    const outcome = await wait.promise.finally(() => this.waits.delete(wait));
    if (outcome === "cancelled") return; // the node closed: drop the message, as the delay node does
    this.node.status({ fill: "yellow", shape: "dot", text: statusText(request.listens ? "listening for the prompt" : "sending") });
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
    this.node.status({ fill: "green", shape: "dot", text: statusText(joined ? "joined" : "sent") });
    msg.dtmf = { callId: request.callId, digits: request.digits, type, ...(request.listens ? { ivr } : {}) };
    send(msg);
  }

  /** The node's close: pending waits end (their messages complete without output). */
  close(): void {
    this.closed = true;
    for (const wait of this.waits) wait.cancel();
    this.waits.clear();
  }
}
