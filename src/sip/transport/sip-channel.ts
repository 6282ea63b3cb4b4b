/** An address and port as seen on a socket. */
export interface SocketEndpoint {
  address: string;
  port: number;
}

/** What a channel reports to its transport. */
export interface SipChannelHandlers {
  /** A whole message arrived (not yet checked to be SIP). */
  onMessage(text: string, from: SocketEndpoint): void;
  /** The socket failed or the peer closed the connection after `open()` resolved. */
  onLost(error: Error): void;
}

/**
 * One socket that carries SIP messages: a UDP socket, or a TCP/TLS connection to the server.
 * The transport owns the SIP logic; a channel only moves whole messages.
 */
export interface SipChannel {
  /** Binds or connects. Resolves with the local endpoint to advertise; rejects with an Error. */
  open(): Promise<SocketEndpoint>;
  /** Sends one whole message. Rejects with an Error when it cannot. */
  send(message: string): Promise<void>;
  /** Closes the socket at once. No handler is called afterwards. Idempotent. */
  close(): void;
}
