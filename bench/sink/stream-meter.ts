import { parseStampNal } from "../common/frame-stamp";
import { forEachAvccNal, pictureBytesOfNal } from "../common/h264-nal";

/** What one published stream delivered, as kept by the sink. */
export interface StreamRecord {
  name: string;
  publishAt: number;
  /** CLOCK_MONOTONIC ms of the first video tag carrying a keyframe. */
  firstKeyframeAt?: number;
  closedAt?: number;
  /** Per stamped frame, in arrival order. */
  counters: number[];
  arrivals: number[];
  sent: number[];
  /** Counters of frames whose picture bytes differ from the recording's (a lost RTP packet inside). */
  damaged: number[];
  unstamped: number;
  keyframes: number;
  /** Video tags carrying a picture: FLV timestamp and arrival (timeline continuity). */
  videoTs: number[];
  videoArrivals: number[];
  /** Audio tags: FLV timestamp and arrival. */
  audioTs: number[];
  audioArrivals: number[];
  /** Duration of one AAC frame (1024 samples at the rate of the AudioSpecificConfig), ms. */
  aacFrameMs: number;
  bytes: number;
}

const AAC_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

/**
 * Reads FLV video and audio tags of one stream as they arrive at the sink: finds the frame
 * stamp (SEI) in each video tag, checks the picture bytes against the recording, and keeps
 * arrival times for latency, loss and gap figures.
 */
export class StreamMeter {
  readonly record: StreamRecord;
  #lengthSize = 4;

  constructor(name: string, at: number, private readonly pictureBytes: readonly number[]) {
    this.record = { name, publishAt: at, counters: [], arrivals: [], sent: [], damaged: [], unstamped: 0, keyframes: 0, videoTs: [], videoArrivals: [], audioTs: [], audioArrivals: [], aacFrameMs: (1024 / 44100) * 1000, bytes: 0 };
  }

  /** An FLV VIDEODATA payload (RTMP message type 9) with its RTMP timestamp (ms). */
  video(payload: Buffer, at: number, timestamp = 0): void {
    const r = this.record;
    r.bytes += payload.length;
    if (payload.length < 5 || ((payload[0] as number) & 0x0f) !== 7) return;
    const keyframe = (payload[0] as number) >> 4 === 1;
    if (payload[1] === 0) {
      // AVCDecoderConfigurationRecord: lengthSizeMinusOne in the low bits of byte 4.
      if (payload.length > 9) this.#lengthSize = ((payload[9] as number) & 0x03) + 1;
      return;
    }
    if (payload[1] !== 1) return;
    r.videoTs.push(timestamp);
    r.videoArrivals.push(at);
    if (keyframe) {
      r.keyframes++;
      r.firstKeyframeAt ??= at;
    }
    let stamp: ReturnType<typeof parseStampNal>;
    let bytes = 0;
    forEachAvccNal(payload.subarray(5), this.#lengthSize, (nal) => {
      stamp ??= parseStampNal(nal);
      bytes += pictureBytesOfNal(nal);
    });
    if (!stamp) {
      r.unstamped++;
      return;
    }
    r.counters.push(stamp.counter);
    r.arrivals.push(at);
    r.sent.push(stamp.sentUs / 1000);
    if (this.pictureBytes[stamp.frameIndex] !== bytes) r.damaged.push(stamp.counter);
  }

  /** An FLV AUDIODATA payload (RTMP message type 8). */
  audio(payload: Buffer, timestamp: number, at: number): void {
    const r = this.record;
    r.bytes += payload.length;
    if (payload.length < 2 || (payload[0] as number) >> 4 !== 10) return;
    if (payload[1] === 0 && payload.length >= 4) {
      // AudioSpecificConfig: 5 bits object type, 4 bits sampling frequency index (ISO 14496-3).
      const index = (((payload[2] as number) & 0x07) << 1) | ((payload[3] as number) >> 7);
      const rate = AAC_RATES[index];
      if (rate !== undefined) r.aacFrameMs = (1024 / rate) * 1000;
      return;
    }
    // AAC raw frames only (byte 1 = 1).
    if (payload[1] !== 1) return;
    r.audioTs.push(timestamp);
    r.audioArrivals.push(at);
  }
}
