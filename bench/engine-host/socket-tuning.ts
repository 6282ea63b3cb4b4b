import type * as Dgram from "node:dgram";

/**
 * Makes every UDP socket created from now on in this process ask for `bytes` of receive
 * buffer (capped by net.core.rmem_max). An experiment only: the engine does not offer the
 * setting, so the bench host patches `dgram.createSocket` (the engine's modules call it
 * through the module object at run time) to show what the setting would change.
 */
export function enlargeUdpReceiveBuffers(bytes: number): void {
  const dgram = require("node:dgram") as { createSocket: typeof Dgram.createSocket };
  const original = dgram.createSocket;
  dgram.createSocket = ((type: Dgram.SocketType | Dgram.SocketOptions, listener?: (msg: Buffer, rinfo: Dgram.RemoteInfo) => void) => {
    const options: Dgram.SocketOptions = typeof type === "string" ? { type } : { ...type };
    return original({ ...options, recvBufferSize: bytes }, listener);
  }) as typeof Dgram.createSocket;
}
