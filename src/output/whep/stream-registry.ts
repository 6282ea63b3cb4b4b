import { RTCDtlsTransport } from "werift";
import { ConfigError } from "../../errors";
import { silentLogger, type Logger } from "../../util/logger";
import { GopCache } from "./gop-cache";
import { KeyframeThrottle } from "./keyframe-throttle";
import type { StreamSource } from "./stream-source";
import { WhepError } from "./whep-error";
import { resolveWhepNetwork, type WhepNetwork, type WhepNetworkOptions } from "./whep-network";
import { WhepViewer, type WhepViewerJson } from "./whep-viewer";

/** A stream name: what `toStream` and the WHEP/player URLs carry. */
const STREAM_NAME = /^[A-Za-z0-9._~-]{1,64}$/;

/** Viewers at once over all streams of a registry, by default. */
export const DEFAULT_MAX_VIEWERS = 50;
/** The highest `maxViewers` accepted. */
export const MAX_MAX_VIEWERS = 1000;

/** Checks a stream name (`toStream`). @throws ConfigError naming `field`. */
export function checkStreamName(name: unknown, field = "toStream"): string {
  if (typeof name !== "string" || !STREAM_NAME.test(name)) throw new ConfigError(`${field}: expected 1–64 characters of A-Z a-z 0-9 . _ ~ -`);
  return name;
}

/** Options of {@link StreamRegistry}. */
export interface StreamRegistryOptions {
  /** ICE addresses, ports and timeout of the viewers. */
  network?: WhepNetworkOptions;
  /** Viewers at once over every stream (default {@link DEFAULT_MAX_VIEWERS}); one more is refused with 429. */
  maxViewers?: number;
  logger?: Logger;
}

interface StreamEntry {
  callId: string;
  /** Set once the call is answered: viewers can join from then on. */
  source: StreamSource | undefined;
  viewers: Map<string, WhepViewer>;
  keyframes: KeyframeThrottle | undefined;
  /** The video since the latest keyframe, while live. */
  gop: GopCache | undefined;
  /** Stops the cache's listening. */
  stopCache: () => void;
}

/** Snapshot of one stream of a {@link StreamRegistry}. */
export interface StreamJson {
  name: string;
  callId: string;
  live: boolean;
  viewers: WhepViewerJson[];
}

/**
 * The named streams that browsers can watch (WCS's "SIP as Stream"): stream name → the call that
 * publishes it and that call's viewers.
 *
 * @remarks
 * A call reserves its name when it is placed ({@link reserve}; a second call with the same name is
 * refused), makes it watchable when answered ({@link attach}) and ends it, closing its viewers,
 * when it closes ({@link release}). A registry can be shared by several engines (the REST API's,
 * one per SIP account), so that names are unique across them. Viewers are independent: one that
 * fails, stalls or leaves is closed alone.
 */
export class StreamRegistry {
  readonly network: WhepNetwork;
  readonly maxViewers: number;
  readonly #streams = new Map<string, StreamEntry>();
  readonly #logger: Logger;
  #viewerCount = 0;
  #pending = 0;
  #closed = false;

  /** @throws ConfigError naming a bad option. */
  constructor(o: StreamRegistryOptions = {}) {
    this.network = resolveWhepNetwork(o.network);
    const max = o.maxViewers ?? DEFAULT_MAX_VIEWERS;
    if (!Number.isInteger(max) || max < 1 || max > MAX_MAX_VIEWERS) throw new ConfigError(`maxViewers: expected a whole number from 1 to ${MAX_MAX_VIEWERS}`);
    this.maxViewers = max;
    this.#logger = o.logger ?? silentLogger;
  }

  /** Takes `name` for `callId`. @throws ConfigError for a bad name, or one another live call holds. */
  reserve(name: string, callId: string): void {
    checkStreamName(name);
    const held = this.#streams.get(name);
    if (held && held.callId !== callId) throw new ConfigError(`toStream: the stream name "${name}" is used by call ${held.callId}`);
    if (!held) this.#streams.set(name, { callId, source: undefined, viewers: new Map(), keyframes: undefined, gop: undefined, stopCache: () => undefined });
  }

