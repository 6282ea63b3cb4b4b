/**
 * The bench's answering peer, a child process: a minimal SIP UAS plus the RTP replayer, on
 * 127.0.0.1 only. Its CPU is measured as its own role, never as the engine's.
 */
import * as dgram from "node:dgram";
import { serveRpc } from "../common/rpc";
import { bindConsecutiveUdp } from "../common/udp-sockets";
import { loadRecording } from "../recording/recording-format";
import type { PeerApi, PeerEvents } from "./peer-api";
import { RtpReplayer } from "./rtp-replayer";
import { registerPeer } from "./sip-register";
import { SipUas } from "./sip-uas";
import type { SipMessage } from "./sip-message";

const BUFFER_BYTES = 4 * 1024 * 1024;

let uas: SipUas | undefined;
let replayer: RtpReplayer | undefined;
let sipSocket: dgram.Socket | undefined;
let rtpSockets: dgram.Socket[] = [];
let sipPort = 0;
let media = true;
let stamp = true;
let responseHandler: ((m: SipMessage) => void) | undefined;
const callNames = new Map<string, string>();

function close(): void {
  replayer?.close();
  uas?.close();
  sipSocket?.close();
  for (const s of rtpSockets) s.close();
  replayer = undefined;
  uas = undefined;
  sipSocket = undefined;
  rtpSockets = [];
}

// SIGTERM (the bench stopping this process group): leave through exit() so that a
// `--cpu-prof` profile is written.
process.once("SIGTERM", () => {
  close();
  process.exit(0);
});

const emit = serveRpc<PeerApi, PeerEvents>(
  {
    start: async ({ recordingFile }) => {
      const recording = loadRecording(recordingFile);
      const { base, sockets } = await bindConsecutiveUdp(4, BUFFER_BYTES);
      rtpSockets = sockets;
      for (const s of sockets) s.setSendBufferSize(BUFFER_BYTES);
      const [audioRtp, audioRtcp, videoRtp, videoRtcp] = sockets as [dgram.Socket, dgram.Socket, dgram.Socket, dgram.Socket];
      replayer = new RtpReplayer(recording, { audioRtp, audioRtcp, videoRtp, videoRtcp });
      const socket = dgram.createSocket("udp4");
      sipSocket = socket;
      await new Promise<void>((resolve, reject) => {
        socket.once("error", reject);
        socket.bind(0, "127.0.0.1", () => resolve());
      });
      socket.setRecvBufferSize(BUFFER_BYTES);
      sipPort = socket.address().port;
      const rep = replayer;
      uas = new SipUas({
        socket,
        localPort: sipPort,
        mediaPorts: { audio: base, video: base + 2 },
        onCall: (call) => {
          callNames.set(call.callId, call.name);
          emit("answered", { name: call.name, callId: call.callId, at: Date.now() });
          if (media) rep.add(call.name, call.offer, stamp);
        },
        onEnd: (callId) => {
          const name = callNames.get(callId);
          callNames.delete(callId);
          if (name === undefined) return;
          rep.remove(name);
          emit("ended", { name, callId, at: Date.now() });
        },
        onResponse: (m) => responseHandler?.(m),
      });
      return { sipPort, audioPort: base, videoPort: base + 2 };
    },
    register: async (target) => {
      if (!uas) throw new Error("peer not started");
      await registerPeer(uas, (h) => (responseHandler = h), sipPort, target);
      return { ok: true };
    },
    configure: (o) => {
      media = o.media;
      stamp = o.stamp;
      return { ok: true };
    },
    stream: ({ name, target }) => {
      if (!replayer) throw new Error("peer not started");
      replayer.add(name, target, stamp);
      return { ok: true };
    },
    stopStreams: ({ names }) => {
      if (names === undefined) replayer?.removeAll();
      else for (const n of names) replayer?.remove(n);
      return { ok: true };
    },
    snapshot: () => ({ at: Number(process.hrtime.bigint()) / 1e6, streams: replayer?.snapshot() ?? {} }),
    stats: () => ({ sip: { ...(uas?.counters ?? {}) }, replay: { ...(replayer?.stats ?? {}) }, activeCalls: uas?.activeCalls ?? 0, streams: replayer?.size ?? 0 }),
    resetStats: () => {
      replayer?.resetStats();
      return { ok: true };
    },
    close: () => {
      close();
      return { ok: true };
    },
  },
  () => {
    close();
    process.exit(0);
  },
);
