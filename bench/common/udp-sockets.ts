import * as dgram from "node:dgram";

function bindOne(port: number): Promise<dgram.Socket | undefined> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket({ type: "udp4" });
    socket.once("error", () => {
      socket.close();
      resolve(undefined);
    });
    socket.bind({ port, address: "127.0.0.1", exclusive: true }, () => {
      socket.removeAllListeners("error");
      resolve(socket);
    });
  });
}

/**
 * Binds `count` UDP sockets on 127.0.0.1 at consecutive ports starting on an even one (RTP
 * pairs), trying random bases in 20000–31999 (below the kernel's ephemeral range).
 */
export async function bindConsecutiveUdp(count: number, recvBufferBytes?: number): Promise<{ base: number; sockets: dgram.Socket[] }> {
  for (let attempt = 0; attempt < 200; attempt++) {
    let base = 20000 + Math.floor(Math.random() * (12000 - count));
    base -= base % 2;
    const sockets: dgram.Socket[] = [];
    for (let i = 0; i < count; i++) {
      const s = await bindOne(base + i);
      if (!s) break;
      sockets.push(s);
    }
    if (sockets.length === count) {
      if (recvBufferBytes !== undefined) for (const s of sockets) s.setRecvBufferSize(recvBufferBytes);
      return { base, sockets };
    }
    for (const s of sockets) s.close();
  }
  throw new Error(`no ${count} consecutive free UDP ports found on 127.0.0.1`);
}
