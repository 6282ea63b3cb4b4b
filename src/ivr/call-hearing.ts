import type { RtpPacket } from "werift-rtp";
import { IvrWaitError } from "../dtmf/ivr-wait";
import { InvalidStateError } from "../errors";
import type { RtpChannel } from "../rtp/rtp-channel";
import type { NegotiatedStream } from "../sdp";
import type { Logger } from "../util/logger";
import { MediaIvrListener } from "./ivr-listener";
import { opusPacketSamples } from "./ogg-opus-writer";
import { receivedAudioDecoder, type ReceivedAudioDecoder } from "./received-audio-decoder";
import { VoiceActivity } from "./voice-activity";

/** What {@link openCallHearing} needs from the call. */
export interface CallHearingOptions {
  audioChannel: RtpChannel | undefined;
  videoChannel: RtpChannel | undefined;
  /** The negotiated audio stream (its codec and payload type); undefined: nothing to hear. */
  audio: NegotiatedStream | undefined;
  /** ffmpeg for G.722 and opus; undefined when there is none. */
  ffmpegPath: string | undefined;
  logger: Logger;
}

/**
 * The call's ears while a DTMF plan with `{…}` waits runs: the received audio of the negotiated
 * codec (RFC 4733 packets and other payload types are skipped) decoded to PCM, judged frame by frame
 * for voice, and the received video's packets, all fed to a {@link MediaIvrListener}.
 */
export class CallHearing {
  readonly listener = new MediaIvrListener();
  private readonly detach: Array<() => void> = [];
  private closed = false;

  private constructor(private readonly decoder: ReceivedAudioDecoder) {}

  static open(o: CallHearingOptions): CallHearing | undefined {
    const audio = o.audio;
    const channel = o.audioChannel;
    if (!audio || !channel) return undefined;
    let hearing: CallHearing | undefined;
    const vad = new VoiceActivity((_level, active) => hearing?.listener.audioFrame(active));
    const decoder = receivedAudioDecoder(audio.codec, (samples, rate) => vad.push(samples, rate), {
      ffmpegPath: o.ffmpegPath,
      logger: o.logger,
      onFailure: (reason) => hearing?.listener.close(new IvrWaitError(`dtmf: cannot listen to the call: its audio decoder (ffmpeg) stopped: ${reason}`, "no-audio")),
    });
    if (!decoder) {
      o.logger.log("warn", "ivr", `cannot listen to ${audio.codec} audio${o.ffmpegPath ? "" : " without ffmpeg"}`);
      return undefined;
    }
    hearing = new CallHearing(decoder);
    const durationOf = packetDuration(audio.codec);
    const onAudio = (packet: RtpPacket): void => {
      if (packet.header.payloadType !== audio.payloadType) return;
      hearing?.listener.audioPacket(durationOf(packet.payload));
      decoder.push(packet.payload);
    };
    channel.on("rtp", onAudio);
    hearing.detach.push(() => channel.off("rtp", onAudio));
    const video = o.videoChannel;
    if (video) {
      const onVideo = (): void => hearing?.listener.videoPacket();
      video.on("rtp", onVideo);
      hearing.detach.push(() => video.off("rtp", onVideo));
    }
    o.logger.log("debug", "ivr", `listening to ${audio.codec} audio (${decoder.method})`);
    return hearing;
  }

  /** Stops listening (a pending wait rejects) and the decoder. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const d of this.detach) d();
    this.listener.close(new InvalidStateError("DTMF sender closed before the digits were sent"));
    this.decoder.close();
  }

  /** Resolves when the decoder's ffmpeg (if any) has exited. */
  whenClosed(): Promise<void> {
    return this.decoder.whenClosed();
  }
}

/** Milliseconds of sound in one payload: G.711 and G.722 carry 8 bytes per ms (RFC 3551), opus says so in its TOC byte. */
function packetDuration(codec: string): (payload: Buffer) => number {
  return codec.toUpperCase() === "OPUS" ? (p) => opusPacketSamples(p) / 48 : (p) => p.length / 8;
}
