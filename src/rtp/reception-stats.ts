import type { ReportBlock } from "./rtcp-report";

/** The RTP header fields the statistics need; werift-rtp's `RtpHeader` fits. */
export interface RtpHeaderLike {
  sequenceNumber: number;
  timestamp: number;
}

/** The SR field the statistics need; werift-rtp's `RtcpSrPacket` fits. */
export interface SenderReportLike {
  senderInfo: { ntpTimestamp: bigint };
}

/** Snapshot of {@link ReceptionStats}, for logs and stats outputs. */
export interface ReceptionStatsJson {
  ssrc: number;
  packetsReceived: number;
  packetsExpected: number;
  packetsLost: number;
  highestSequence: number;
  /** Interarrival jitter in timestamp units. */
  jitter: number;
  /** Interarrival jitter in milliseconds (uses the clock rate of the last packet). */
  jitterMs: number;
  lastSenderReport: number;
}

const RTP_SEQ_MOD = 0x10000;
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;

/**
 * Receive statistics of one SSRC, per RFC 3550 appendix A.1 (sequence tracking with wrap
 * and resync), A.3 (expected, lost, fraction lost) and A.8 (interarrival jitter), plus the
 * LSR/DLSR fields of §6.4.1.
 *
 * @remarks
 * Pure: arrival and report times come in as milliseconds from any monotonic clock.
 * Differs from A.1 in one point: there is no probation; the first packet initializes the
 * source, because the channel has already filtered by source address and payload type.
 * `reportBlock()` advances the "since last report" counters that `fractionLost` is based on.
 */
export class ReceptionStats {
  readonly ssrc: number;
  #initialized = false;
  #baseSeq = 0;
  #maxSeq = 0;
  #badSeq = RTP_SEQ_MOD + 1;
  #cycles = 0;
  #received = 0;
  #receivedPrior = 0;
  #expectedPrior = 0;
  #jitter = 0;
  #clockRate = 0;
  #lastArrival = 0;
  #lastTimestamp = 0;
  #lastSr = 0;
  #lastSrArrivalMs: number | undefined;

  constructor(ssrc: number) {
    this.ssrc = ssrc >>> 0;
  }

  /**
   * Accounts one received packet.
   * @returns false when A.1 rejects the sequence number (a large jump, until confirmed by the
   *   next packet); such packets are not counted.
   */
  update(header: RtpHeaderLike, arrivalMs: number, clockRate: number): boolean {
    const seq = header.sequenceNumber & 0xffff;
    if (!this.#initialized) {
      this.#initialized = true;
      this.#initSeq(seq);
    } else {
      const udelta = (seq - this.#maxSeq + RTP_SEQ_MOD) % RTP_SEQ_MOD;
      if (udelta < MAX_DROPOUT) {
        if (seq < this.#maxSeq) this.#cycles += RTP_SEQ_MOD;
        this.#maxSeq = seq;
      } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
        // A very large jump: accept it only if the next packet continues from it (a restart).
        if (seq !== this.#badSeq) {
          this.#badSeq = (seq + 1) % RTP_SEQ_MOD;
          return false;
        }
        this.#initSeq(seq);
      }
      // else: duplicate or reordered packet, counted but max_seq unchanged.
    }
    this.#received++;
    this.#updateJitter(header.timestamp >>> 0, arrivalMs, clockRate);
    return true;
  }

  /** Records an SR from this source for the LSR/DLSR fields of the next report block. */
  onSenderReport(sr: SenderReportLike, arrivalMs: number): void {
    this.#lastSr = Number((sr.senderInfo.ntpTimestamp >> 16n) & 0xffffffffn);
    this.#lastSrArrivalMs = arrivalMs;
  }

  /** Extended highest sequence number received. */
  get highestSequence(): number {
    return (this.#cycles + this.#maxSeq) >>> 0;
  }

  /** Packets counted as received (duplicates included, as in A.3). */
  get packetsReceived(): number {
    return this.#received;
  }

  get packetsExpected(): number {
    return this.#initialized ? this.#cycles + this.#maxSeq - this.#baseSeq + 1 : 0;
  }

  /** Cumulative packets lost; negative when duplicates outnumber losses. */
  get packetsLost(): number {
    return this.packetsExpected - this.#received;
  }

  /** Interarrival jitter estimate in timestamp units (fractional). */
  get jitter(): number {
    return this.#jitter;
  }

  /** The report block for this source at `nowMs`; resets the interval for `fractionLost`. */
  reportBlock(nowMs: number): ReportBlock {
    const expected = this.packetsExpected;
    const expectedInterval = expected - this.#expectedPrior;
    const receivedInterval = this.#received - this.#receivedPrior;
    this.#expectedPrior = expected;
    this.#receivedPrior = this.#received;
    const lostInterval = expectedInterval - receivedInterval;
    const fractionLost =
      expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval * 256) / expectedInterval);
    const dlsr =
      this.#lastSrArrivalMs === undefined
        ? 0
        : Math.max(0, Math.floor(((nowMs - this.#lastSrArrivalMs) * 65536) / 1000)) >>> 0;
    return {
      ssrc: this.ssrc,
      fractionLost: Math.min(255, fractionLost),
      packetsLost: this.packetsLost,
      highestSequence: this.highestSequence,
      jitter: Math.floor(this.#jitter),
      lsr: this.#lastSr,
      dlsr,
    };
  }

  toJSON(): ReceptionStatsJson {
    return {
      ssrc: this.ssrc,
      packetsReceived: this.#received,
      packetsExpected: this.packetsExpected,
      packetsLost: this.packetsLost,
      highestSequence: this.highestSequence,
      jitter: Math.floor(this.#jitter),
      jitterMs: this.#clockRate > 0 ? (this.#jitter * 1000) / this.#clockRate : 0,
      lastSenderReport: this.#lastSr,
    };
  }

  #initSeq(seq: number): void {
    this.#baseSeq = seq;
    this.#maxSeq = seq;
    this.#badSeq = RTP_SEQ_MOD + 1;
    this.#cycles = 0;
    this.#received = 0;
    this.#receivedPrior = 0;
    this.#expectedPrior = 0;
  }

  /**
   * A.8: J += (|D| - J) / 16, where D is the change in transit time. D is computed as the
   * arrival difference minus the timestamp difference read as a signed 32-bit number, which
   * is the same as A.8's transit difference but survives the timestamp wrapping at 2^32.
   */
  #updateJitter(timestamp: number, arrivalMs: number, clockRate: number): void {
    const arrival = (arrivalMs * clockRate) / 1000;
    if (this.#clockRate === clockRate && this.#received > 1) {
      const tsDelta = (timestamp - this.#lastTimestamp) | 0;
      const d = Math.abs(arrival - this.#lastArrival - tsDelta);
      this.#jitter += (d - this.#jitter) / 16;
    }
    this.#clockRate = clockRate;
    this.#lastArrival = arrival;
    this.#lastTimestamp = timestamp;
  }
}
