import { ConfigError, SipcastError } from "../errors";
import { canTieChildren, locateFfmpeg, removeStaleTempDirs } from "../media";
import { isRtpSourceCheck, RTP_SOURCE_CHECKS, type PortRange, type RtpSourceCheck } from "../rtp";
import { resolveAccount, type ResolvedAccount, type SipAccountOptions } from "../sip/account-options";
import { SipEndpoint, type RegistrationResult, type RegistrationStatus } from "../sip/sip-endpoint";
import { TypedEmitter } from "../util/typed-emitter";
import { silentLogger, type Logger } from "../util/logger";
import { escapingLogger } from "../util/log-text";
import { RepeatLimiter } from "../util/repeat-limiter";
import { defaultSinkKinds } from "../output/kinds";
import type { SinkRegistry } from "../output/sink-registry";
import { Call } from "./call";
import type { CallStateEvent, DtmfEvent, PublishEvent } from "./call-event";
import type { CallOptions } from "./call-options";
import { CallAdmission, resolveEngineLimits, type EngineLimits, type ResolvedEngineLimits } from "./engine-limits";
import { isFinalStatus } from "./call-status";
import { checkText, MAX_PATH_LENGTH } from "../util/text-fields";
import { StreamRegistry, type StreamRegistryOptions } from "../output/whep/stream-registry";
import { checkDnsServers } from "../sip/locate/dns-lookup";

export interface EngineOptions {
  account: SipAccountOptions;
  /** UDP ports for the calls' RTP/RTCP (default 10000–20000). */
  rtpPortRange?: PortRange;
  /**
   * Which sources a call takes RTP/RTCP from (default "signalled").
   *
   * @remarks
   * "signalled": only from the address in the peer's SDP (c=), any port. A third party that sends
   * to a call's RTP port, even while it rings, is dropped (counted in the channel's
   * `dropped.foreignSource`) and gets none of the call's media or DTMF. A peer behind NAT whose SDP
   * carries a private address is not heard.
   * "learn": for such peers. The first source that sends RTP_LEARN_PACKETS (4) consecutive
   * in-sequence RTP packets becomes the peer (RTCP then from its address only), wherever it is:
   * a third party that reaches the port first with well-formed packets wins the call's media.
   * Prefer "signalled" with a SIP ALG or an SBC that rewrites the SDP.
   */
  rtpSourceCheck?: RtpSourceCheck;
  /** ffmpeg binary; when absent: FFMPEG_PATH, then ffmpeg-static, then PATH. */
  ffmpegPath?: string;
  /** How long a SIP request may go unanswered (default 32000 ms). */
  requestTimeoutMs?: number;
  /**
   * DNS servers (IP addresses, each with an optional port: "192.0.2.53", "127.0.0.1:5353", "[::1]:53",
   * at most MAX_DNS_SERVERS) for locating the account's domain or outbound proxy as RFC 3263 says
   * (NAPTR, SRV, then A/AAAA). Default: the system's. A domain that is an IP address, or that has no
   * SRV record, is reached as before: its name resolved by the system (/etc/hosts, then DNS).
   */
  dnsServers?: string[];
  /** Address to bind SIP and RTP sockets to (default 0.0.0.0). */
  localAddress?: string;
  /** SIP UDP port to bind (default: any free port). */
  localPort?: number;
  /** The address peers must use to reach us (NAT); written into Via, Contact and SDP. */
  publicAddress?: string;
  /** Default of each call's `rtpTimeoutMs`: hang up after this long without RTP (default 30000; 0 = off). */
  rtpTimeoutMs?: number;
  /**
   * Caps on concurrent calls, outputs per call and call starts per second (defaults
   * DEFAULT_ENGINE_LIMITS: 50, 4, 10). A call or output beyond one is refused with a LimitError
   * naming the limit; calls in a final state do not count.
   */
  limits?: EngineLimits;
  /**
   * WebRTC viewers of calls placed with `toStream`: their ICE addresses and ports and `maxViewers`
   * (see StreamRegistryOptions). Ignored when `streams` is given.
   */
  whep?: Omit<StreamRegistryOptions, "logger">;
  /**
   * The stream names and viewers to use, shared with other engines (the REST API's engines share
   * one, so a name is unique across accounts). Default: one of this engine's own ({@link Engine.streams}).
   */
  streams?: StreamRegistry;
  logger?: Logger;
}

