import { IvrWaitError, type IvrFailure, type IvrListener, type IvrOutcome, type IvrWait } from "../dtmf/ivr-wait";
import { DTMF_DEFAULTS } from "../dtmf/dtmf-plan";
import { systemClock, type Clock, type TimerHandle } from "../rtp/clock";
import { VOICE_FRAME_MS } from "./voice-activity";

/** An utterance shorter than this (active time) is a click or a burst of noise, not a prompt. */
export const MIN_SPEECH_MS = 200;
/** After the keys, quiet this much longer than the prompt silence with no meeting media means the far end asks again. */
export const REPROMPT_EXTRA_QUIET_MS = 1000;
/** Sound with no prompt-length pause for this long is a meeting, not an IVR prompt (prompts are 2–6 s between pauses). */
export const MEETING_AUDIO_MS = 8000;
/** Video packets in a row that make "video started" (one stray packet does not). */
export const VIDEO_START_PACKETS = 3;
/**
 * A gap in the video longer than this ends a run of video. Video whose run began before the keys
 * went out is the IVR's own picture: only a run that begins after the keys counts as "video started".
 */
export const VIDEO_FLOWING_MS = 1000;

interface Utterance {
  id: number;
  /** On the audio clock. */
  startedAt: number;
  /** On the wall clock: whether it answers keys sent before it. */
  startedAtWall: number;
  lastActiveAt: number;
  activeMs: number;
}

interface Pending {
  wait: IvrWait;
  silenceMs: number;
  startedAt: number;
  /** The utterance already going on before the wait, which a `prompt`/`joined` wait ignores if it had ended. */
  baseline: number;
  speakingAtStart: boolean;
  /** Video that starts from here on is an answer: the first key of the group before the wait, else the wait's start. */
  since: number;
  timer: TimerHandle;
  resolve: (o: IvrOutcome) => void;
  reject: (e: Error) => void;
}

/**
 * Decides a plan's `{prompt}`, `{reply}` and `{joined}` waits from voice activity (one call per
 * 20 ms frame of received audio) and the arrival of video packets; see ivr-wait.ts for what each
 * wait means and voice-activity.ts for how a frame is judged.
 *
 * @remarks An utterance is a run of active frames whose gaps are shorter than the prompt silence
 * (a sentence break does not end a prompt). A prompt has ended when its utterance had at least
 * {@link MIN_SPEECH_MS} of sound and has been quiet for the prompt silence. Audio time is counted in
 * received audio (see `audioMs`), timeouts and video on the wall clock; the checks also run on a
 * 20 ms timer, because an IVR that stops sending packets while it is quiet (silence suppression,
 * opus DTX) is quiet too.
 */
export class MediaIvrListener implements IvrListener {
  private readonly clock: Clock;
  private current: Utterance | undefined;
  private nextId = 1;
  private lastVideoAt = Number.NEGATIVE_INFINITY;
  private videoRunStartedAt = Number.NEGATIVE_INFINITY;
  private videoRunPackets = 0;
  /** When the first key since the last wait went out. */
  private keysAt: number | undefined;
  private pending: Pending | undefined;
  /**
   * The audio clock, in ms of received audio: +20 per decoded frame, plus the gaps in which no packet
   * came at all (silence suppression). Utterances and quiet are measured on it, not on the wall clock,
   * so that a decoder that falls behind (ffmpeg starved of CPU) delays the verdict instead of faking
   * quiet: a stalled decoder delivers no frames, and its packets still count as not yet heard.
   */
  private audioMs = 0;
  /** Audio received (ms of packets) and decoded (ms of frames): the decoder has caught up when they meet. */
  private receivedMs = 0;
  private decodedMs = 0;
  private lastPacketAt: number | undefined;
  /** The prompt silence of the last wait: what splits utterances between waits too. */
  private silenceMs = DTMF_DEFAULTS.promptSilenceMs;
  private closed = false;

  constructor(clock?: Clock) {
    this.clock = clock ?? systemClock;
  }

  /** One RTP packet of the received audio (`durationMs` of sound), before it is decoded. */
  audioPacket(durationMs: number): void {
    const now = this.clock.now();
    // A gap with no packets at all is quiet the decoder never reports: put it on the audio clock.
    this.audioMs += this.packetGapMs(now);
    this.lastPacketAt = now;
    this.receivedMs += durationMs;
  }

  /** One 20 ms frame of received audio, decoded. */
  audioFrame(active: boolean): void {
    this.audioMs += VOICE_FRAME_MS;
    this.decodedMs += VOICE_FRAME_MS;
    const at = this.audioMs;
    if (active) {
      const u = this.current;
      if (u && at - u.lastActiveAt < this.silenceMs + VOICE_FRAME_MS) {
        u.lastActiveAt = at;
        u.activeMs += VOICE_FRAME_MS;
      } else {
        this.current = { id: this.nextId++, startedAt: at, startedAtWall: this.clock.now(), lastActiveAt: at, activeMs: VOICE_FRAME_MS };
      }
    }
    this.check();
  }

  /** How long no packet has come, once the decoder has delivered all it was given (else 0: it may still be busy). */
  private packetGapMs(now: number): number {
    if (this.lastPacketAt === undefined || this.decodedMs < this.receivedMs - 2 * VOICE_FRAME_MS) return 0;
    return Math.max(0, now - this.lastPacketAt - 2 * VOICE_FRAME_MS);
  }

