import { AudioSender, type AudioSenderJson, type RtpSink } from "../rtp/audio-sender";
import type { Clock } from "../rtp/clock";
import type { RtpChannel } from "../rtp/rtp-channel";
import { silenceFrame } from "../rtp/silence-frame";
import type { NegotiatedStream } from "../sdp";
import { InvalidStateError } from "../errors";
import { telephoneEventFrames } from "../dtmf/telephone-event";
import { codecLevelGain } from "../media/codec-level";
import { AUDIO_FILE_CODECS, audioFileFormat } from "../media/audio-file-format";
import { AudioFilePlayer, type AudioFilePlayerJson } from "../media/audio-file-player";
import type { SpawnChild } from "../media/audio-file-decoder";
import type { Logger } from "../util/logger";

/** RFC 4733 §2.3.4: the power level of a key press, in −dBm0. */
const EVENT_VOLUME = 10;
const PTIME_MS = 20;

/** Whether the peer's SDP lets us send audio: not when it is sendonly/inactive or its address is 0.0.0.0 (RFC 3264 §8.4). */
export function mayTalkTo(stream: NegotiatedStream): boolean {
  return stream.remoteDirection !== "sendonly" && stream.remoteDirection !== "inactive" && stream.remoteAddress !== "0.0.0.0";
}

/** Options of {@link OutgoingAudio}. */
export interface OutgoingAudioOptions {
  /** Starts ffmpeg for {@link OutgoingAudio.playFile} (tests pass a fake). */
  spawn?: SpawnChild;
  logger?: Logger;
}

/** How {@link OutgoingAudio.playFile} plays a file. */
export interface PlayFileOptions {
  ffmpegPath: string;
  /** Repeat until stopFile() (default false). */
  loop?: boolean;
  /** For ffmpeg's command line and stderr (debug) and a failure (warn); default the constructor's. */
  logger?: Logger;
  /** The product that answered the call (its User-Agent): some speak G.722 6 dB high (codec-level.ts). */
  peerAgent?: string;
}

/** Snapshot of an {@link OutgoingAudio}: its sender, and the file played last, if any. */
export type OutgoingAudioJson = AudioSenderJson & { file?: AudioFilePlayerJson };

/**
 * The audio a call sends to the peer: an {@link AudioSender} on the call's audio channel, kept in
 * line with the negotiated SDP (codec, hold), and RFC 4733 keys played into it.
 *
 * @remarks Silence is sent for PCMU, PCMA, G722 and opus (see silence-frame.ts); for another codec
 * only the events are sent. A renegotiation that changes the codec or payload type starts a new
 * sender (a new sequence and timestamp line on the same SSRC).
 *
 * An audio file (playFile) replaces the silence: each silence packet the sender's clock emits gets
 * the file's next frame as payload instead. Hence the file follows the sender's pace, RFC 4733
 * events still win their intervals, and on hold (muted, no packets) the file pauses and goes on
 * where it stopped on resume, while the RTP timeline runs on. The sender lives in src/rtp and only
 * knows a fixed silence payload, so the swap happens here, in the sink it writes to.
 */
export class OutgoingAudio {
  private sender: AudioSender | undefined;
  private stream: NegotiatedStream | undefined;
  private closed = false;
  private player: AudioFilePlayer | undefined;
  private lastPlayer: AudioFilePlayer | undefined;
  private readonly playerExits = new Set<Promise<void>>();
  /** Where the sender writes: the channel, with the file's frame swapped in for silence. */
  private readonly sink: RtpSink = { sendRtp: (packet) => this.channel.sendRtp(this.withFileAudio(packet)) };

  constructor(
    private readonly channel: RtpChannel,
    private readonly clock?: Clock,
    private readonly options: OutgoingAudioOptions = {},
  ) {}

