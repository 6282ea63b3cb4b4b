/**
 * WHEP viewers for the bench: werift RTCPeerConnections in a process of their own, so that
 * the engine's CPU is measured without theirs. Each viewer offers recvonly H.264
 * (packetization-mode 1) and PCMU on 127.0.0.1 only, POSTs the offer, applies the answer and
 * counts the RTP it receives by sequence number.
 */
import { RTCPeerConnection, RTCRtpCodecParameters } from "werift";
import { serveRpc } from "../common/rpc";
import { monoMs, sleep } from "../common/mono-clock";
import { SeqCounter } from "./seq-counter";
import type { ViewerApi, ViewerEvents, ViewerState } from "./viewer-api";

interface Viewer {
  state: Omit<ViewerState, "video" | "audio">;
  pc: RTCPeerConnection;
  video: SeqCounter;
  audio: SeqCounter;
  location?: string;
  origin: string;
}

const viewers: Viewer[] = [];

function newPeerConnection(): RTCPeerConnection {
  return new RTCPeerConnection({
    codecs: {
      video: [new RTCRtpCodecParameters({ mimeType: "video/H264", clockRate: 90000, parameters: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f" })],
      audio: [new RTCRtpCodecParameters({ mimeType: "audio/PCMU", clockRate: 8000, payloadType: 0 })],
    },
    iceServers: [],
    iceAdditionalHostAddresses: ["127.0.0.1"],
    iceInterfaceAddresses: { udp4: "127.0.0.1" },
    iceUseIpv6: false,
  });
}

async function startViewer(url: string, token: string, timeoutMs: number): Promise<void> {
  const pc = newPeerConnection();
  const v: Viewer = { state: { id: viewers.length + 1, answered: false }, pc, video: new SeqCounter(), audio: new SeqCounter(), origin: new URL(url).origin };
  viewers.push(v);
  let firstVideo: () => void = () => undefined;
  const gotVideo = new Promise<void>((resolve) => (firstVideo = resolve));
  let postAt = 0;
  pc.onTrack.subscribe((track) => {
    const counter = track.kind === "video" ? v.video : v.audio;
    track.onReceiveRtp.subscribe((rtp) => {
      counter.push(rtp.header.sequenceNumber);
      if (track.kind === "video" && v.state.firstVideoMs === undefined && postAt > 0) {
        v.state.firstVideoMs = monoMs() - postAt;
        firstVideo();
      }
    });
  });
  try {
    pc.addTransceiver("video", { direction: "recvonly" });
    pc.addTransceiver("audio", { direction: "recvonly" });
    await pc.setLocalDescription(await pc.createOffer());
    postAt = monoMs();
    const res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/sdp", Authorization: `Bearer ${token}` }, body: pc.localDescription?.sdp ?? "" });
    const body = await res.text();
    if (res.status !== 201) throw new Error(`POST ${res.status}: ${body.slice(0, 200)}`);
    v.location = res.headers.get("location") ?? undefined;
    await pc.setRemoteDescription({ type: "answer", sdp: body });
    v.state.answered = true;
    await Promise.race([gotVideo, sleep(timeoutMs)]);
    if (v.state.firstVideoMs === undefined) v.state.error = `no video within ${timeoutMs} ms`;
  } catch (error) {
    v.state.error = (error as Error).message.split("\n")[0] ?? "error";
  }
}

const stateOf = (v: Viewer): ViewerState => ({ ...v.state, video: v.video.figures(), audio: v.audio.figures() });

serveRpc<ViewerApi, ViewerEvents>(
  {
    attach: async ({ url, token, count, parallel, timeoutMs }) => {
      const from = viewers.length;
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < count) {
          next++;
          await startViewer(url, token, timeoutMs);
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, count)) }, worker));
      return viewers.slice(from).map(stateOf);
    },
    snapshot: () => viewers.map(stateOf),
    detachAll: async ({ token }) => {
      let deleted = 0;
      let failed = 0;
      for (const v of viewers.splice(0)) {
        if (v.location !== undefined) {
          try {
            const res = await fetch(new URL(v.location, v.origin), { method: "DELETE", headers: { Authorization: `Bearer ${token}` } });
            if (res.status === 200) deleted++;
            else failed++;
          } catch {
            failed++;
          }
        }
        await v.pc.close().catch(() => undefined);
      }
      return { deleted, failed };
    },
  },
  () => process.exit(0),
);
