import { isFinalStatus, type Call, type CallStateEvent, type PublishEvent } from "node-red-contrib-sipcast";
import type { AccountController, AccountUser } from "../sip-account/account-controller";
import { callDirectory } from "../shared/call-directory";
import { whenCallClosed } from "../shared/call-closed";
import { CallEndedError, isFailedEnd, OutputGivenUpError } from "../shared/failure-errors";
import { NodeTextError, t } from "../shared/i18n";
import { handleInput } from "../shared/input-handler";
import type { Node, NodeAPI, NodeMessage, NodeSend, NodeStatus } from "../shared/node-red-types";
import { Ticker } from "../shared/ticker";
import { realTimers, type Timers } from "../shared/timers";
import { flowStreams, viewerAccess } from "../shared/flow-streams";
import { asksToTerminate, mediaFolderOf, parseCallRequest, type SipCallConfig, type SipCallCredentials } from "./call-input";
import { evaluateCallSettings, recordPathIn } from "./call-settings";
import { callPayload, callView, isTicking } from "./call-view";

/** How long closing the node waits for its calls to hang up (Call's own guard is 5 s). */
const CLOSE_WAIT_MS = 8000;

/** The id the engine gives the output a call starts from `rtmpUrl` (CallOptions); rtmp-republish's outputs have others. */
const CALL_OUTPUT_ID = "rtmp";

/** The listeners this node added to one of its live calls. */
interface CallListeners {
  onState: (event: CallStateEvent) => void;
  onPublish: (event: PublishEvent) => void;
}

/**
 * The runtime side of a sip-call node: places calls on its account, sends one message per state
 * change of each, ends them on request, and shows the last call's state and duration (or, with no
 * call live, the account's registration state). A call that ends BUSY or FAILED, and its `rtmpUrl`
 * output given up, also go to Catch nodes (`node.error(err, msg)`): the input message was done when
 * the call was placed, so `done(err)` is no longer possible.
 */
export class SipCallController implements AccountUser {
  readonly id: string;
  /** Live calls placed by this node, with the listeners that turn their events into messages. */
  private readonly calls = new Map<Call, CallListeners>();
  /** Set by close(): a call ended by a deploy or stop raises nothing. */
  private closed = false;
  private lastCall: Call | undefined;
  private lastEvent: CallStateEvent | undefined;
  private readonly ticker: Ticker;
  /** `msg.audioFile` must name a file in here (the engine resolves links and `..` and refuses anything outside). */
  private readonly mediaRoot: string;
  private warnedNoViewers = false;

  constructor(
    private readonly RED: NodeAPI,
    private readonly node: Node,
    private readonly config: SipCallConfig,
    private readonly account: AccountController | undefined,
    private readonly timers: Timers = realTimers,
  ) {
    this.id = node.id;
    this.mediaRoot = mediaFolderOf(config, (RED as NodeAPI & { settings?: { userDir?: string } }).settings?.userDir);
    this.ticker = new Ticker(() => this.render(), timers);
    if (account) account.register(this);
    else node.status({ fill: "red", shape: "ring", text: t("sipCall.noAccount") });
    handleInput(node, (msg, send) => this.onInput(msg, send));
  }

  /** The account's registration state shows while no call of this node is live (a live call's state wins). */
  registrationChanged(status: NodeStatus): void {
    if (!this.lastCall || this.lastCall.isClosed) this.node.status(status);
  }

  private async onInput(msg: NodeMessage, send: NodeSend): Promise<void> {
    const credentials = this.node.credentials as SipCallCredentials | undefined;
    // A hang-up or stopAudio reads no setting: a msg-typed callee absent from it is no error.
    const settings = asksToTerminate(msg) || msg.action === "stopAudio" ? { config: this.config, credentials } : await evaluateCallSettings(this.RED, this.node, this.config, credentials, msg);
    const request = parseCallRequest(msg, settings.config, settings.credentials);
    if (request.kind === "terminate") return this.terminate(request.callId);
    if (request.kind === "playAudio") return this.playAudio(this.liveCall(request.callId, "sipCall.noCallToPlay"), request.file, request.loop);
    if (request.kind === "stopAudio") return this.liveCall(request.callId, "sipCall.noCallToStop").stopAudio();
    if (!this.account) throw new NodeTextError("sipCall.noAccountConfigured");
    const options = { ...request.options };
    if (options.playAudio !== undefined) options.mediaRoot = this.mediaRoot;
    if (options.recordPath !== undefined) options.recordPath = recordPathIn(this.mediaRoot, options.recordPath);
    const toStream = options.toStream;
    // The stream's access rule is in place before its name is taken (the engine checks the name).
    const forget = toStream === undefined ? undefined : this.allowViewers(toStream);
    let call: Call;
    try {
      call = this.account.placeCall(options);
    } catch (error) {
      forget?.();
      throw error;
    }
    if (forget) call.once("@close", forget);
    // The id of the placed call, also for nodes that see this msg complete (Complete node, HTTP flows).
    msg.callId = call.id;
    const template = this.RED.util.cloneMessage(msg);
    const listeners: CallListeners = {
      onState: (event) => this.onState(call, template, event, send),
      onPublish: (event) => this.onPublish(call, template, event),
    };
    this.calls.set(call, listeners);
    call.on("state", listeners.onState);
    call.on("publish", listeners.onPublish);
    call.once("@close", () => this.forget(call));
    this.lastCall = call;
    this.lastEvent = undefined;
    this.node.status({ fill: "yellow", shape: "ring", text: t("sipCall.calling") });
  }

