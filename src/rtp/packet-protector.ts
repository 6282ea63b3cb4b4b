/**
 * A transform applied to every datagram at a channel's socket edge (SRTP/SRTCP): protect before
 * sending, unprotect on receive before anything else reads the packet.
 */
export interface PacketProtector {
  protectRtp(packet: Buffer): Buffer;
  protectRtcp(packet: Buffer): Buffer;
  /** The plain packet, or undefined when it fails authentication (drop it). */
  unprotectRtp(packet: Buffer): Buffer | undefined;
  unprotectRtcp(packet: Buffer): Buffer | undefined;
}
