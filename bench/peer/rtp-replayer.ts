import { randomBytes } from "node:crypto";
import type * as dgram from "node:dgram";
import { buildStampNal } from "../common/frame-stamp";
import { monoMs } from "../common/mono-clock";
import type { RecordedTrack, Recording } from "../recording/recording-format";

/** Where one stream's media goes. */
export interface StreamTarget {
  address: string;
  audio?: { port: number; rtcpPort: number; payloadType: number };
  video?: { port: number; rtcpPort: number; payloadType: number };
}

/** The replay sockets: RTP and RTCP per medium, shared by every stream (the engine tells calls apart by its own ports). */
export interface ReplaySockets {
  audioRtp: dgram.Socket;
  audioRtcp: dgram.Socket;
  videoRtp: dgram.Socket;
  videoRtcp: dgram.Socket;
}

/** Counters of one stream. */
export interface StreamCounters {
  videoFrames: number;
  audioPackets: number;
  keyframes: number;
  keyframeRequests: number;
  startedAt: number;
}

interface TrackState {
  track: RecordedTrack;
  dest: { port: number; rtcpPort: number; payloadType: number };
  ssrc: number;
  seq: number;
  /** Segment: the recording plays from frame 0 at segStartMs with RTP timestamp segStartTs. */
  segStartMs: number;
  segStartTs: number;
  index: number;
  packets: number;
  octets: number;
  nextSrMs: number;
}

interface Stream {
  name: string;
  address: string;
  stamp: boolean;
  video?: TrackState;
  audio?: TrackState;
  counters: StreamCounters;
  keyframeWanted: boolean;
  lastKeyframeMs: number;
}

const TICK_MS = 2;
const SR_INTERVAL_MS = 5000;
/** A PLI within this long after a keyframe is not answered again (encoders rate-limit too). */
const KEYFRAME_MIN_GAP_MS = 300;
/** Further behind than this, a stream skips ahead instead of bursting (the peer was starved). */
const MAX_LAG_MS = 1000;
const NTP_EPOCH_OFFSET_S = 2208988800;

/**
 * Replays the recording to many destinations from one timer: every stream gets its own SSRC,
 * sequence numbers and timestamps (rewritten per packet), loops the recording without a
 * timestamp jump, sends an RTCP SR every 5 s, and answers PLI/FIR by restarting from the
 * recording's keyframe (frame 0). With `stamp`, each video frame is preceded by a SEI NAL
 * unit carrying its counter and send time (common/frame-stamp).
 */
export class RtpReplayer {
  readonly #rec: Recording;
  readonly #sockets: ReplaySockets;
  readonly #streams = new Map<string, Stream>();
  readonly #bySsrc = new Map<number, Stream>();
  readonly #bySource = new Map<string, Stream>();
  readonly #timer: NodeJS.Timeout;
  readonly stats = { ticks: 0, maxLagMs: 0, skips: 0, sendErrors: 0, rtcpReceived: 0, keyframeRequests: 0 };

