/**
 * `npm start`: the main job on an embedded default, with no SIP account and no CDN.
 * Starts an RTMP server and an auto-answering SIP peer (baresip sending a test video and a 440 Hz tone)
 * on 127.0.0.1, calls the peer with the engine, publishes the call to the RTMP server, hangs up and
 * prints what the server received.
 */
import { Engine } from "../src";
import { ffprobe, requirePeers, startBaresip, startRtmpServer, dominantFrequencyHz } from "../test/harness";

const SECONDS = Number(process.env.SIPCAST_DEMO_SECONDS ?? 15);

async function main(): Promise<void> {
  requirePeers(["baresip", "ffmpeg", "ffprobe"]);
  const rtmp = await startRtmpServer({ port: Number(process.env.SIPCAST_DEMO_RTMP_PORT ?? 0) || undefined });
  const peer = await startBaresip({});
  console.log(`RTMP server   ${rtmp.url}`);
  console.log(`test peer     sip:uas@127.0.0.1:${peer.sipPort} (answers with a test pattern and a 440 Hz tone)`);
  const engine = new Engine({ account: { login: "demo", domain: "127.0.0.1", port: peer.sipPort, registerRequired: false } });
  const stream = `demo-${Date.now().toString(36)}`;
  try {
    const call = engine.call({ callee: "uas", rtmpUrl: rtmp.url, rtmpStream: stream });
    call.on("publish", (p) => console.log(`publish       ${p.status}${p.reason ? ` ${p.reason}` : ""}`));
    await new Promise<void>((resolve) => {
      call.on("state", (e) => {
        console.log(`call          ${e.status}${e.sipStatus ? ` (SIP ${e.sipStatus})` : ""}${e.reason ? ` ${e.reason}` : ""}`);
        if (e.status === "ESTABLISHED") {
          console.log(`publishing    ${rtmp.url}/${stream} for ${SECONDS} s — play it with: ffplay ${rtmp.url}/${stream}`);
          setTimeout(() => call.terminate(), SECONDS * 1000);
        }
      });
      call.once("@close", () => resolve());
    });
    await call.whenClosed();
    await rtmp.waitForUnpublish(stream, 10_000).catch(() => undefined);
    const file = rtmp.recordedFile(stream);
    if (!file) throw new Error("the RTMP server recorded nothing");
    const probe = await ffprobe(file);
    const streams = probe.streams.filter((s) => s.codec_type !== "data").map((s) => (s.width ? `${s.codec_name} ${s.width}x${s.height}` : `${s.codec_name} ${s.sample_rate} Hz`));
    console.log(`received      ${streams.join(" + ")}, ${probe.durationSec.toFixed(1)} s, tone ${(await dominantFrequencyHz(file, { skipSec: 1 })).toFixed(0)} Hz`);
    console.log(`recording     ${file}`);
  } finally {
    await engine.close();
    await peer.stop();
    await rtmp.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