  /** Starts or adjusts the stream to the negotiated audio (call it after every offer/answer). */
  update(stream: NegotiatedStream | undefined): void {
    if (this.closed) return;
    if (stream === undefined) {
      this.endFile(new InvalidStateError("the call's audio stream was removed while a file played"));
      this.sender?.close();
      this.sender = undefined;
      this.stream = undefined;
      return;
    }
    const previous = this.stream;
    this.stream = stream;
    if (previous !== undefined && (previous.codec !== stream.codec || previous.clockRate !== stream.clockRate)) {
      this.endFile(new InvalidStateError(`the audio codec changed to ${stream.codec} while a file played`));
    }
    if (!this.sender || previous?.payloadType !== stream.payloadType || previous.codec !== stream.codec || previous.clockRate !== stream.clockRate) {
      this.sender?.close();
      this.sender = new AudioSender({
        sink: this.sink,
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

  /**
   * Plays an audio file instead of the silence, replacing (and resolving) one already playing.
   * Resolves when the file has played to its end or was stopped (stopFile, or another playFile).
   * @throws (rejects) InvalidStateError when there is no audio stream, its codec cannot carry a file,
   * or the stream ends (call closed, codec changed) first; MediaError when ffmpeg cannot read the file.
   */
  playFile(file: string, o: PlayFileOptions): Promise<void> {
    const stream = this.stream;
    if (this.closed || !stream || !this.sender) return Promise.reject(new InvalidStateError("no audio stream to play a file into"));
    const gainDb = codecLevelGain(stream.codec, o.peerAgent).sendDb;
    const format = silenceFrame(stream.codec, PTIME_MS) ? audioFileFormat(stream.codec, PTIME_MS, gainDb) : undefined;
    if (!format) return Promise.reject(new InvalidStateError(`cannot play a file into a ${stream.codec} stream: only ${AUDIO_FILE_CODECS}`));
    this.stopFile();
    const player = new AudioFilePlayer({ ffmpegPath: o.ffmpegPath, file, format, loop: o.loop ?? false, logger: o.logger ?? this.options.logger, spawn: this.options.spawn });
    this.player = this.lastPlayer = player;
    const exited = player.whenExited();
    this.playerExits.add(exited);
    void exited.then(() => this.playerExits.delete(exited));
    const forget = (): void => {
      if (this.player === player) this.player = undefined;
    };
    player.done.then(forget, forget);
    return player.done;
  }

  /** Stops the file playing, if any (its playFile resolves); silence follows. */
  stopFile(): void {
    const player = this.player;
    this.player = undefined;
    player?.stop();
  }

  /** True while a file is playing (also while it waits for ffmpeg, or on hold). */
  get playingFile(): boolean {
    return this.player !== undefined;
  }

  /** Resolves when every ffmpeg started by playFile has exited. */
  whenFilesExited(): Promise<void> {
    return Promise.all([...this.playerExits]).then(() => undefined);
  }

  private endFile(error: Error): void {
    const player = this.player;
    this.player = undefined;
    player?.fail(error);
  }

  /** An audio packet leaving the sender gets the file's next frame, if one is ready; events pass untouched. */
  private withFileAudio(packet: Buffer): Buffer {
    const player = this.player;
    if (!player || !this.stream || (packet[1] & 0x7f) !== this.stream.payloadType) return packet;
    const frame = player.nextFrame();
    if (player.settled && this.player === player) this.player = undefined;
    return frame === undefined ? packet : withPayload(packet, frame);
  }

  toJSON(): OutgoingAudioJson | undefined {
    const sender = this.sender?.toJSON();
    return sender && { ...sender, ...(this.lastPlayer ? { file: this.lastPlayer.toJSON() } : {}) };
  }

  /** Stops the sender and any file (its playFile rejects with InvalidStateError). Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.endFile(new InvalidStateError("the call ended before the audio file finished"));
    this.sender?.close();
    this.sender = undefined;
  }
}

/** `packet` (an RTP packet as AudioSender writes it) with `payload` in place of its own. */
function withPayload(packet: Buffer, payload: Buffer): Buffer {
  let headerBytes = 12 + 4 * (packet[0] & 0x0f);
  if (packet[0] & 0x10) headerBytes += 4 + 4 * packet.readUInt16BE(headerBytes + 2);
  const out = Buffer.concat([packet.subarray(0, headerBytes), payload]);
  out[0] &= ~0x20; // no padding: the new payload is not padded
  return out;
}
