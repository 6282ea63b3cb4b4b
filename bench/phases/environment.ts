import * as path from "node:path";
import { RpcChild } from "../common/rpc";
import type { PeerApi, PeerEvents } from "../peer/peer-api";
import type { SinkApi, SinkEvents } from "../sink/sink-api";

/** The compiled bench folder (bench/build/bench), where the child scripts are. */
export const BUILD_DIR = path.resolve(__dirname, "..");

/** The long-lived bench roles: the RTMP sink and the answering peer. */
export interface BenchEnvironment {
  sink: RpcChild<SinkApi, SinkEvents>;
  peer: RpcChild<PeerApi, PeerEvents>;
  /** `rtmp://127.0.0.1:PORT/live`. */
  rtmpUrl: string;
  peerSipPort: number;
  recordingFile: string;
  ffmpegPath: string;
  tmpDir: string;
  stop(): Promise<void>;
}

/** Starts the sink and the peer (each a child process) and waits until both listen. */
export async function startEnvironment(recordingFile: string, ffmpegPath: string, tmpDir: string): Promise<BenchEnvironment> {
  const sink = new RpcChild<SinkApi, SinkEvents>("bench sink", path.join(BUILD_DIR, "sink", "sink-main.js"));
  const peer = new RpcChild<PeerApi, PeerEvents>("bench peer", path.join(BUILD_DIR, "peer", "peer-main.js"));
  const stop = async (): Promise<void> => {
    await Promise.allSettled([sink.call("close", {}, 5000), peer.call("close", {}, 5000)]);
    await Promise.all([sink.stop(), peer.stop()]);
  };
  try {
    const [{ port }, p] = await Promise.all([sink.call("start", { recordingFile }), peer.call("start", { recordingFile })]);
    return { sink, peer, rtmpUrl: `rtmp://127.0.0.1:${port}/live`, peerSipPort: p.sipPort, recordingFile, ffmpegPath, tmpDir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
