import type { EngineOptions } from "../call/engine";
import type { CallAdmission } from "../call/engine-limits";
import type { OutputSettings } from "../output/output-types";
import type { DtmfType } from "../dtmf";
import type { Logger } from "../util/logger";
import type { StreamRegistry } from "../output/whep/stream-registry";
import type { CallBook } from "./call-book";
import type { EngineFactory, EnginePool } from "./engine-pool";
import type { WcsAllowlists } from "./target-checks";

/** Options of {@link WcsRestApi}. */
export interface WcsRestApiOptions {
  /**
   * This server's own RTMP application URL (e.g. the embedded `rtmp://127.0.0.1:1935/live`). A
   * `/call/startup` with `toStream` publishes the call there under that name, as WCS makes it a
   * stream of its own. Without it, `toStream` only reserves the name for `/push/startup`.
   */
  localRtmpUrl?: string;
  /**
   * Put before the stream name of `/push/startup` (WCS `rtmp_transponder_stream_name_prefix`,
   * whose WCS default is "rtmp_"). Default "": CDNs want their stream key unchanged. Applies to
   * `/call/startup`'s `rtmpStream` too, as in WCS.
   */
  streamNamePrefix?: string;
  /**
   * SIP hosts a request may use: `sipDomain`, `sipOutboundProxy` and a `callee` URI's host must each
   * be one of these (`host` or `host:port`, case-insensitive, exact; no port = any port). Empty or
   * absent: any host. A request naming another host gets 403 naming the field.
   */
  allowedSipHosts?: readonly string[];
  /**
   * RTMP hosts a request may publish to (`rtmpUrl` of /call/startup and /push/startup, and
   * `localRtmpUrl` when a call's `toStream` is published there), in the same form. Empty or absent: any.
   */
  allowedRtmpHosts?: readonly string[];
  /**
   * Engine settings for every account (RTP ports, ffmpeg, addresses, timeouts). Its `limits` hold for
   * the whole API as well as for each account's engine: at most `maxCalls` live calls and
   * `callStartsPerSecond` starts over all accounts, `maxOutputsPerCall` outputs per call (429 beyond).
   */
  engineOptions?: Omit<EngineOptions, "account">;
  /**
   * Where a `/call/startup`'s `toStream` becomes watchable by browsers over WebRTC (WHEP, served with
   * handleWhepRequest), shared by every account's engine. Absent: `toStream` is only the name for
   * `localRtmpUrl` and `/push/startup`, as before.
   */
  streams?: StreamRegistry;
  /** Output settings for every call and transponder (retries, RTMPS certificates, …). */
  outputSettings?: OutputSettings;
  /** DTMF type when a body names none (default "RFC2833", as WCS). */
  defaultDtmfType?: DtmfType;
  /** How long an ended call stays findable by `/call/find` (default 30000 ms). */
  endedCallLingerMs?: number;
  /** Builds the engines (default `new Engine(options)`); for tests and embedding. */
  engineFactory?: EngineFactory;
  /** Clock for the linger time (default Date.now). */
  now?: () => number;
  logger?: Logger;
}

/** What a request came with beyond its body (for the log only). */
export interface WcsRequestContext {
  /** Who asked: an address or a user name. */
  client?: string;
}

/** The answer to a REST request: an HTTP status and a body to send as JSON (or as text for `/getStatus`). */
export interface WcsResponse {
  status: number;
  body: unknown;
  contentType: "application/json" | "text/plain";
}

/** What every route handler works on. */
export interface WcsState {
  readonly book: CallBook;
  readonly pool: EnginePool;
  /** The API-wide call limits (engineOptions.limits) over every account's engine. */
  readonly admission: CallAdmission;
  readonly options: WcsRestApiOptions;
  readonly logger: Logger;
  readonly allow: WcsAllowlists;
}
