import * as dgram from "node:dgram";
import { ConfigError } from "../errors";
import { silentLogger, type Logger } from "../util/logger";
import { FfmpegProcess } from "./ffmpeg-process";

/** Where the slate's RTP goes: the call's video channel (its socket, its SSRC, its latched peer address). */
export interface RtpSink {
  readonly localSsrc: number;
  sendRtp(buf: Buffer): boolean;
}

/** Options of {@link VideoSlateSender}. */
export interface VideoSlateSenderOptions {
  ffmpegPath: string;
  /** Still image to show the peer; black frames when absent. */
  image?: string;
  /** The negotiated video codec: H264 or VP8. */
  codec: string;
  /** The negotiated payload type to send with. */
  payloadType: number;
  /** The negotiated fmtp (H.264 packetization-mode 0 needs single NAL units). */
  fmtp?: string;
  sink: RtpSink;
  logger?: Logger;
  /** Frames per second (default 10: plenty for a still picture, and what phones accept). */
  fps?: number;
}

/** Snapshot of a {@link VideoSlateSender}. */
export interface VideoSlateSenderJson {
  running: boolean;
  packetsSent: number;
  pid: number | undefined;
}

/**
 * Sends a still picture (or black) as video into the call, so that the far end shows something
 * instead of a frozen or empty window (WCS `generate_av_for_ua`).
 *
 * @remarks An ffmpeg encodes the image in a loop to RTP on 127.0.0.1; each packet is rewritten to
 * the negotiated payload type and the video channel's SSRC and sent from the channel's socket, so
 * the peer sees one ordinary stream from the address it expects (symmetric RTP). A keyframe
 * every 2 s stands in for answering the peer's PLI (ffmpeg cannot be asked for one).
 */
export class VideoSlateSender {
  readonly #o: VideoSlateSenderOptions;
  readonly #logger: Logger;
  #socket: dgram.Socket | undefined;
  #proc: FfmpegProcess | undefined;
  #closed = false;
  #packetsSent = 0;

  constructor(o: VideoSlateSenderOptions) {
    if (!["H264", "VP8"].includes(o.codec.toUpperCase())) throw new ConfigError(`video slate: cannot encode ${o.codec} (H264 or VP8 only)`);
    this.#o = o;
    this.#logger = o.logger ?? silentLogger;
  }

  /** Binds the relay socket and starts ffmpeg. */
  async start(): Promise<void> {
    const socket = dgram.createSocket("udp4");
    socket.on("error", (e) => this.#logger.log("warn", "media", `video slate socket: ${e.message}`));
    await new Promise<void>((resolve) => socket.bind({ address: "127.0.0.1", port: 0 }, resolve));
    if (this.#closed) {
      socket.close();
      return;
    }
    this.#socket = socket;
    socket.on("message", (msg) => this.#relay(msg));
    const port = socket.address().port;
    this.#proc = new FfmpegProcess({ path: this.#o.ffmpegPath, args: buildSlateArgs(this.#o, port), logger: this.#logger, killGraceMs: 1000 });
    this.#proc.on("failure", (e) => this.#logger.log("warn", "media", `video slate: ${e.message}`));
    this.#proc.on("died", (e) => this.#logger.log("warn", "media", `video slate: ${e.message}`));
  }

  #relay(msg: Buffer): void {
    // ffmpeg's own RTCP (SR) would go to port + 1, not here; anything that is not RTP is dropped.
    if (this.#closed || msg.length < 12 || msg[0] >> 6 !== 2) return;
    const pt = msg[1] & 0x7f;
    if (pt >= 72 && pt <= 79) return;
    msg[1] = (msg[1] & 0x80) | this.#o.payloadType;
    msg.writeUInt32BE(this.#o.sink.localSsrc >>> 0, 8);
    if (this.#o.sink.sendRtp(msg)) this.#packetsSent++;
  }

  /** Stops ffmpeg and closes the socket; resolves when ffmpeg has exited. Idempotent. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#proc?.close();
      try {
        this.#socket?.close();
      } catch {
        // already closed
      }
    }
    return this.#proc?.whenExited() ?? Promise.resolve();
  }

  toJSON(): VideoSlateSenderJson {
    return { running: !this.#closed && this.#proc !== undefined && !this.#proc.exited, packetsSent: this.#packetsSent, pid: this.#proc?.pid };
  }
}

/** ffmpeg's arguments for the slate: image (or black) in a loop → H.264 baseline or VP8 → RTP to 127.0.0.1:port. */
export function buildSlateArgs(o: Pick<VideoSlateSenderOptions, "image" | "codec" | "payloadType" | "fmtp" | "fps">, port: number): string[] {
  const fps = o.fps ?? 10;
  const args = ["-hide_banner", "-nostdin", "-loglevel", "warning", "-nostats"];
  if (o.image) args.push("-re", "-loop", "1", "-framerate", String(fps), "-i", o.image);
  else args.push("-re", "-f", "lavfi", "-i", `color=c=black:s=640x360:r=${fps}`);
  args.push("-an", "-vf", "scale=640:360:force_original_aspect_ratio=decrease,pad=640:360:(ow-iw)/2:(oh-ih)/2,setsar=1,format=yuv420p");
  if (o.codec.toUpperCase() === "VP8") {
    args.push("-c:v", "libvpx", "-deadline", "realtime", "-b:v", "256k", "-g", String(fps * 2));
  } else {
    // Constrained baseline 3.1 is what every SIP video phone decodes (profile-level-id 42e01f).
    args.push("-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-profile:v", "baseline", "-level", "3.1");
    args.push("-b:v", "256k", "-maxrate", "256k", "-bufsize", "512k", "-g", String(fps * 2));
    if (/packetization-mode\s*=\s*0/.test(o.fmtp ?? "")) args.push("-x264-params", "slice-max-size=1100", "-rtpflags", "h264_mode0");
  }
  args.push("-payload_type", String(o.payloadType), "-f", "rtp", `rtp://127.0.0.1:${port}?pkt_size=1200`);
  return args;
}
