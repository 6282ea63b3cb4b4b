import * as dgram from "node:dgram";

/**
 * The local address the kernel picks to reach `host:port`, learnt by connecting a throwaway UDP
 * socket (connecting sends nothing). Used when the SIP socket is bound to a wildcard address, whose
 * own address (0.0.0.0) means nothing to a peer. Falls back to loopback when there is no route.
 */
export function routeSourceAddress(host: string, port: number, family: "udp4" | "udp6"): Promise<string> {
  const fallback = family === "udp6" ? "::1" : "127.0.0.1";
  return new Promise((resolve) => {
    const probe = dgram.createSocket(family);
    const finish = (address: string): void => {
      probe.close();
      resolve(address);
    };
    probe.once("error", () => finish(fallback));
    probe.connect(port, host, () => {
      const address = probe.address().address;
      finish(address === "0.0.0.0" || address === "::" ? fallback : address);
    });
  });
}
