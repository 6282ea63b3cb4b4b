import * as net from "node:net";
import { track } from "./registry";

/** A TCP listener that closes every connection at once: an RTMP server that refuses. */
export interface RefusingRtmpServer {
  /** `rtmp://127.0.0.1:PORT/live/refused` */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts a {@link RefusingRtmpServer} on a port the kernel picks on 127.0.0.1. */
export async function startRefusingRtmpServer(): Promise<RefusingRtmpServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }).then(() => untrack());
    return stopping;
  };
  const untrack = track({ name: `refusing rtmp:${port}`, stop });
  return { url: `rtmp://127.0.0.1:${port}/live/refused`, port, stop };
}
