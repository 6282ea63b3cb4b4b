import { UserAgent, type Invitation, type LogConnector, type Session, type SessionDescriptionHandler } from "sip.js";
import { ConfigError, InvalidStateError } from "../errors";
import { locateFfmpeg } from "../media";
import type { PortRange } from "../rtp";
import type { AudioCodecName } from "../sdp";
import { SdpSessionHandler } from "../sip/sdp-session-handler";
import { SipTransport, type SipTransportOptions } from "../sip/transport";
import { TypedEmitter } from "../util/typed-emitter";
import { silentLogger, type Logger } from "../util/logger";
import { DigestGuard, type DigestCredentials } from "./digest-guard";
import { seededRandom, validateImpairment, type ImpairmentOptions } from "./impairment";
import { checkEspeak, IvrPrompts } from "./ivr-prompts";
import type { MeetingIvrEvent } from "./meeting-ivr";
import { drawFirstPromptDelay, validateMeetingIvr, type MeetingIvrOptions } from "./meeting-ivr-options";
import { MeetingCall, type MeetingCallInfo, type MeetingDtmf, type MeetingHangup, type MeetingReinvite } from "./meeting-call";
import type { MeetingNegotiator } from "./meeting-negotiator";
import type { TestPattern } from "./test-pattern-args";
import { validateTimelineEvents, type TimelineEvent } from "./timeline-events";
import { validateMediaPauses, type MediaPause } from "./media-pauses";
import { validateLayoutChange, type LayoutChange } from "./layout-switch";

/** Options of {@link startTestMeetingPeer}. */
export interface TestMeetingPeerOptions {
  /** UDP port for SIP on 127.0.0.1 (default 0: any free port; read `sipPort` afterwards). */
  sipPort?: number;
  /** The user part the peer answers to: `sip:<user>@127.0.0.1:<port>` (default "meeting"). */
  user?: string;
  /** UDP ports for the calls' RTP/RTCP (default 40000–40999). */
  rtpPortRange?: PortRange;
  /** ffmpeg binary; when absent: FFMPEG_PATH, then ffmpeg-static, then PATH. */
  ffmpegPath?: string;
  /** Tone frequency in Hz of the `testsrc` pattern (default 440). */
  toneHz?: number;
  /**
   * What each call sends (default "testsrc": moving picture and a steady tone). "flash-beep" turns
   * the picture white and beeps at 1 kHz for the first 120 ms of every second, so that whoever
   * receives it can measure its A/V offset (flash time vs beep time).
   */
  pattern?: TestPattern;
  /**
   * Makes the network toward the caller lossy and jittery: each RTP and RTCP datagram is dropped
   * with probability `lossRate`, else delayed by a random 0..`jitterMs` ms (so datagrams
   * reorder); the same `seed` gives the same drops. For trying what a poor link does to the
   * caller's picture and sound. Default: none.
   */
  impairment?: ImpairmentOptions;
  /**
   * Changes of each call's RTP timeline, applied to audio and video at once as a media server does:
   * `{ atMs: 8000, kind: "restart" }` (same SSRC, sequence and timestamp jump back to a new base) or
   * `kind: "ssrc-change"` (new SSRC, new bases), `atMs` after the call's media started. Default: none.
   */
  timelineEvents?: TimelineEvent[];
  /**
   * Stretches of each call in which no video RTP is sent (its RTCP goes on): `{ atMs: 6000, forMs: 20000 }`
   * is a screen share that ends at 6 s and starts again 20 s later; `atMs: 0` is a camera that comes
   * on late, or never when `forMs` outlasts the call. The sender keeps encoding, so the video resumes
   * mid-GOP. Default: none.
   */
  videoPauses?: MediaPause[];
  /**
   * Early media before each answer: a 183 Session Progress whose SDP (`Content-Disposition:
   * early-session`, RFC 3959) names other ports, the test pattern from those ports with its own
   * SSRCs for `forMs` (an announcement), then the 200 OK with the call's own ports, whose media come
   * with new SSRCs. Default: none (the call is answered at once).
   */
  earlyMedia?: { forMs: number };
  /**
   * A meeting layout change: from `atMs` after the call's media started, the H.264 video comes at
   * `size` ("WIDTHxHEIGHT"), from its next keyframe with new SPS/PPS, on the same SSRC and
   * continuous sequence numbers and timestamps (the peer's ffmpeg encodes both sizes of one picture).
   * Default: none.
   */
  layoutChange?: LayoutChange;
  /**
   * Re-INVITEs the peer sends, `atMs` after the call's media started: each moves the media to new
   * ports (new SSRCs and timelines from a new ffmpeg), offering only `audioCodec` for audio when
   * given (PCMU → PCMA, → opus…) and only `videoCodec` for video (H.264 → VP8; default H.264).
   * Default: none.
   */
  reinvites?: MeetingReinvite[];
  /** When set, INVITEs must answer a 401 digest challenge for this account (default: no authentication). */
  auth?: DigestCredentials;
  /**
   * IVR mode: each call first hears spoken prompts (made with espeak-ng) asking for `meetingId` and
   * `passcode`, after a random delay, and gets the meeting (video, then a tone) once both were keyed
   * in; see {@link MeetingIvrOptions}. `pattern`, `impairment` and `timelineEvents` then apply to the
   * video only. Default: none (the test pattern from the answer on).
   */
  ivr?: MeetingIvrOptions;
  /**
   * Offer-answer: answer audio only with these codecs, in the caller's order (default: the caller's
   * first supported one). How tests make a call use G.722 or opus.
   */
  audioCodecs?: readonly AudioCodecName[];
  logger?: Logger;
}

