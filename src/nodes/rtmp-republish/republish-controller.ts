import type { Call, PublishEvent } from "node-red-contrib-sipcast";
import { callDirectory } from "../shared/call-directory";
import { OutputGivenUpError } from "../shared/failure-errors";
import { NodeTextError, t } from "../shared/i18n";
import { handleInput } from "../shared/input-handler";
import type { Node, NodeAPI, NodeMessage, NodeSend } from "../shared/node-red-types";
import { Ticker } from "../shared/ticker";
import { realTimers, type Timers } from "../shared/timers";
import { CREDENTIAL_TYPE, evaluateSetting } from "../shared/typed-setting";
import { parseRepublishRequest, type RtmpRepublishCredentials, type RtmpRepublishConfig } from "./republish-input";
import { republishView } from "./republish-view";

/** One RTMP output this node started. */
interface Output {
  call: Call;
  /** A copy of the message that started it: its other properties ride along on every output message. */
  template: NodeMessage;
  send: NodeSend;
  last?: PublishEvent;
  publishingSince?: number;
}

/** Statuses after which an output is gone. */
const ENDED = new Set(["STOPPED", "FAILED"]);

/**
 * The runtime side of an rtmp-republish node: starts and stops extra RTMP outputs of a call through the
 * engine (`call.publish` / `call.unpublish`), sends a message per state change of the outputs it
 * started, and shows the latest one's time and bitrate. An output given up (FAILED) also goes to Catch
 * nodes with its FAILED message (`node.error(err, msg)`: the input message was done at the start).
 */
export class RtmpRepublishController {
  private readonly outputs = new Map<string, Output>();
  /** One `publish` listener per call this node has outputs on. */
  private readonly listeners = new Map<Call, { onPublish: (e: PublishEvent) => void; onClose: () => void }>();
  private latest: string | undefined;
  private readonly ticker: Ticker;
  /** Set by close(): outputs stopped by a deploy or stop raise nothing. */
  private closed = false;

  constructor(
    private readonly RED: NodeAPI,
    private readonly node: Node,
    private readonly config: RtmpRepublishConfig,
    private readonly timers: Timers = realTimers,
  ) {
    this.ticker = new Ticker(() => this.render(), timers);
    handleInput(node, (msg, send) => this.onInput(msg, send));
  }

  private async onInput(msg: NodeMessage, send: NodeSend): Promise<void> {
    const credentials = this.node.credentials as RtmpRepublishCredentials | undefined;
    // The TypedInput settings for this message; parseRepublishRequest then applies the msg.* overrides.
    const [rtmpUrl, rtmpStream] = await Promise.all([
      evaluateSetting(this.RED, this.node, { name: "rtmpUrl", value: this.config.rtmpUrl, type: this.config.rtmpUrlType }, msg),
      evaluateSetting(this.RED, this.node, { name: "rtmpStream", value: this.config.streamKey, type: this.config.streamKeyType ?? CREDENTIAL_TYPE, credential: credentials?.rtmpStream }, msg),
    ]);
    const request = parseRepublishRequest(msg, { ...this.config, rtmpUrl }, { rtmpStream });
    const call = callDirectory.get(request.callId)?.call;
    if (!call || call.isClosed) throw new NodeTextError("call.noCall", { callId: request.callId });
    if (request.action === "stop") {
      this.stop(call, request.outputId);
      return;
    }
    const outputId = call.publish(
      { rtmpUrl: request.rtmpUrl, rtmpStream: request.rtmpStream },
      {
        ...(request.rtmpRetries === undefined ? {} : { publishRetry: { maxRetries: request.rtmpRetries } }),
        ...(request.rtmpsAllowSelfSigned ? { rtmpsAllowSelfSigned: true } : {}),
        ...(request.rtmpsCaFile ? { rtmpsCaFile: request.rtmpsCaFile } : {}),
        ...(request.slateImage ? { slateImage: request.slateImage } : {}),
      },
    );
    msg.outputId = outputId;
    this.listen(call);
    this.outputs.set(outputId, { call, template: this.RED.util.cloneMessage(msg), send });
    this.latest = outputId;
    this.node.status({ fill: "yellow", shape: "ring", text: t("republish.starting") });
  }

  /** Stops one output, else the outputs this node started on the call, else every output of the call. */
  private stop(call: Call, outputId: string | undefined): void {
    const own = outputId ? [outputId] : [...this.outputs].filter(([, o]) => o.call === call).map(([id]) => id);
    if (own.length === 0) call.unpublish();
    for (const id of own) call.unpublish(id);
  }

  private listen(call: Call): void {
    if (this.listeners.has(call)) return;
    const onPublish = (event: PublishEvent): void => this.onPublish(event);
    const onClose = (): void => this.forgetCall(call);
    call.on("publish", onPublish);
    call.once("@close", onClose);
    this.listeners.set(call, { onPublish, onClose });
  }

  private onPublish(event: PublishEvent): void {
    const output = this.outputs.get(event.outputId);
    if (!output || this.closed) return;
    const changed = output.last?.status !== event.status;
    output.last = event;
    if (event.status === "PUBLISHING") output.publishingSince ??= event.timestamp;
    if (changed) {
      const out = this.RED.util.cloneMessage(output.template);
      out.callId = event.callId;
      out.outputId = event.outputId;
      out.topic = event.status;
      out.payload = event;
      // Catch gets its own copy: the nodes downstream may change the one sent.
      const failed = event.status === "FAILED" ? this.RED.util.cloneMessage(out) : undefined;
      output.send(out);
      if (failed) this.node.error(new OutputGivenUpError(event), failed);
    }
    if (event.outputId === this.latest) {
      if (event.status === "PUBLISHING") this.ticker.start();
      else this.ticker.stop();
      this.render();
    }
    if (ENDED.has(event.status)) this.outputs.delete(event.outputId);
  }

  private render(): void {
    const output = this.latest ? this.outputs.get(this.latest) : undefined;
    if (output?.last) this.node.status(republishView(output.last, output.publishingSince, this.timers.now()));
  }

  private forgetCall(call: Call): void {
    const l = this.listeners.get(call);
    if (l) call.off("publish", l.onPublish);
    this.listeners.delete(call);
    for (const [id, output] of this.outputs) if (output.call === call) this.outputs.delete(id);
    if (this.latest && !this.outputs.has(this.latest)) this.ticker.stop();
  }

  /** The node's close: stops the outputs it started (their ffmpeg processes end) and drops its listeners. */
  close(): void {
    this.closed = true;
    this.ticker.stop();
    for (const [id, output] of this.outputs) {
      try {
        if (!output.call.isClosed) output.call.unpublish(id);
      } catch {
        // already stopped by the engine
      }
    }
    this.outputs.clear();
    for (const [call, l] of this.listeners) {
      call.off("publish", l.onPublish);
      call.off("@close", l.onClose);
    }
    this.listeners.clear();
  }
}
