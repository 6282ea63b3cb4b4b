import { randomBytes } from "node:crypto";
import { RtpHeader, RtpPacket } from "werift-rtp";
import { ConfigError, InvalidStateError } from "../errors";
import { systemClock, type Clock, type TimerHandle } from "./clock";

/** Where the packets go: an {@link RtpChannel} (its `sendRtp`) in the engine, a recorder in tests. */
export interface RtpSink {
  /** Returns false when the packet could not be sent (no destination yet, closed). */
  sendRtp(buf: Buffer): boolean;
}

/** Options of {@link AudioSender}. */
export interface AudioSenderOptions {
  sink: RtpSink;
  /** Our SSRC (the RTP channel's, so that RTCP and RTP agree). */
  ssrc: number;
  /** The negotiated audio payload type (the answer's number). */
  payloadType: number;
  /** RTP clock rate of the audio codec (8000 for G.711/G.722, 48000 for opus). */
  clockRate: number;
  /** The payload of one packet of silence; undefined sends no audio (RFC 4733 events still go out). */
  silence: Buffer | undefined;
  /** Packet interval, default 20 ms. */
  ptimeMs?: number;
  clock?: Clock;
  /** Random by default (RFC 3550 §5.1). */
  initialSequence?: number;
  initialTimestamp?: number;
}

/** One RFC 4733 event to play on the audio stream. */
export interface AudioEvent {
  /** The negotiated telephone-event payload type. */
  payloadType: number;
  /** The payloads to send, one per packet interval (see `telephoneEventFrames`). */
  frames: ReadonlyArray<{ marker: boolean; payload: Buffer }>;
}

/** Snapshot of an {@link AudioSender}. */
export interface AudioSenderJson {
  ssrc: number;
  payloadType: number;
  running: boolean;
  muted: boolean;
  audioPacketsSent: number;
  eventPacketsSent: number;
  eventsSent: number;
  /** Intervals skipped because the event loop was late by more than {@link MAX_CATCH_UP} packets. */
  slotsSkipped: number;
  /** Packets the sink refused (no destination yet). */
  notSent: number;
}

interface ActiveEvent {
  event: AudioEvent;
  next: number;
  timestamp: number;
  done: () => void;
  fail: (error: Error) => void;
}

/** A late timer sends at most this many packets at once; beyond, the timeline jumps ahead. */
export const MAX_CATCH_UP = 5;

/**
 * Sends a continuous audio stream to the peer: one packet per interval on one SSRC, sequence
 * and timestamp line, silence unless an RFC 4733 event is playing.
 *
 * @remarks
 * Many IVRs (and baresip: fed event packets alone it reported START late and never END) detect RFC 4733 events reliably only within a live stream, so
 * events replace the silence packets while they play, keeping the same SSRC and sequence; their
 * packets all carry the timestamp of the interval the event began in (RFC 4733 §2.5.1.1), and the
 * audio that follows carries the timestamp of its own interval, so the timeline stays true to the
 * wall clock. The schedule follows the clock, not the count of timer callbacks: a late timer sends
 * the packets that were due (at most {@link MAX_CATCH_UP}), so setInterval drift does not slow the
 * stream. `muted` (the peer put us on hold) stops the packets but not the timeline.
 */
export class AudioSender {
  private readonly clock: Clock;
  private readonly ptimeMs: number;
  private readonly samplesPerPacket: number;
  private sequence: number;
  private timestamp: number;
  private timer: TimerHandle | undefined;
  private startedAt = 0;
  private slotsDone = 0;
  private firstAudio = true;
  private readonly queue: ActiveEvent[] = [];
  private active: ActiveEvent | undefined;
  private _muted = false;
  private closed = false;
  private readonly counters = { audioPacketsSent: 0, eventPacketsSent: 0, eventsSent: 0, slotsSkipped: 0, notSent: 0 };

  constructor(private readonly o: AudioSenderOptions) {
    this.ptimeMs = o.ptimeMs ?? 20;
    if (!(this.ptimeMs >= 10 && this.ptimeMs <= 120)) throw new ConfigError(`AudioSender: ptimeMs ${this.ptimeMs} out of 10–120`);
    this.samplesPerPacket = Math.round((o.clockRate * this.ptimeMs) / 1000);
    if (!(this.samplesPerPacket > 0)) throw new ConfigError(`AudioSender: bad clockRate ${o.clockRate}`);
    this.clock = o.clock ?? systemClock;
    this.sequence = (o.initialSequence ?? randomBytes(2).readUInt16BE(0)) & 0xffff;
    this.timestamp = (o.initialTimestamp ?? randomBytes(4).readUInt32BE(0)) >>> 0;
  }

