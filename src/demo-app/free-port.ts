import * as net from "node:net";

/**
 * A TCP port on 127.0.0.1 that was free a moment ago, for servers that must be told their port
 * before they start (the RTMP server in its own process). Port 0 means "any"; others are kept.
 */
export async function resolvePort(port: number): Promise<number> {
  if (port !== 0) return port;
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const found = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(found));
    });
  });
}
