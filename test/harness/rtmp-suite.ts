import { strict as assert } from "node:assert";
import { childProcessesNamed } from "./child-processes";
import { requirePeers } from "./require-peers";
import { startRtmpServer, type RtmpServer } from "./rtmp-server";

/**
 * The mocha hooks of a suite that publishes calls to one RTMP server and probes what it recorded: ffmpeg and
 * ffprobe are required, the server starts before the suite (handed to `use`) and stops after it, and after each
 * test no ffmpeg may be left (the engine's, the peer's or an analysis').
 */
export function useRtmpServer(use: (server: RtmpServer) => void): void {
  let server: RtmpServer | undefined;
  before(async function () {
    requirePeers(["ffmpeg", "ffprobe"]);
    server = await startRtmpServer();
    use(server);
  });
  after(async () => {
    await server?.stop();
  });
  afterEach(async () => {
    assert.deepEqual(await childProcessesNamed(["ffmpeg"]), [], "no ffmpeg of the engine, the peer or the analysis is left");
  });
}
