import * as fs from "node:fs";
import * as path from "node:path";
import {
  buildRepublishArgs,
  ffmpegInputSdp,
  ffmpegSupportsSdpLocalAddr,
  findFreeUdpPortPairs,
  waitForUdpPortsBound,
  type NegotiatedMedia,
  type NegotiatedStream,
} from "../../src/index";
import { spawnManaged, type ManagedProcess } from "../../test/harness/managed-process";

/** One stream handled by a bare ffmpeg: its input ports (RTCP at +1) and SDP file. */
export interface BareInput {
  name: string;
  videoPort?: number;
  audioPort?: number;
  sdpPath: string;
}

/** How the bare ffmpeg processes are laid out. */
export interface BareLayout {
  /** Streams per ffmpeg process: 1 is what the engine does; more tests one ffmpeg for several calls. */
  perProcess: number;
  hasAudio: boolean;
  hasVideo: boolean;
  /** Another AAC output format than the engine's 44.1 kHz stereo 96k (an experiment). */
  aac?: { sampleRate: number; channels: number; bitrate: string };
}

/** The same argv with the AAC output's rate, channels and bitrate replaced. */
export function withAac(args: readonly string[], aac: NonNullable<BareLayout["aac"]>): string[] {
  const out = [...args];
  const set = (flag: string, value: string): void => {
    const i = out.indexOf(flag);
    if (i < 0) throw new Error(`withAac: ${flag} not in the republish argv`);
    out[i + 1] = value;
  };
  set("-ar", String(aac.sampleRate));
  set("-ac", String(aac.channels));
  set("-b:a", aac.bitrate);
  return out;
}

function stream(kind: "audio" | "video", port: number): NegotiatedStream {
  const video = kind === "video";
  return {
    kind,
    mlineIndex: video ? 1 : 0,
    codec: video ? "H264" : "PCMU",
    payloadType: video ? 96 : 0,
    receivePayloadTypes: [video ? 96 : 0],
    clockRate: video ? 90000 : 8000,
    channels: 1,
    ...(video ? { fmtp: "profile-level-id=42e01f;packetization-mode=1" } : {}),
    remoteAddress: "127.0.0.1",
    remoteRtpPort: port,
    remoteRtcpPort: port + 1,
    rtcpMux: false,
    remoteDirection: "sendrecv",
    remoteSsrcs: [],
    feedback: { nack: video, pli: video, fir: video },
    localPort: port,
  };
}

/**
 * The argv for one ffmpeg over several inputs, derived from the engine's own buildRepublishArgs
 * (so every codec option is the same): global options once, the input options before each
 * `-i`, then per input its own `-map`s, the output options and its URL.
 */
export function multiInputArgs(single: readonly string[], sdpPaths: readonly string[], urls: readonly string[], hasAudio: boolean, hasVideo: boolean): string[] {
  const inputStart = single.indexOf("-protocol_whitelist");
  const i = single.indexOf("-i");
  if (inputStart < 0 || i < inputStart) throw new Error("multiInputArgs: unexpected republish argv");
  const globals = single.slice(0, inputStart);
  const inputOptions = single.slice(inputStart, i);
  const outputOptions = single.slice(i + 2, single.length - 1);
  const args = [...globals];
  for (const sdp of sdpPaths) args.push(...inputOptions, "-i", sdp);
  sdpPaths.forEach((_, k) => {
    if (hasVideo) args.push("-map", `${k}:v:0`);
    if (hasAudio) args.push("-map", `${k}:a:0`);
    args.push(...outputOptions, urls[k] as string);
  });
  return args;
}

/**
 * Plain ffmpeg processes reading the peer's RTP straight from SDP files: no SIP, no engine,
 * the engine's own ffmpeg arguments. The comparison point for the engine's overhead.
 */
export class BareFfmpegGroup {
  readonly inputs: BareInput[] = [];
  readonly #procs: ManagedProcess[] = [];

  private constructor(private readonly dir: string) {}

  /**
   * Starts the processes for `names` and calls `onBound(input)` as soon as an input's ports are
   * bound (ffmpeg opens several inputs one after another, each after probing the previous one).
   */
  static async start(o: { ffmpegPath: string; names: readonly string[]; layout: BareLayout; rtmpUrl: string; dir: string; onBound: (input: BareInput) => Promise<void> }): Promise<BareFfmpegGroup> {
    fs.mkdirSync(o.dir, { recursive: true });
    const group = new BareFfmpegGroup(o.dir);
    const loopback = await ffmpegSupportsSdpLocalAddr(o.ffmpegPath);
    const { hasAudio, hasVideo, perProcess } = o.layout;
    try {
      for (let first = 0; first < o.names.length; first += perProcess) {
        const names = o.names.slice(first, first + perProcess);
        const inputs: BareInput[] = [];
        for (const name of names) {
          const pairs = await findFreeUdpPortPairs(Number(hasAudio) + Number(hasVideo));
          const input: BareInput = { name, sdpPath: path.join(o.dir, `${name}.sdp`) };
          if (hasVideo) input.videoPort = pairs.shift();
          if (hasAudio) input.audioPort = pairs.shift();
          const media: NegotiatedMedia = {};
          if (input.audioPort !== undefined) media.audio = stream("audio", input.audioPort);
          if (input.videoPort !== undefined) media.video = stream("video", input.videoPort);
          fs.writeFileSync(input.sdpPath, ffmpegInputSdp(media, { audio: input.audioPort, video: input.videoPort }));
          inputs.push(input);
          group.inputs.push(input);
        }
        const urls = names.map((n) => `${o.rtmpUrl}/${n}`);
        const built = buildRepublishArgs({ sdpPath: inputs[0]?.sdpPath ?? "", outputUrl: urls[0] ?? "", hasAudio, hasVideo, inputLocalAddress: loopback ? "127.0.0.1" : undefined });
        const single = o.layout.aac ? withAac(built, o.layout.aac) : built;
        const args = perProcess === 1 ? single : multiInputArgs(single, inputs.map((x) => x.sdpPath), urls, hasAudio, hasVideo);
        group.#procs.push(spawnManaged(`bare ffmpeg ${names[0] ?? ""}`, o.ffmpegPath, args, { graceMs: 2000 }));
        for (const input of inputs) {
          const ports = [input.videoPort, input.audioPort].filter((p): p is number => p !== undefined).flatMap((p) => [p, p + 1]);
          if (!(await waitForUdpPortsBound(ports, 15000))) throw new Error(`bare ffmpeg for ${input.name} did not bind ${ports.join(",")}`);
          await o.onBound(input);
        }
      }
    } catch (error) {
      await group.stop();
      throw error;
    }
    return group;
  }

  get pids(): number[] {
    return this.#procs.map((p) => p.pid).filter((p) => p > 0);
  }

  /** Processes that exited on their own. */
  get exited(): number {
    return this.#procs.filter((p) => !p.isRunning()).length;
  }

  /** The last lines ffmpeg wrote, for a failure report. */
  logTail(): string {
    return this.#procs.map((p) => p.logs().split("\n").filter((l) => !/^\w+=/.test(l)).slice(-5).join("\n")).join("\n");
  }

  async stop(): Promise<void> {
    await Promise.all(this.#procs.map((p) => p.stop()));
    for (const input of this.inputs) fs.rmSync(input.sdpPath, { force: true });
    void this.dir;
  }
}
