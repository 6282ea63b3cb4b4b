import { CallStatus, isFinalStatus, type Call, type CallStateEvent } from "node-red-contrib-sipcast";
import type { AccountController, AccountUser } from "../sip-account/account-controller";
import { callDirectory } from "../shared/call-directory";
import { whenCallClosed } from "../shared/call-closed";
import { handleInput } from "../shared/input-handler";
import type { Node, NodeAPI, NodeMessage, NodeSend, NodeStatus } from "../shared/node-red-types";
import { Ticker } from "../shared/ticker";
import { realTimers, type Timers } from "../shared/timers";
import { mediaFolderOf, parseCallRequest, type SipCallConfig, type SipCallCredentials } from "./call-input";
import { callPayload, callView, isTicking } from "./call-view";

/** How long closing the node waits for its calls to hang up (Call's own guard is 5 s). */
const CLOSE_WAIT_MS = 8000;

/**
 * The runtime side of a sip-call node: places calls on its account, sends one message per state
 * change of each, ends them on request, and shows the last call's state and duration (or, with no
 * call live, the account's registration state).
 */
export class SipCallController implements AccountUser {
  readonly id: string;
  /** Live calls placed by this node, with the listener that turns their states into messages. */
  private readonly calls = new Map<Call, (event: CallStateEvent) => void>();
  private lastCall: Call | undefined;
  private lastEvent: CallStateEvent | undefined;
  private readonly ticker: Ticker;
  /** `msg.audioFile` must name a file in here (the engine resolves links and `..` and refuses anything outside). */
  private readonly mediaRoot: string;

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
    else node.status({ fill: "red", shape: "ring", text: "no sip-account" });
    handleInput(node, (msg, send) => this.onInput(msg, send));
  }

  /** The account's registration state shows while no call of this node is live (a live call's state wins). */
  registrationChanged(status: NodeStatus): void {
    if (!this.lastCall || this.lastCall.isClosed) this.node.status(status);
  }

  private onInput(msg: NodeMessage, send: NodeSend): void | Promise<void> {
    const request = parseCallRequest(msg, this.config, this.node.credentials as SipCallCredentials | undefined);
    if (request.kind === "terminate") return this.terminate(request.callId);
    if (request.kind === "playAudio") return this.playAudio(this.liveCall(request.callId, "no call to play audio into"), request.file, request.loop);
    if (request.kind === "stopAudio") return this.liveCall(request.callId, "no call to stop audio in").stopAudio();
    if (!this.account) throw new Error("no sip-account configured");
    const call = this.account.placeCall(request.options.playAudio === undefined ? request.options : { ...request.options, mediaRoot: this.mediaRoot });
    // The id of the placed call, also for nodes that see this msg complete (Complete node, HTTP flows).
    msg.callId = call.id;
    const template = this.RED.util.cloneMessage(msg);
    const onState = (event: CallStateEvent): void => this.onState(call, template, event, send);
    this.calls.set(call, onState);
    call.on("state", onState);
    call.once("@close", () => this.forget(call));
    this.lastCall = call;
    this.lastEvent = undefined;
    this.node.status({ fill: "yellow", shape: "ring", text: "calling" });
  }

  /** Ends `callId` (or this node's last call). A call this node did not place can be ended too. */
  private terminate(callId: string | undefined): void {
    this.liveCall(callId, "no call to terminate").terminate();
  }

  /** The live call `callId` (of any account), or this node's last call. @throws Error naming the callId */
  private liveCall(callId: string | undefined, noneText: string): Call {
    const call = callId ? callDirectory.get(callId)?.call : this.lastCall;
    if (!call || call.isClosed) throw new Error(callId ? `no call ${callId}` : noneText);
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

  private onState(call: Call, template: NodeMessage, event: CallStateEvent, send: NodeSend): void {
    const out = this.RED.util.cloneMessage(template);
    out.callId = event.callId;
    out.topic = event.status;
    out.payload = callPayload(event);
    send(out);
    if (event.status === CallStatus.FAILED) this.node.warn(`call ${event.callId} failed: ${event.reason}${event.detail ? ` (${event.detail})` : ""}`);
    if (call !== this.lastCall) return;
    this.lastEvent = event;
    if (isTicking(event.status)) this.ticker.start();
    else this.ticker.stop();
    this.render();
  }

  private render(): void {
    if (this.lastEvent) this.node.status(callView(this.lastEvent, this.timers.now()));
  }

  private forget(call: Call): void {
    const listener = this.calls.get(call);
    if (listener) call.off("state", listener);
    this.calls.delete(call);
    if (call === this.lastCall) this.ticker.stop();
  }

  /** The node's close: hangs up the calls it placed, then leaves the account (which may close the engine). */
  async close(): Promise<void> {
    this.ticker.stop();
    const calls = [...this.calls.keys()];
    for (const [call, listener] of this.calls) call.off("state", listener);
    this.calls.clear();
    for (const call of calls) call.terminate();
    // In parallel: leaving the account may close its engine, which hangs up the same calls anyway.
    await Promise.all([...calls.map((call) => whenCallClosed(call, CLOSE_WAIT_MS)), this.account?.deregister(this)]);
  }
}