  /** Starts the stream; the first packet goes out at once. Idempotent. */
  start(): void {
    if (this.closed) throw new InvalidStateError("AudioSender is closed");
    if (this.timer !== undefined) return;
    this.startedAt = this.clock.now();
    this.slotsDone = 0;
    this.timer = this.clock.setInterval(() => this.tick(), this.ptimeMs);
    this.tick();
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  /** True while no packet may be sent (the peer's SDP is sendonly/inactive, or its address is 0.0.0.0). */
  get muted(): boolean {
    return this._muted;
  }

  /** Mutes or unmutes. Muting fails the event playing and those queued (they cannot be heard). */
  setMuted(muted: boolean): void {
    if (this._muted === muted) return;
    this._muted = muted;
    if (muted) this.failEvents(new InvalidStateError("audio to the peer stopped (call on hold)"));
  }

  /**
   * Plays an event instead of silence, after the events queued before it. Resolves once its last
   * packet has been sent.
   * @throws (rejects) InvalidStateError when closed, not started, muted, or muted/closed before it ended.
   */
  playEvent(event: AudioEvent): Promise<void> {
    if (this.closed) return Promise.reject(new InvalidStateError("AudioSender is closed"));
    if (this.timer === undefined) return Promise.reject(new InvalidStateError("AudioSender is not started"));
    if (this._muted) return Promise.reject(new InvalidStateError("audio to the peer is stopped (call on hold)"));
    if (event.frames.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.queue.push({ event, next: 0, timestamp: 0, done: resolve, fail: reject });
    });
  }

  private tick(): void {
    if (this.closed) return;
    const due = Math.floor((this.clock.now() - this.startedAt) / this.ptimeMs) + 1 - this.slotsDone;
    if (due <= 0) return;
    if (due > MAX_CATCH_UP) {
      // The process stalled: jump the timeline to now instead of sending a burst the peer would drop.
      const skipped = due - MAX_CATCH_UP;
      this.counters.slotsSkipped += skipped;
      this.slotsDone += skipped;
      this.timestamp = (this.timestamp + skipped * this.samplesPerPacket) >>> 0;
    }
    for (let i = Math.min(due, MAX_CATCH_UP); i > 0; i--) this.slot();
  }

  /** One packet interval: the next event packet, or silence, then the timeline moves on. */
  private slot(): void {
    if (!this._muted) {
      if (this.active === undefined && this.queue.length > 0) {
        this.active = this.queue.shift();
        if (this.active) this.active.timestamp = this.timestamp;
      }
      const active = this.active;
      if (active !== undefined) {
        const frame = active.event.frames[active.next++];
        this.send(active.event.payloadType, frame.marker, active.timestamp, frame.payload, "event");
        if (active.next >= active.event.frames.length) {
          this.active = undefined;
          this.counters.eventsSent++;
          active.done();
        }
      } else if (this.o.silence !== undefined) {
        this.send(this.o.payloadType, this.firstAudio, this.timestamp, this.o.silence, "audio");
        this.firstAudio = false;
      }
    }
    this.slotsDone++;
    this.timestamp = (this.timestamp + this.samplesPerPacket) >>> 0;
  }

  private send(payloadType: number, marker: boolean, timestamp: number, payload: Buffer, what: "audio" | "event"): void {
    const header = new RtpHeader({ payloadType, marker, sequenceNumber: this.sequence, timestamp, ssrc: this.o.ssrc });
    this.sequence = (this.sequence + 1) & 0xffff;
    if (!this.o.sink.sendRtp(new RtpPacket(header, payload).serialize())) this.counters.notSent++;
    else if (what === "audio") this.counters.audioPacketsSent++;
    else this.counters.eventPacketsSent++;
  }

  private failEvents(error: Error): void {
    const pending = [...(this.active ? [this.active] : []), ...this.queue];
    this.active = undefined;
    this.queue.length = 0;
    for (const e of pending) e.fail(error);
  }

  toJSON(): AudioSenderJson {
    return { ssrc: this.o.ssrc, payloadType: this.o.payloadType, running: this.running, muted: this._muted, ...this.counters };
  }

  /** Stops the timer; events not yet played reject with InvalidStateError. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== undefined) this.clock.clearInterval(this.timer);
    this.timer = undefined;
    this.failEvents(new InvalidStateError("AudioSender closed"));
  }
}