  /** The call was answered: viewers of `name` can join. */
  attach(name: string, source: StreamSource): void {
    const entry = this.#streams.get(name);
    if (!entry || entry.callId !== source.callId) return;
    entry.keyframes?.close();
    entry.stopCache();
    // werift makes its DTLS certificate (ECDSA P-256) on the first viewer of the process, ~0.3 s: do it now, not on the viewer's time.
    RTCDtlsTransport.SetupCertificate().catch((error: unknown) => this.#logger.log("warn", "whep", `DTLS certificate: ${String(error)}`));
    entry.source = source;
    entry.keyframes = new KeyframeThrottle(() => source.requestKeyframe());
    const video = source.media.video;
    if (video) {
      const gop = new GopCache(video.codec);
      entry.gop = gop;
      entry.stopCache = source.onRtp("video", (packet, arrivalMs) => gop.add(packet, arrivalMs));
    }
  }

  /** The call ended: its viewers are closed and the name is free again. */
  release(name: string, callId: string): void {
    const entry = this.#streams.get(name);
    if (!entry || entry.callId !== callId) return;
    this.#streams.delete(name);
    entry.keyframes?.close();
    entry.stopCache();
    entry.gop = undefined;
    for (const viewer of entry.viewers.values()) viewer.close("stream-ended");
  }

  /**
   * A browser's offer to watch `name`: answers it with a new viewer.
   * @throws WhepError 404 (no such stream, or not answered yet), 429 (maxViewers), 400/406 (offer).
   */
  async addViewer(name: string, offerSdp: string): Promise<WhepViewer> {
    const entry = this.#streams.get(name);
    if (this.#closed || !entry?.source || !entry.keyframes) throw new WhepError(404, `no live stream "${name}"`);
    if (this.#viewerCount + this.#pending >= this.maxViewers) {
      throw new WhepError(429, `viewer of stream ${name} refused: limit maxViewers (${this.maxViewers}) reached`);
    }
    const keyframes = entry.keyframes;
    this.#pending++;
    let viewer: WhepViewer;
    try {
      viewer = await WhepViewer.open(offerSdp, { stream: name, source: entry.source, network: this.network, requestKeyframe: () => keyframes.request(), cachedVideo: () => entry.gop?.snapshot() ?? [], logger: this.#logger });
    } finally {
      this.#pending--;
    }
    // The call may have ended while ICE candidates were gathered.
    if (this.#streams.get(name) !== entry) {
      viewer.close("stream-ended");
      throw new WhepError(404, `no live stream "${name}"`);
    }
    entry.viewers.set(viewer.id, viewer);
    this.#viewerCount++;
    viewer.once("@close", (reason) => {
      entry.viewers.delete(viewer.id);
      this.#viewerCount--;
      this.#logger.log("info", "whep", `${name}: viewer ${viewer.id} closed (${reason}); ${entry.viewers.size} left`);
    });
    this.#logger.log("info", "whep", `${name}: viewer ${viewer.id} added; ${entry.viewers.size} watching`);
    return viewer;
  }

  /** Ends one viewer of `name`. False when there is none with that id. */
  removeViewer(name: string, viewerId: string): boolean {
    const viewer = this.#streams.get(name)?.viewers.get(viewerId);
    if (!viewer) return false;
    viewer.close("deleted");
    return true;
  }

  /** True when a live call holds `name` (answered or not yet). */
  has(name: string): boolean {
    return this.#streams.has(name);
  }

  /** True when `name` is answered and can be watched. */
  isLive(name: string): boolean {
    return this.#streams.get(name)?.source !== undefined;
  }

  /** Viewers open now over every stream. */
  get viewerCount(): number {
    return this.#viewerCount;
  }

  list(): StreamJson[] {
    return [...this.#streams].map(([name, e]) => ({ name, callId: e.callId, live: e.source !== undefined, viewers: [...e.viewers.values()].map((v) => v.toJSON()) }));
  }

  /** Closes every viewer; the registry takes no more. */
  close(): void {
    this.#closed = true;
    for (const [name, entry] of [...this.#streams]) this.release(name, entry.callId);
  }
}