  constructor(recording: Recording, sockets: ReplaySockets) {
    this.#rec = recording;
    this.#sockets = sockets;
    sockets.videoRtcp.on("message", (data, rinfo) => this.#onRtcp(data, rinfo));
    sockets.audioRtcp.on("message", () => this.stats.rtcpReceived++);
    for (const s of [sockets.audioRtp, sockets.videoRtp]) s.on("message", () => undefined);
    this.#timer = setInterval(() => this.#tick(), TICK_MS);
  }

  get size(): number {
    return this.#streams.size;
  }

  /** Starts a stream (replacing one of the same name). The first video frame is the keyframe. */
  add(name: string, target: StreamTarget, stamp: boolean): void {
    this.remove(name);
    const now = monoMs();
    const track = (t: RecordedTrack, dest: StreamTarget["audio"]): TrackState | undefined => {
      if (!dest) return undefined;
      const rnd = randomBytes(8);
      return { track: t, dest, ssrc: rnd.readUInt32BE(0), seq: rnd.readUInt16BE(4), segStartMs: now, segStartTs: rnd.readUInt32BE(4) >>> 1, index: 0, packets: 0, octets: 0, nextSrMs: now + 500 };
    };
    const stream: Stream = {
      name,
      address: target.address,
      stamp,
      video: track(this.#rec.video, target.video),
      audio: track(this.#rec.audio, target.audio),
      counters: { videoFrames: 0, audioPackets: 0, keyframes: 0, keyframeRequests: 0, startedAt: now },
      keyframeWanted: false,
      lastKeyframeMs: -Infinity,
    };
    this.#streams.set(name, stream);
    if (stream.video) {
      this.#bySsrc.set(stream.video.ssrc, stream);
      this.#bySource.set(`${target.address}:${stream.video.dest.rtcpPort}`, stream);
    }
  }

  remove(name: string): void {
    const s = this.#streams.get(name);
    if (!s) return;
    this.#streams.delete(name);
    if (s.video) {
      this.#bySsrc.delete(s.video.ssrc);
      this.#bySource.delete(`${s.address}:${s.video.dest.rtcpPort}`);
    }
  }

  removeAll(): void {
    for (const name of [...this.#streams.keys()]) this.remove(name);
  }

  /** Zeroes the lag figures. */
  resetStats(): void {
    this.stats.maxLagMs = 0;
    this.stats.skips = 0;
    this.stats.sendErrors = 0;
  }

  /** Counters of every live stream. */
  snapshot(): Record<string, StreamCounters> {
    return Object.fromEntries([...this.#streams].map(([n, s]) => [n, { ...s.counters }]));
  }

  close(): void {
    clearInterval(this.#timer);
    this.#streams.clear();
    this.#bySsrc.clear();
    this.#bySource.clear();
  }

  #tick(): void {
    this.stats.ticks++;
    const now = monoMs();
    for (const s of this.#streams.values()) {
      if (s.video) this.#pump(s, s.video, now, true);
      if (s.audio) this.#pump(s, s.audio, now, false);
    }
  }

  #dueMs(t: TrackState): number {
    return t.segStartMs + ((t.track.frames[t.index]?.tsOffset ?? 0) * 1000) / t.track.clockRate;
  }

  #pump(s: Stream, t: TrackState, now: number, video: boolean): void {
    let due = this.#dueMs(t);
    const lag = now - due;
    if (lag > this.stats.maxLagMs) this.stats.maxLagMs = lag;
    if (lag > MAX_LAG_MS) {
      // Starved: restart the segment now rather than flood the receiver with a second of media.
      this.stats.skips++;
      this.#newSegment(t, now);
      due = now;
    }
    while (due <= now) {
      if (video && s.keyframeWanted) {
        if (t.index !== 0 && now - s.lastKeyframeMs > KEYFRAME_MIN_GAP_MS) this.#newSegment(t, due);
        s.keyframeWanted = false;
      }
      const frame = t.track.frames[t.index];
      if (!frame) break;
      const ts = (t.segStartTs + frame.tsOffset) >>> 0;
      if (video) {
        if (frame.keyframe) {
          s.counters.keyframes++;
          s.lastKeyframeMs = now;
        }
        if (s.stamp) this.#send(s, t, buildStampNal({ counter: s.counters.videoFrames, frameIndex: t.index, sentUs: monoMs() * 1000 }), ts, false, true);
        s.counters.videoFrames++;
      } else {
        s.counters.audioPackets++;
      }
      for (const p of frame.packets) this.#send(s, t, p.payload, ts, p.marker, video);
      t.index++;
      if (t.index >= t.track.frames.length) this.#newSegment(t, t.segStartMs + (t.track.loopTs * 1000) / t.track.clockRate, t.segStartTs + t.track.loopTs);
      due = this.#dueMs(t);
    }
    if (now >= t.nextSrMs) {
      t.nextSrMs = now + SR_INTERVAL_MS;
      this.#sendSr(s, t, now, video);
    }
  }

  /** Starts the recording over at frame 0, at `atMs`, continuing the RTP timestamp line. */
  #newSegment(t: TrackState, atMs: number, atTs?: number): void {
    const ts = atTs ?? t.segStartTs + Math.round(((atMs - t.segStartMs) * t.track.clockRate) / 1000);
    t.segStartMs = atMs;
    t.segStartTs = ts >>> 0;
    t.index = 0;
  }

  #send(s: Stream, t: TrackState, payload: Buffer, ts: number, marker: boolean, video: boolean): void {
    const head = Buffer.allocUnsafe(12);
    head[0] = 0x80;
    head[1] = (marker ? 0x80 : 0) | t.dest.payloadType;
    head.writeUInt16BE(t.seq, 2);
    head.writeUInt32BE(ts, 4);
    head.writeUInt32BE(t.ssrc, 8);
    t.seq = (t.seq + 1) & 0xffff;
    t.packets++;
    t.octets += payload.length;
    (video ? this.#sockets.videoRtp : this.#sockets.audioRtp).send([head, payload], t.dest.port, s.address, (err) => {
      if (err) this.stats.sendErrors++;
    });
  }

  #sendSr(s: Stream, t: TrackState, now: number, video: boolean): void {
    const sr = Buffer.alloc(28);
    sr[0] = 0x80;
    sr[1] = 200;
    sr.writeUInt16BE(6, 2);
    sr.writeUInt32BE(t.ssrc, 4);
    const wall = Date.now() / 1000 + NTP_EPOCH_OFFSET_S;
    sr.writeUInt32BE(Math.floor(wall) >>> 0, 8);
    sr.writeUInt32BE(Math.floor((wall % 1) * 2 ** 32) >>> 0, 12);
    sr.writeUInt32BE((t.segStartTs + Math.round(((now - t.segStartMs) * t.track.clockRate) / 1000)) >>> 0, 16);
    sr.writeUInt32BE(t.packets >>> 0, 20);
    sr.writeUInt32BE(t.octets >>> 0, 24);
    (video ? this.#sockets.videoRtcp : this.#sockets.audioRtcp).send(sr, t.dest.rtcpPort, s.address, (err) => {
      if (err) this.stats.sendErrors++;
    });
  }

  /** PLI (PT 206 FMT 1) or FIR (FMT 4) for one of our video SSRCs: the next frame is a keyframe. */
  #onRtcp(data: Buffer, from: dgram.RemoteInfo): void {
    this.stats.rtcpReceived++;
    let offset = 0;
    while (offset + 12 <= data.length) {
      const fmt = (data[offset] as number) & 0x1f;
      const pt = data[offset + 1];
      const length = (data.readUInt16BE(offset + 2) + 1) * 4;
      if (pt === 206 && (fmt === 1 || fmt === 4)) {
        const ssrc = fmt === 1 ? data.readUInt32BE(offset + 8) : offset + 16 <= data.length ? data.readUInt32BE(offset + 12) : 0;
        // The engine's first request may name media SSRC 0 (sent before our first RTP was
        // processed): fall back to the sender's address, the call's own RTCP socket.
        const s = this.#bySsrc.get(ssrc) ?? this.#bySource.get(`${from.address}:${from.port}`);
        if (s) {
          s.keyframeWanted = true;
          s.counters.keyframeRequests++;
          this.stats.keyframeRequests++;
        }
      }
      offset += length;
    }
  }
}
