/**
 * The end-to-end test harness: real peers on 127.0.0.1 (Kamailio, baresip,
 * node-media-server), started and stopped by the tests, plus the tools to check media.
 */
export { requirePeers, missingPackages, missingPeersMessage, findProgram, type PeerName } from "./require-peers";
export { runDir, repoRoot, peersDir } from "./paths";
export { freePort, freePorts, type FreePortOptions } from "./ports";
export { startKamailio, type Kamailio, type KamailioOptions } from "./kamailio";
export { startBaresip, type Baresip, type BaresipOptions, type BaresipRegistrar, type BaresipEvent, type BaresipResponse } from "./baresip";
export { startRtmpServer, type RtmpServer, type RtmpServerOptions } from "./rtmp-server";
export { startRefusingRtmpServer, type RefusingRtmpServer } from "./refusing-rtmp-server";
export { ffprobe, type ProbeResult } from "./ffprobe";
export { dominantFrequencyHz, dominantFrequency } from "./tone-frequency";
export { childProcessesNamed } from "./child-processes";
export { useRtmpServer } from "./rtmp-suite";
export { runCli, type CliResult } from "./run-cli";
export { runCommand, type CommandResult } from "./run-command";
export { ensureMedia, type PeerMedia } from "./media";
export { livePeers, stopAll } from "./registry";
