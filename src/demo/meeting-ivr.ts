import type * as dgram from "node:dgram";
import { RtpPacket } from "werift-rtp";
import { AudioSender } from "../rtp/audio-sender";
import { silenceFrame } from "../rtp/silence-frame";
import type { NegotiatedStream } from "../sdp";
import type { Logger } from "../util/logger";
import type { IvrClip, IvrPromptName, IvrPrompts } from "./ivr-prompts";
import type { MeetingIvrOptions } from "./meeting-ivr-options";

/** What the test meeting's IVR reports, for tests and the demo (keys entered are never reported: they may be a PIN). */
export type MeetingIvrEvent = { callId: string; atMs: number } & MeetingIvrHappening;

/** One thing the IVR did. */
export type MeetingIvrHappening =
  | { kind: "prompt-started"; prompt: IvrPromptName }
  | { kind: "prompt-ended"; prompt: IvrPromptName }
  /** The first key after a prompt ended, `sincePromptEndMs` after its last sound. */
  | { kind: "first-key"; prompt: IvrPromptName; sincePromptEndMs: number }
  /** Keys pressed while the IVR was talking or before it asked: dropped, as real bridges do. */
  | { kind: "key-ignored"; while: "speaking" | "before-first-prompt" }
  | { kind: "entry"; field: "meeting-id" | "passcode"; ok: boolean }
  | { kind: "joined" };

type State = "waiting" | "speaking" | "listening" | "joined" | "closed";

/** What {@link MeetingIvr} needs from its call. */
export interface MeetingIvrContext {
  callId: string;
  options: MeetingIvrOptions;
  firstPromptDelayMs: number;
  prompts: IvrPrompts;
  /** The call's audio RTP socket (its port is the one in the answer) and the caller's audio stream. */
  socket: dgram.Socket;
  stream: NegotiatedStream;
  logger: Logger;
  emit: (event: MeetingIvrEvent) => void;
  /** The right passcode was entered: the meeting's video starts. */
  onJoined: () => void;
}

/**
 * One call's IVR at the test meeting: silence for the first-prompt delay, then "enter your meeting
 * ID", the passcode if one is set, and the meeting (video from `onJoined`, a tone on the audio).
 *
 * @remarks It behaves like the bridges it stands for: keys pressed while it speaks or before its
 * first prompt are dropped; an entry ends with `#`; a wrong one is answered by a re-prompt; no key
 * for `repeatAfterMs` after a prompt makes it ask again. Its audio is one continuous RTP stream
 * (an {@link AudioSender}: silence, with the prompt's frames swapped in while it speaks), sent from
 * the call's advertised audio socket, so no ffmpeg runs before the join.
 */
export class MeetingIvr {
  private state: State = "waiting";
  private readonly sender: AudioSender;
  private clip: { frames: IvrClip; next: number; loop: boolean; done?: () => void } | undefined;
  private entry = "";
  private field: "meeting-id" | "passcode" = "meeting-id";
  private lastPrompt: IvrPromptName = "welcome";
  private promptEndedAt: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private codec: string;

  constructor(private readonly ctx: MeetingIvrContext) {
    const s = ctx.stream;
    this.codec = s.codec;
    const silence = silenceFrame(s.codec);
    this.sender = new AudioSender({
      sink: { sendRtp: (packet) => this.send(packet) },
      ssrc: (Math.random() * 0xffffffff) >>> 0,
      payloadType: s.payloadType,
      clockRate: s.clockRate,
      silence,
    });
  }

  /** Starts the stream (silence), and the first prompt after the delay. */
  start(): void {
    this.sender.start();
    // Make the clips while the caller waits for the first prompt.
    for (const p of ["welcome", "badMeetingId", "passcode", "badPasscode", "joining"] as const) void this.ctx.prompts.clip(p, this.codec).catch(() => undefined);
    void this.ctx.prompts.meetingTone(this.codec).catch(() => undefined);
    this.timer = setTimeout(() => void this.say("welcome"), this.ctx.firstPromptDelayMs);
  }

  private get ended(): boolean {
    return this.state === "closed" || this.state === "joined";
  }

