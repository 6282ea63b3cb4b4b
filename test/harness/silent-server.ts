import * as dgram from "node:dgram";
import * as net from "node:net";

/** A "registrar" on 127.0.0.1 that takes requests and never answers (UDP), or accepts TCP and stays silent. */
export interface SilentSipServer {
  port: number;
  /** UDP datagrams (or TCP chunks) received so far. */
  received(): number;
  stop(): Promise<void>;
}

export async function startSilentSipServer(transport: "udp" | "tcp"): Promise<SilentSipServer> {
  let count = 0;
  if (transport === "udp") {
    const socket = dgram.createSocket("udp4");
    socket.on("message", () => count++);
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    return {
      port: socket.address().port,
      received: () => count,
      stop: () => new Promise((resolve) => socket.close(() => resolve())),
    };
  }
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on("data", () => count++);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    received: () => count,
    stop: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
