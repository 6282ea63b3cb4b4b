import type * as net from "node:net";
import { monoMs } from "../common/mono-clock";
import { decodeAmf0, encodeAmf0, type Amf0Value } from "./amf0";
import { RtmpChunkParser, type RtmpMessage } from "./rtmp-chunk-parser";

const HANDSHAKE_SIZE = 1536;
const OUT_CHUNK_SIZE = 128;

/** What a connection reports to the sink. */
export interface RtmpConnectionEvents {
  onPublish(stream: string, at: number): void;
  onMedia(stream: string, m: RtmpMessage, at: number): void;
  onClose(stream: string | undefined, at: number): void;
}

/**
 * The server side of one RTMP publisher, just enough for ffmpeg's client: the plain handshake
 * (S1 with a zero version, which ffmpeg accepts from a server when publishing), then connect →
 * _result, createStream → _result(1), publish → onStatus NetStream.Publish.Start, then audio
 * and video messages handed to `onMedia` with their arrival time.
 *
 * @remarks Written here rather than using node-media-server: that server records and relays
 * every stream (work we would measure as sink cost) and has no per-tag hook with arrival time.
 */
export class RtmpConnection {
  #handshake: Buffer | undefined = Buffer.alloc(0);
  #stream: string | undefined;
  readonly #parser: RtmpChunkParser;
  #at = 0;

  constructor(private readonly socket: net.Socket, private readonly events: RtmpConnectionEvents) {
    this.#parser = new RtmpChunkParser((m) => this.#onMessage(m));
    socket.setNoDelay(true);
    socket.on("data", (d: Buffer) => this.#onData(d));
    socket.on("error", () => undefined);
    socket.on("close", () => this.events.onClose(this.#stream, monoMs()));
  }

  #onData(data: Buffer): void {
    this.#at = monoMs();
    if (this.#handshake !== undefined) {
      const hs = Buffer.concat([this.#handshake, data]);
      // C0 (1) + C1 (1536), answered with S0 S1 S2; then C2 (1536) is skipped.
      if (hs.length >= 1 + HANDSHAKE_SIZE && this.#handshake.length < 1 + HANDSHAKE_SIZE) {
        const s1 = Buffer.alloc(HANDSHAKE_SIZE);
        s1.writeUInt32BE(0, 0);
        for (let i = 8; i < HANDSHAKE_SIZE; i++) s1[i] = (i * 131) & 0xff;
        this.socket.write(Buffer.concat([Buffer.from([3]), s1, hs.subarray(1, 1 + HANDSHAKE_SIZE)]));
      }
      if (hs.length < 1 + 2 * HANDSHAKE_SIZE) {
        this.#handshake = hs;
        return;
      }
      this.#handshake = undefined;
      const rest = hs.subarray(1 + 2 * HANDSHAKE_SIZE);
      if (rest.length > 0) this.#parser.push(rest);
      return;
    }
    this.#parser.push(data);
  }

  #onMessage(m: RtmpMessage): void {
    switch (m.type) {
      case 1:
        this.#parser.setChunkSize(m.payload.readUInt32BE(0) & 0x7fffffff);
        return;
      case 8:
      case 9:
        if (this.#stream !== undefined) this.events.onMedia(this.#stream, m, this.#at);
        return;
      case 20:
        this.#onCommand(decodeAmf0(m.payload), m.streamId);
        return;
      default:
        return; // acknowledgements, window sizes, user control, @setDataFrame
    }
  }

  #onCommand(values: Amf0Value[], streamId: number): void {
    const [name, txn] = values;
    if (typeof name !== "string") return;
    const id = typeof txn === "number" ? txn : 0;
    if (name === "connect") {
      this.#send(3, 20, 0, encodeAmf0(["_result", id, { fmsVer: "FMS/3,0,1,123", capabilities: 31 }, { level: "status", code: "NetConnection.Connect.Success", description: "Connection succeeded.", objectEncoding: 0 }]));
    } else if (name === "createStream") {
      this.#send(3, 20, 0, encodeAmf0(["_result", id, null, 1]));
    } else if (name === "publish") {
      const raw = values[3];
      this.#stream = typeof raw === "string" ? raw.replace(/\?.*$/, "") : `stream-${Date.now()}`;
      this.events.onPublish(this.#stream, this.#at);
      this.#send(5, 20, streamId || 1, encodeAmf0(["onStatus", 0, null, { level: "status", code: "NetStream.Publish.Start", description: "publishing", details: this.#stream }]));
    }
  }

  /** Writes one message as a type-0 chunk followed by type-3 continuation chunks. */
  #send(csid: number, type: number, streamId: number, payload: Buffer): void {
    const parts: Buffer[] = [];
    for (let offset = 0; offset < payload.length || offset === 0; offset += OUT_CHUNK_SIZE) {
      if (offset === 0) {
        const h = Buffer.alloc(12);
        h[0] = csid;
        h.writeUIntBE(0, 1, 3);
        h.writeUIntBE(payload.length, 4, 3);
        h[7] = type;
        h.writeUInt32LE(streamId, 8);
        parts.push(h);
      } else {
        parts.push(Buffer.from([0xc0 | csid]));
      }
      parts.push(payload.subarray(offset, offset + OUT_CHUNK_SIZE));
      if (payload.length === 0) break;
    }
    this.socket.write(Buffer.concat(parts));
  }
}
