import { AudioSender, type AudioSenderJson } from "../rtp/audio-sender";
import type { Clock } from "../rtp/clock";
import type { RtpChannel } from "../rtp/rtp-channel";
import { silenceFrame } from "../rtp/silence-frame";
import type { NegotiatedStream } from "../sdp";
import { InvalidStateError } from "../errors";
import { telephoneEventFrames } from "../dtmf/telephone-event";

/** RFC 4733 §2.3.4: the power level of a key press, in −dBm0. */
const EVENT_VOLUME = 10;
const PTIME_MS = 20;

/** Whether the peer's SDP lets us send audio: not when it is sendonly/inactive or its address is 0.0.0.0 (RFC 3264 §8.4). */
export function mayTalkTo(stream: NegotiatedStream): boolean {
  return stream.remoteDirection !== "sendonly" && stream.remoteDirection !== "inactive" && stream.remoteAddress !== "0.0.0.0";
}

/**
 * The audio a call sends to the peer: an {@link AudioSender} on the call's audio channel, kept in
 * line with the negotiated SDP (codec, hold), and RFC 4733 keys played into it.
 *
 * @remarks Silence is sent for PCMU, PCMA, G722 and opus (see silence-frame.ts); for another codec
 * only the events are sent. A renegotiation that changes the codec or payload type starts a new
 * sender (a new sequence and timestamp line on the same SSRC).
 */
export class OutgoingAudio {
  private sender: AudioSender | undefined;
  private stream: NegotiatedStream | undefined;
  private closed = false;

  constructor(
    private readonly channel: RtpChannel,
    private readonly clock?: Clock,
  ) {}

  /** Starts or adjusts the stream to the negotiated audio (call it after every offer/answer). */
  update(stream: NegotiatedStream | undefined): void {
    if (this.closed) return;
    if (stream === undefined) {
      this.sender?.close();
      this.sender = undefined;
      this.stream = undefined;
      return;
    }
    const previous = this.stream;
    this.stream = stream;
    if (!this.sender || previous?.payloadType !== stream.payloadType || previous.codec !== stream.codec || previous.clockRate !== stream.clockRate) {
      this.sender?.close();
      this.sender = new AudioSender({
        sink: this.channel,
        ssrc: this.channel.localSsrc,
        payloadType: stream.payloadType,
        clockRate: stream.clockRate,
        silence: silenceFrame(stream.codec, PTIME_MS),
        ptimeMs: PTIME_MS,
        clock: this.clock,
      });
      // Muted before the first packet: an answer that holds must not get even one.
      this.sender.setMuted(!mayTalkTo(stream));
      this.sender.start();
    }
    this.sender.setMuted(!mayTalkTo(stream));
  }

  /**
   * Plays one key as RFC 4733 events on the negotiated telephone-event payload type.
   * @throws (rejects) InvalidStateError when there is no audio stream, the peer did not accept
   * telephone-event, or the stream is muted (hold).
   */
  playKey(code: number, durationMs: number): Promise<void> {
    const sender = this.sender;
    const event = this.stream?.telephoneEvent;
    if (!sender || this.closed) return Promise.reject(new InvalidStateError("no audio stream to send RFC 4733 DTMF on"));
    if (!event) return Promise.reject(new InvalidStateError("the peer did not accept telephone-event: send DTMF as INFO"));
    const units = (ms: number): number => Math.max(1, Math.round((ms * event.clockRate) / 1000));
    const frames = telephoneEventFrames(code, units(durationMs), units(PTIME_MS), EVENT_VOLUME);
    return sender.playEvent({ payloadType: event.payloadType, frames });
  }

  toJSON(): AudioSenderJson | undefined {
    return this.sender?.toJSON();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sender?.close();
    this.sender = undefined;
  }
}