export interface EngineEvents extends Record<string, unknown[]> {
  registration: [RegistrationStatus, RegistrationResult];
  /** Every state change of every call. */
  state: [CallStateEvent];
  publish: [PublishEvent];
  /** Every DTMF key a call sent. */
  dtmf: [DtmfEvent];
  "@close": [];
}

/** The same callId is already in use by a live call. */
export class DuplicateCallError extends SipcastError {
  constructor(callId: string) {
    super(`a call with callId "${callId}" already exists`, "DUPLICATE_CALL_ID");
  }
}

const DEFAULT_PORT_RANGE: PortRange = { min: 10000, max: 20000 };
const DEFAULT_RTP_TIMEOUT_MS = 30000;

/**
 * One SIP account and its calls: owns the SIP endpoint (user agent, transport, registration) and a
 * registry of live calls keyed by callId, pruned as each call closes.
 */
export class Engine extends TypedEmitter<EngineEvents> {
  readonly account: ResolvedAccount;
  private readonly endpoint: SipEndpoint;
  private readonly registry = new Map<string, Call>();
  /** The user's logger behind control-character escaping: what every part of the engine writes to. */
  private readonly logger: Logger;
  private readonly admission: CallAdmission;
  /** The output kinds every call of this engine can publish to (see src/output/kinds.ts). */
  private readonly sinkKinds: SinkRegistry;
  /** The SIP endpoint's share of the log, with repeats limited (a flood of bad datagrams). */
  private readonly endpointLogger: RepeatLimiter;
  private starting: Promise<void> | undefined;
  private closed = false;
  /** The calls' `toStream` names and their WebRTC viewers: serve them with handleWhepRequest. */
  readonly streams: StreamRegistry;
  private readonly ownStreams: boolean;

  constructor(private readonly options: EngineOptions) {
    super();
    this.account = resolveAccount(options.account);
    const range = options.rtpPortRange ?? DEFAULT_PORT_RANGE;
    if (!(range.min >= 1024 && range.max <= 65535 && range.max - range.min >= 3)) {
      throw new ConfigError(`rtpPortRange: expected 1024 ≤ min < max ≤ 65535 with room for two port pairs`);
    }
    if (options.rtpSourceCheck !== undefined && !isRtpSourceCheck(options.rtpSourceCheck)) {
      throw new ConfigError(`rtpSourceCheck: expected one of ${RTP_SOURCE_CHECKS.join(", ")}`);
    }
    if (options.ffmpegPath !== undefined) checkText("ffmpegPath", options.ffmpegPath, MAX_PATH_LENGTH);
    this.admission = new CallAdmission(resolveEngineLimits(options.limits));
    this.logger = escapingLogger(options.logger ?? silentLogger);
    // SDP folders of engines that were killed before they could remove them (their pid is gone).
    for (const folder of removeStaleTempDirs()) this.logger.log("info", "engine", `removed ${folder}, left by a process that is gone`);
    if (!canTieChildren()) {
      this.logger.log("info", "engine", "no setpriv (util-linux, Linux only): ffmpeg children that outlive a killed engine run on until their input or output fails");
    }
    this.ownStreams = options.streams === undefined;
    this.streams = options.streams ?? new StreamRegistry({ ...options.whep, logger: this.logger });
    this.sinkKinds = defaultSinkKinds({ resolveFfmpeg: () => this.resolveFfmpeg(), streams: this.streams });
    this.endpointLogger = new RepeatLimiter(this.logger);
    this.endpoint = new SipEndpoint({
      account: this.account,
      localAddress: options.localAddress,
      localPort: options.localPort,
      publicAddress: options.publicAddress,
      requestTimeoutMs: options.requestTimeoutMs,
      dnsServers: checkDnsServers(options.dnsServers),
      logger: this.endpointLogger,
    });
    this.endpoint.on("registration", (status, result) => this.safeEmit("registration", status, result));
    // A new TCP/TLS connection has a new port: every answered call tells its peer the new Contact.
    this.endpoint.on("reconnected", () => {
      for (const call of this.registry.values()) call.refreshTarget();
    });
  }

  /** Opens the SIP transport and registers when the account requires it. Resolves with the registration result. */
  async start(): Promise<RegistrationResult> {
    return this.ready();
  }