  private send(packet: Buffer): boolean {
    const clip = this.clip;
    let out = packet;
    if (clip) {
      const rtp = RtpPacket.deSerialize(packet);
      rtp.payload = clip.frames[clip.next++];
      out = rtp.serialize();
      if (clip.next >= clip.frames.length) {
        if (clip.loop) clip.next = 0;
        else {
          this.clip = undefined;
          clip.done?.();
        }
      }
    }
    const s = this.ctx.stream;
    this.ctx.socket.send(out, s.remoteRtpPort, s.remoteAddress);
    return true;
  }

  private async say(prompt: IvrPromptName): Promise<void> {
    if (this.state === "closed" || this.state === "joined") return;
    clearTimeout(this.timer);
    let frames: IvrClip;
    try {
      frames = await this.ctx.prompts.clip(prompt, this.codec);
    } catch (error) {
      this.ctx.logger.log("error", "test-meeting", `call ${this.ctx.callId}: IVR prompt "${prompt}": ${(error as Error).message}`);
      return;
    }
    // The call may have closed while the clip was made.
    if (this.ended) return;
    this.state = "speaking";
    this.entry = "";
    this.lastPrompt = prompt;
    this.promptEndedAt = undefined;
    this.emit({ kind: "prompt-started", prompt });
    await new Promise<void>((resolve) => (this.clip = { frames, next: 0, loop: false, done: resolve }));
    // close() or nothing else can change the state while it speaks (keys are ignored then).
    if ((this.state as State) !== "speaking") return;
    this.state = "listening";
    this.promptEndedAt = performance.now();
    this.emit({ kind: "prompt-ended", prompt });
    this.timer = setTimeout(() => void this.say(prompt), this.ctx.options.repeatAfterMs ?? 10000);
  }

  /** A key the meeting heard from the caller. */
  key(digit: string): void {
    if (this.state === "waiting" || this.state === "speaking") {
      this.emit({ kind: "key-ignored", while: this.state === "waiting" ? "before-first-prompt" : "speaking" });
      return;
    }
    if (this.state !== "listening") return;
    if (this.promptEndedAt !== undefined) {
      this.emit({ kind: "first-key", prompt: this.lastPrompt, sincePromptEndMs: Math.round(performance.now() - this.promptEndedAt) });
      this.promptEndedAt = undefined;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.say(this.lastPrompt), this.ctx.options.repeatAfterMs ?? 10000);
    if (digit !== "#") {
      if (this.entry.length < 32) this.entry += digit;
      return;
    }
    const wanted = this.field === "meeting-id" ? this.ctx.options.meetingId : this.ctx.options.passcode;
    const ok = this.entry === wanted;
    this.emit({ kind: "entry", field: this.field, ok });
    if (!ok) return void this.say(this.field === "meeting-id" ? "badMeetingId" : "badPasscode");
    if (this.field === "meeting-id" && this.ctx.options.passcode !== undefined) {
      this.field = "passcode";
      return void this.say("passcode");
    }
    void this.join();
  }

  private async join(): Promise<void> {
    clearTimeout(this.timer);
    this.state = "joined";
    this.emit({ kind: "joined" });
    this.ctx.onJoined();
    try {
      const [joining, tone] = await Promise.all([this.ctx.prompts.clip("joining", this.codec), this.ctx.prompts.meetingTone(this.codec)]);
      if (this.state !== "joined") return;
      await new Promise<void>((resolve) => (this.clip = { frames: joining, next: 0, loop: false, done: resolve }));
      if (this.state === "joined") this.clip = { frames: tone, next: 0, loop: true };
    } catch (error) {
      this.ctx.logger.log("error", "test-meeting", `call ${this.ctx.callId}: IVR meeting audio: ${(error as Error).message}`);
    }
  }

  private emit(e: MeetingIvrHappening): void {
    this.ctx.logger.log("info", "test-meeting", `call ${this.ctx.callId}: IVR ${e.kind}${"prompt" in e ? ` ${String(e.prompt)}` : ""}`);
    this.ctx.emit({ callId: this.ctx.callId, atMs: performance.now(), ...e });
  }

  /** Stops the stream and the timers. Idempotent. */
  close(): void {
    if (this.state === "closed") return;
    this.state = "closed";
    clearTimeout(this.timer);
    this.sender.close();
    const done = this.clip?.done;
    this.clip = undefined;
    done?.();
  }
}