/** Events of the test meeting peer. */
export interface TestMeetingPeerEvents extends Record<string, unknown[]> {
  /** A call was answered; media starts now. */
  call: [MeetingCallInfo];
  /** A key was heard (RFC 4733 on the audio stream, or SIP INFO). */
  dtmf: [MeetingDtmf];
  /** IVR mode: a prompt started or ended, keys were ignored, an entry was right or wrong, a call joined. */
  ivr: [MeetingIvrEvent];
  /** An answered call ended. */
  hangup: [MeetingHangup];
}

const DEFAULT_RTP_RANGE: PortRange = { min: 40000, max: 40999 };
const ADDRESS = "127.0.0.1";

/**
 * A loopback SIP "test meeting" that auto-answers, sends a moving test pattern with a tone, and
 * reports the DTMF keys it hears, so that the engine can be tried (`npm start`) and tested with no
 * SIP account and no Debian SIP peer.
 *
 * @remarks
 * Built on sip.js: a UserAgent over the engine's own {@link SipTransport} (UDP, bound to
 * 127.0.0.1:`sipPort`), `delegate.onInvite` → `invitation.accept()`, and a session description
 * handler over the engine's SDP module. sip.js only answers INVITEs whose Request-URI user is
 * `user` (404 otherwise). INVITEs without SDP are declined with 488 (the peer only answers offers).
 * Each call runs one ffmpeg (see {@link MeetingCall}).
 */
export class TestMeetingPeer extends TypedEmitter<TestMeetingPeerEvents> {
  readonly user: string;
  readonly #calls = new Map<string, MeetingCall>();
  /** Calls that ended but whose ffmpeg may still be exiting. */
  readonly #exiting = new Set<Promise<void>>();
  readonly #negotiators = new WeakMap<Session, MeetingNegotiator>();
  readonly #digits: string[] = [];
  readonly #logger: Logger;
  readonly #guard: DigestGuard | undefined;
  readonly #ffmpegPath: string;
  readonly #random: () => number;
  #prompts: IvrPrompts | undefined;
  #ua: UserAgent | undefined;
  #transport: SipTransport | undefined;
  #stopped = false;

