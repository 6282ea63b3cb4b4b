import type { Call } from "../call/call";
import type { CallStateEvent, PublishStatus } from "../call/call-event";
import type { Engine } from "../call/engine";
import type { WcsIvrPlan } from "./ivr-plan";
import type { WcsAccount } from "./wcs-account";

/** A `/push/startup` transponder: one extra output of a call. */
export interface PushRecord {
  /** Our output id, returned to the client as WCS's `mediaSessionId`. */
  mediaSessionId: string;
  callId: string;
  /** The stream name the client asked for (the call's `toStream`). */
  streamName: string;
  /** The name published at the RTMP server (prefix + streamName), or "" when rtmpUrl is a full URL. */
  publishedName: string;
  /** The application URL as the client gave it. */
  rtmpUrl: string;
  rtmpTransponderFullUrl: boolean;
  options: Record<string, unknown>;
  status: PublishStatus;
}

/** What the REST API keeps about a call it placed. */
export interface WcsCallRecord {
  callId: string;
  call: Call;
  engine: Engine;
  account: WcsAccount;
  caller: string;
  callee: string;
  visibleName: string;
  appKey: string | null;
  hasAudio: boolean;
  hasVideo: boolean;
  /** As requested (`rtmpUrl` + `rtmpStream` form). */
  rtmpUrl: string | null;
  rtmpStream: string | null;
  /** The stream name reserved by `toStream` (WCS's `streamName` of a call). */
  toStream: string | null;
  /** Status of the call's own RTMP output (`rtmpUrl` form). */
  rtmpStreamStatus: PublishStatus | null;
  pushes: Map<string, PushRecord>;
  /** The last state event (kept after the call ended, for a while). */
  last: CallStateEvent;
  /** The `/call/startup` DTMF plan (sipcast's `dtmf` field) and its progress, or null. */
  ivr: WcsIvrPlan | null;
  /** Epoch ms when the call ended; absent while live. */
  endedAt?: number;
}

/**
 * The REST API's calls by callId, across every account. A call stays findable for `lingerMs` after
 * it ended, so a client that polls `/call/find` sees FINISH, BUSY or FAILED instead of a bare 404;
 * only live calls count as duplicates. Old entries are dropped lazily on each access (no timers).
 */
export class CallBook {
  readonly #records = new Map<string, WcsCallRecord>();

  constructor(
    private readonly lingerMs: number,
    private readonly now: () => number,
  ) {}

  add(record: WcsCallRecord): void {
    this.#records.set(record.callId, record);
  }

  /** A live call, or one that ended less than `lingerMs` ago. */
  get(callId: string): WcsCallRecord | undefined {
    this.#purge();
    return this.#records.get(callId);
  }

  /** A call that has not ended. */
  live(callId: string): WcsCallRecord | undefined {
    const record = this.get(callId);
    return record && record.endedAt === undefined ? record : undefined;
  }

  /** Live calls and recently ended ones, oldest first. */
  all(): WcsCallRecord[] {
    this.#purge();
    return [...this.#records.values()];
  }

  liveCalls(): WcsCallRecord[] {
    return this.all().filter((r) => r.endedAt === undefined);
  }

  markEnded(callId: string): void {
    const record = this.#records.get(callId);
    if (record && record.endedAt === undefined) record.endedAt = this.now();
  }

  #purge(): void {
    const limit = this.now() - this.lingerMs;
    for (const [id, record] of this.#records) {
      if (record.endedAt !== undefined && record.endedAt <= limit) this.#records.delete(id);
    }
  }
}