  /** The audio clock now, counting a gap in the packets that is still going on. */
  private audioNow(): number {
    return this.audioMs + this.packetGapMs(this.clock.now());
  }

  /** One RTP packet of received video. */
  videoPacket(): void {
    const now = this.clock.now();
    if (now - this.lastVideoAt > VIDEO_FLOWING_MS) {
      this.videoRunStartedAt = now;
      this.videoRunPackets = 0;
    }
    this.lastVideoAt = now;
    this.videoRunPackets++;
    this.check();
  }

  /** A key goes out: media that starts from now on may be the far end's answer to it (the far end may act on `#` before its tone has ended). */
  keySent(): void {
    this.keysAt ??= this.clock.now();
  }

  listen(wait: IvrWait, silenceMs: number): Promise<IvrOutcome> {
    if (this.closed) return Promise.reject(new IvrWaitError("dtmf: the call stopped listening", "no-audio"));
    if (this.pending) return Promise.reject(new IvrWaitError("dtmf: another wait is already listening", "no-audio"));
    this.silenceMs = silenceMs;
    const now = this.clock.now();
    const since = this.keysAt ?? now;
    const u = this.current;
    // Speech that began after the first key answers the keys (a bridge acts on "#" at once), even
    // if it began before this wait; speech older than that was going on when the keys went out.
    const answering = u !== undefined && u.startedAtWall >= since;
    const speaking = u !== undefined && !answering && this.audioNow() - u.lastActiveAt < silenceMs;
    return new Promise((resolve, reject) => {
      const timer = this.clock.setInterval(() => this.check(), VOICE_FRAME_MS);
      this.pending = {
        wait,
        silenceMs,
        startedAt: now,
        baseline: speaking || answering ? 0 : (u?.id ?? 0),
        speakingAtStart: speaking,
        since,
        timer,
        resolve,
        reject,
      };
      this.check();
    });
  }

  private check(): void {
    const p = this.pending;
    if (!p) return;
    const now = this.clock.now();
    const outcome = this.outcome(p, now);
    if (outcome) return this.finish((q) => q.resolve(outcome));
    if (now - p.startedAt >= p.wait.timeoutMs) {
      const [reason, text] = this.failure(p);
      this.finish((q) => q.reject(new IvrWaitError(`dtmf: {${p.wait.kind}}: ${text} within ${(p.wait.timeoutMs / 1000).toFixed(1)} s`, reason)));
    }
  }

  private outcome(p: Pending, now: number): IvrOutcome | undefined {
    const audioNow = this.audioNow();
    const u = this.current && this.current.id !== p.baseline ? this.current : undefined;
    const quietMs = u ? audioNow - u.lastActiveAt : Number.POSITIVE_INFINITY;
    const heard = u !== undefined && u.activeMs >= MIN_SPEECH_MS;
    const videoStarted = this.videoRunStartedAt >= p.since && this.videoRunPackets >= VIDEO_START_PACKETS && now - this.lastVideoAt <= VIDEO_FLOWING_MS;
    switch (p.wait.kind) {
      case "prompt":
        return heard && quietMs >= p.silenceMs ? { kind: "prompt-ended", speechMs: u.activeMs } : undefined;
      case "reply":
        if (videoStarted) return { kind: "replied", how: "video" };
        if (p.speakingAtStart) {
          const last = this.current;
          return last && audioNow - last.lastActiveAt >= p.silenceMs ? { kind: "replied", how: "went-quiet" } : undefined;
        }
        return heard ? { kind: "replied", how: "spoke" } : undefined;
      case "joined":
        if (videoStarted) return { kind: "joined", by: "video" };
        if (u && quietMs < p.silenceMs && audioNow - u.startedAt >= MEETING_AUDIO_MS) return { kind: "joined", by: "audio" };
        return heard && quietMs >= p.silenceMs + REPROMPT_EXTRA_QUIET_MS ? { kind: "reprompt", speechMs: u.activeMs } : undefined;
    }
  }

  private failure(p: Pending): [IvrFailure, string] {
    const u = this.current && this.current.id !== p.baseline ? this.current : undefined;
    const heard = u !== undefined && u.activeMs >= MIN_SPEECH_MS;
    switch (p.wait.kind) {
      case "prompt":
        return heard ? ["prompt-not-ended", "the far end kept sounding, its prompt did not end"] : ["no-prompt", "no prompt heard (the far end stayed quiet)"];
      case "reply":
        return ["no-reply", p.speakingAtStart ? "the far end did not stop speaking" : "the far end did not react to the keys"];
      case "joined":
        return ["not-joined", heard ? "no meeting media (no video, no lasting audio) after the far end spoke" : "no meeting media and no answer from the far end"];
    }
  }

  private finish(settle: (p: Pending) => void): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    this.keysAt = undefined;
    this.clock.clearInterval(p.timer);
    settle(p);
  }

  cancel(error: Error): void {
    this.finish((p) => p.reject(error));
  }

  /** Stops listening: a pending wait rejects. Idempotent. */
  close(error: Error): void {
    this.closed = true;
    this.cancel(error);
  }
}