  /** Who may watch `stream`: this node's viewer token, else httpNodeAuth, else nobody (said once in the log). */
  private allowViewers(stream: string): () => void {
    const credentials = this.node.credentials as SipCallCredentials | undefined;
    const plan = viewerAccess(credentials?.viewerToken || undefined, (this.RED as NodeAPI & { settings?: { httpNodeAuth?: unknown } }).settings?.httpNodeAuth);
    if (plan.kind === "refuse" && !this.warnedNoViewers) {
      this.warnedNoViewers = true;
      this.node.warn(t("sipCall.noViewers", { stream, reason: plan.reason }));
    }
    return flowStreams(this.RED).allow(stream, plan);
  }

  /** Ends `callId` (or this node's last call). A call this node did not place can be ended too. */
  private terminate(callId: string | undefined): void {
    this.liveCall(callId, "sipCall.noCallToTerminate").terminate();
  }

  /** The live call `callId` (of any account), or this node's last call. @throws Error naming the callId */
  private liveCall(callId: string | undefined, noneKey: string): Call {
    const call = callId ? callDirectory.get(callId)?.call : this.lastCall;
    if (!call || call.isClosed) throw callId ? new NodeTextError("call.noCall", { callId }) : new NodeTextError(noneKey);
    return call;
  }

  /**
   * Plays `file` into `call`; the input message is done when the file has played to its end, was
   * stopped (stopAudio, another playAudio) or the call ended; a file that cannot be played, or a call
   * that is not answered, goes to Catch.
   */
  private async playAudio(call: Call, file: string, loop: boolean): Promise<void> {
    try {
      await call.playAudio(file, { loop, mediaRoot: this.mediaRoot });
    } catch (error) {
      // Hanging up is the normal end of a looping file, not an error of this message.
      if (call.isClosed || isFinalStatus(call.status)) return;
      throw error;
    }
  }

  /** The message of the call's state `event`: a copy of the message that started the call, with callId, topic and payload. */
  private stateMessage(template: NodeMessage, event: CallStateEvent): NodeMessage {
    const out = this.RED.util.cloneMessage(template);
    out.callId = event.callId;
    out.topic = event.status;
    out.payload = callPayload(event);
    return out;
  }

  private onState(call: Call, template: NodeMessage, event: CallStateEvent, send: NodeSend): void {
    if (this.closed) return;
    const out = this.stateMessage(template, event);
    // Catch gets its own copy: the nodes downstream may change the one sent.
    const failed = isFailedEnd(event.status) ? this.RED.util.cloneMessage(out) : undefined;
    send(out);
    if (failed) this.node.error(new CallEndedError(event), failed);
    if (call !== this.lastCall) return;
    this.lastEvent = event;
    if (isTicking(event.status)) this.ticker.start();
    else this.ticker.stop();
    this.render();
  }

  /**
   * The call's `rtmpUrl` output given up goes to Catch with the call's state as its output message has
   * it (callId, topic, payload) and the output's event in `msg.output`. Outputs started by
   * rtmp-republish nodes are theirs to report.
   */
  private onPublish(call: Call, template: NodeMessage, event: PublishEvent): void {
    if (this.closed || event.outputId !== CALL_OUTPUT_ID || event.status !== "FAILED") return;
    const msg = this.stateMessage(template, call.snapshot());
    msg.outputId = event.outputId;
    msg.output = event;
    this.node.error(new OutputGivenUpError(event), msg);
  }

  private render(): void {
    if (this.lastEvent) this.node.status(callView(this.lastEvent, this.timers.now()));
  }

  private forget(call: Call): void {
    const listeners = this.calls.get(call);
    if (listeners) {
      call.off("state", listeners.onState);
      call.off("publish", listeners.onPublish);
    }
    this.calls.delete(call);
    if (call === this.lastCall) this.ticker.stop();
  }

  /** The node's close: hangs up the calls it placed, then leaves the account (which may close the engine). */
  async close(): Promise<void> {
    this.closed = true;
    this.ticker.stop();
    const calls = [...this.calls.keys()];
    for (const [call, listeners] of this.calls) {
      call.off("state", listeners.onState);
      call.off("publish", listeners.onPublish);
    }
    this.calls.clear();
    for (const call of calls) call.terminate();
    // In parallel: leaving the account may close its engine, which hangs up the same calls anyway.
    await Promise.all([...calls.map((call) => whenCallClosed(call, CLOSE_WAIT_MS)), this.account?.deregister(this)]);
  }
}