  constructor(private readonly options: TestMeetingPeerOptions = {}) {
    super();
    this.user = options.user ?? "meeting";
    if (!/^[A-Za-z0-9\-_.!~*'()]+$/.test(this.user)) throw new ConfigError(`user: not a SIP user name: "${this.user}"`);
    const port = options.sipPort ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`sipPort: not a port number: ${port}`);
    if (options.pattern !== undefined && options.pattern !== "testsrc" && options.pattern !== "flash-beep") {
      throw new ConfigError(`pattern: must be "testsrc" or "flash-beep", got "${String(options.pattern)}"`);
    }
    if (options.impairment) validateImpairment(options.impairment);
    if (options.timelineEvents !== undefined) validateTimelineEvents(options.timelineEvents);
    if (options.videoPauses !== undefined) validateMediaPauses(options.videoPauses);
    if (options.layoutChange !== undefined) validateLayoutChange(options.layoutChange);
    for (const [i, r] of (options.reinvites ?? []).entries()) {
      if (!(typeof r?.atMs === "number" && r.atMs >= 0 && r.atMs <= 3_600_000)) throw new ConfigError(`reinvites[${i}].atMs: must be a number of ms in 0..3600000, got ${String(r?.atMs)}`);
      if (r.audioCodec !== undefined && !["PCMU", "PCMA", "G722", "opus"].includes(r.audioCodec)) throw new ConfigError(`reinvites[${i}].audioCodec: must be PCMU, PCMA, G722 or opus, got ${String(r.audioCodec)}`);
      if (r.videoCodec !== undefined && !["H264", "VP8"].includes(r.videoCodec)) throw new ConfigError(`reinvites[${i}].videoCodec: must be H264 or VP8, got ${String(r.videoCodec)}`);
    }
    const early = options.earlyMedia?.forMs;
    if (options.earlyMedia !== undefined && !(typeof early === "number" && Number.isFinite(early) && early >= 0 && early <= 60_000)) {
      throw new ConfigError(`earlyMedia.forMs: must be a number of ms in 0..60000, got ${String(early)}`);
    }
    if (options.ivr !== undefined) validateMeetingIvr(options.ivr);
    if (options.audioCodecs !== undefined) checkAudioCodecs(options.audioCodecs);
    this.#random = seededRandom(options.ivr?.seed ?? 1);
    this.#logger = options.logger ?? silentLogger;
    this.#guard = options.auth ? new DigestGuard(options.auth) : undefined;
    // Fail at start rather than at the first call.
    this.#ffmpegPath = locateFfmpeg({ configured: options.ffmpegPath }).path;
  }

  /** The bound SIP port (after start()). */
  get sipPort(): number {
    return this.#transport?.localPort ?? 0;
  }

  /** The address to call: `sip:meeting@127.0.0.1:<sipPort>`. */
  get uri(): string {
    return `sip:${this.user}@${ADDRESS}:${this.sipPort}`;
  }

  /** Every key heard so far, in order, over all calls. */
  digits(): string[] {
    return [...this.#digits];
  }

  /** The calls answered and not yet ended. */
  calls(): MeetingCallInfo[] {
    return [...this.#calls.values()].flatMap((c) => (c.info ? [c.info] : []));
  }

  /** Binds the SIP socket and starts the user agent. */
  async start(): Promise<void> {
    if (this.#stopped) throw new InvalidStateError("test meeting peer is stopped");
    if (this.#ua) return;
    if (this.options.ivr && !this.#prompts) {
      await checkEspeak();
      this.#prompts = new IvrPrompts(this.#ffmpegPath);
    }
    const transportOptions: SipTransportOptions = {
      protocol: "udp",
      // The UDP transport routes every request by its Request-URI or Route; `server` is only the
      // fallback it never needs here (a UAS sends in-dialog requests to the caller's Contact).
      server: { host: ADDRESS, port: 5060 },
      forceServer: false,
      localAddress: ADDRESS,
      localPort: this.options.sipPort ?? 0,
      publicAddress: ADDRESS,
      logger: this.#logger,
    };
    const logConnector: LogConnector = (level, category, _label, content) => {
      this.#logger.log(level === "log" ? "debug" : level, category, content);
    };
    const ua = new UserAgent({
      uri: UserAgent.makeURI(`sip:${this.user}@${ADDRESS}`),
      transportConstructor: SipTransport,
      transportOptions,
      viaHost: ADDRESS,
      contactName: this.user,
      contactParams: { transport: "udp" },
      userAgentString: "sipcast-test-meeting",
      logBuiltinEnabled: false,
      logConnector,
      logLevel: "log",
      sessionDescriptionHandlerFactory: (session: Session): SessionDescriptionHandler => {
        const negotiator = this.#negotiators.get(session);
        if (!negotiator) throw new InvalidStateError("session has no media negotiator");
        return new SdpSessionHandler(negotiator);
      },
      delegate: { onInvite: (invitation) => void this.#onInvite(invitation) },
    });
    this.#ua = ua;
    await ua.start();
    this.#transport = ua.transport as SipTransport;
    // sip.js 0.21 writes no port into Contact unless told so here; the caller sends its ACK and BYE there.
    ua.contact.uri.port = this.#transport.localPort;
    this.#logger.log("info", "test-meeting", `answering ${this.uri}`);
  }

  async #onInvite(invitation: Invitation): Promise<void> {
    const request = invitation.request;
    if (this.#stopped) return void invitation.reject({ statusCode: 503 }).catch(() => undefined);
    if (this.#guard && !this.#guard.verify("INVITE", request.getHeader("authorization"))) {
      const challenge = this.#guard.challenge();
      return void invitation.reject({ statusCode: 401, extraHeaders: [`WWW-Authenticate: ${challenge}`] }).catch(() => undefined);
    }
    if (!request.body || !/application\/sdp/i.test(request.getHeader("content-type") ?? "")) {
      return void invitation.reject({ statusCode: 488, reasonPhrase: "Offer Required" }).catch(() => undefined);
    }
    let call: MeetingCall;
    try {
      call = await MeetingCall.prepare(invitation, {
        address: ADDRESS,
        portRange: this.options.rtpPortRange ?? DEFAULT_RTP_RANGE,
        ffmpegPath: this.#ffmpegPath,
        toneHz: this.options.toneHz ?? 440,
        pattern: this.options.pattern ?? "testsrc",
        impairment: this.options.impairment,
        timelineEvents: this.options.timelineEvents,
        videoPauses: this.options.videoPauses,
        layoutChange: this.options.layoutChange,
        reinvites: this.options.reinvites,
        ...(this.options.ivr && this.#prompts
          ? { ivr: { options: this.options.ivr, prompts: this.#prompts, firstPromptDelayMs: drawFirstPromptDelay(this.options.ivr, this.#random) } }
          : {}),
        audioCodecs: this.options.audioCodecs,
        logger: this.#logger,
      });
    } catch (error) {
      this.#logger.log("error", "test-meeting", `no RTP ports for a call: ${(error as Error).message}`);
      return void invitation.reject({ statusCode: 503 }).catch(() => undefined);
    }
    if (this.#stopped) {
      call.close();
      return void invitation.reject({ statusCode: 503 }).catch(() => undefined);
    }
    this.#calls.set(call.callId, call);
    this.#negotiators.set(invitation, call.negotiator);
    call.on("established", (info) => this.safeEmit("call", info));
    call.on("dtmf", (dtmf) => {
      this.#digits.push(dtmf.digit);
      this.safeEmit("dtmf", dtmf);
    });
    call.on("hangup", (hangup) => this.safeEmit("hangup", hangup));
    call.on("ivr", (event) => this.safeEmit("ivr", event));
    call.on("@close", () => {
      this.#calls.delete(call.callId);
      const exiting = call.whenClosed().finally(() => this.#exiting.delete(exiting));
      this.#exiting.add(exiting);
    });
    call.attach();
    if (this.options.earlyMedia) {
      try {
        await call.playEarlyMedia(this.options.earlyMedia.forMs);
      } catch (error) {
        this.#logger.log("warn", "test-meeting", `early media of ${call.callId}: ${(error as Error).message}`);
      }
      if (call.isClosed) return;
    }
    // A bad offer makes sip.js answer 488 and end the session, which closes the call.
    await invitation.accept().catch((error: unknown) => {
      this.#logger.log("warn", "test-meeting", `could not answer ${call.callId}: ${(error as Error).message}`);
      call.close();
    });
  }

  /** Hangs up every call (BYE); resolves when every ffmpeg of the peer has exited (also those of calls that just ended). */
  async hangupAll(): Promise<void> {
    const calls = [...this.#calls.values()];
    for (const call of calls) call.hangup();
    // A caller that never answers our BYE: sip.js still ends the session when the transaction times out;
    // do not wait for that.
    await waitAll(calls, 3000);
    await Promise.all([...this.#exiting]);
  }

  /** Hangs up, stops the user agent and closes every socket. Idempotent. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.hangupAll();
    const ua = this.#ua;
    this.#ua = undefined;
    if (ua) await ua.stop().catch(() => undefined);
    this.#transport = undefined;
    await this.#prompts?.close();
    this.removeAllListeners();
  }
}

function checkAudioCodecs(codecs: readonly AudioCodecName[]): void {
  const known: readonly string[] = ["PCMU", "PCMA", "G722", "opus"];
  if (!Array.isArray(codecs) || codecs.length === 0 || !codecs.every((c) => known.includes(c))) {
    throw new ConfigError(`audioCodecs: expected a non-empty list of PCMU, PCMA, G722, opus`);
  }
}

async function waitAll(calls: MeetingCall[], graceMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(calls.map((c) => new Promise<void>((resolve) => (c.isClosed ? resolve() : c.once("@close", () => resolve()))))),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
  ]);
  clearTimeout(timer);
  for (const call of calls) call.close();
  await Promise.all(calls.map((c) => c.whenClosed()));
}

/**
 * Starts a {@link TestMeetingPeer} on 127.0.0.1 and resolves once it listens.
 * @throws FfmpegNotFoundError when no ffmpeg can be found; ConfigError for bad options.
 */
export async function startTestMeetingPeer(options: TestMeetingPeerOptions = {}): Promise<TestMeetingPeer> {
  const peer = new TestMeetingPeer(options);
  try {
    await peer.start();
  } catch (error) {
    await peer.stop();
    throw error;
  }
  return peer;
}
