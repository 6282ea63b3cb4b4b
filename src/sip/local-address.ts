import * as dgram from "node:dgram";

/**
 * The local IPv4 address the kernel would use to reach `host:port`. Connecting a UDP socket sends nothing;
 * it only makes the kernel pick a route, whose source address we read back. Used for Via, Contact and the
 * SDP c= line when no public address is configured.
 */
export function localAddressFor(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket("udp4");
    const done = (address: string): void => {
      socket.close();
      resolve(address);
    };
    socket.once("error", () => done("127.0.0.1"));
    socket.connect(port, host, () => {
      const address = socket.address().address;
      done(address === "0.0.0.0" ? "127.0.0.1" : address);
    });
  });
}