  private ready(): Promise<RegistrationResult> {
    if (this.closed) return Promise.resolve({ ok: false, sipStatus: 0, sipMessage: "engine closed" });
    this.starting ??= this.endpoint.start();
    return this.starting.then(
      () => (!this.account.registerRequired || this.endpoint.registered ? { ok: true, sipStatus: 0, sipMessage: "" } : this.endpoint.register()),
      (error: unknown) => {
        // A transport that cannot open (TLS handshake, bad host) is reported like RFC 3261's transport error.
        this.starting = undefined;
        return { ok: false, sipStatus: 503, sipMessage: error instanceof Error ? error.message : String(error) };
      },
    );
  }

  /** The limits in force (the defaults filled in). */
  get limits(): ResolvedEngineLimits {
    return this.admission.limits;
  }

  /** Whether the account is registered now. */
  get registered(): boolean {
    return this.endpoint.registered;
  }

  /** The ffmpeg binary (throws FfmpegNotFoundError naming every place tried). */
  private resolveFfmpeg(): string {
    return locateFfmpeg({ configured: this.options.ffmpegPath }).path;
  }

  /**
   * Places a call. Returns at once; follow it with `call.on("state", …)` or the engine's `state` event.
   * Throws ConfigError for bad options, DuplicateCallError for a callId in use, and LimitError when
   * `limits.maxCalls` calls are live or `limits.callStartsPerSecond` started within the last second.
   */
  call(options: CallOptions): Call {
    if (this.closed) throw new SipcastError("engine is closed", "ENGINE_CLOSED");
    if (options.callId && this.registry.has(options.callId)) throw new DuplicateCallError(options.callId);
    // Per call, so one call's ffmpeg warning storm is summarized without hiding another call's lines.
    const logger = new RepeatLimiter(this.logger);
    const call = new Call(
      {
        endpoint: this.endpoint,
        account: this.account,
        ready: () => this.ready(),
        resolveFfmpeg: () => this.resolveFfmpeg(),
        portRange: this.options.rtpPortRange ?? DEFAULT_PORT_RANGE,
        bindAddress: this.options.localAddress ?? "0.0.0.0",
        rtpSourceCheck: this.options.rtpSourceCheck,
        rtpTimeoutMs: this.options.rtpTimeoutMs ?? DEFAULT_RTP_TIMEOUT_MS,
        maxOutputs: this.admission.limits.maxOutputsPerCall,
        sinkKinds: this.sinkKinds,
        logger,
      },
      options,
    );
    if (this.registry.has(call.id)) throw new DuplicateCallError(call.id);
    // After the options were checked (a rejected request uses no start), before anything is sent.
    // The name is taken now so that a second call asking for it is refused at once, not at its answer.
    const toStream = options.toStream;
    if (toStream !== undefined) this.streams.reserve(toStream, call.id);
    try {
      this.admission.admit(this.calls().filter((c) => !isFinalStatus(c.status)).length);
    } catch (error) {
      if (toStream !== undefined) this.streams.release(toStream, call.id);
      throw error;
    }
    this.registry.set(call.id, call);
    call.on("state", (event) => this.safeEmit("state", event));
    call.on("publish", (event) => this.safeEmit("publish", event));
    call.on("dtmf", (event) => this.safeEmit("dtmf", event));
    call.on("@close", () => {
      this.registry.delete(call.id);
      if (toStream !== undefined) this.streams.release(toStream, call.id);
      void call.whenClosed().then(() => logger.flush());
    });
    void call.start();
    return call;
  }

  /** The live call with this id (WCS `/call/find`). */
  get(callId: string): Call | undefined {
    return this.registry.get(callId);
  }

  /** Every live call (WCS `/call/find_all`). */
  calls(): Call[] {
    return [...this.registry.values()];
  }

  /**
   * Hangs up every call (waiting up to `graceMs` for the peers), unregisters and closes the transport.
   * Resolves when every ffmpeg process and socket is gone. Idempotent.
   */
  async close(graceMs = 3000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const calls = this.calls();
    for (const call of calls) call.terminate();
    await Promise.race([
      Promise.all(calls.map((c) => new Promise<void>((resolve) => (c.isClosed ? resolve() : c.once("@close", () => resolve()))))),
      new Promise((resolve) => setTimeout(resolve, graceMs).unref()),
    ]);
    for (const call of calls) call.close();
    await Promise.all(calls.map((c) => c.whenClosed()));
    if (this.ownStreams) this.streams.close();
    await this.endpoint.close();
    this.endpointLogger.flush();
    this.safeEmit("@close");
  }
}
