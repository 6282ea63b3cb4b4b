import { createHmac, timingSafeEqual } from "node:crypto";
import { ProtectionProfileAes128CmHmacSha1_80, RtpHeader, SrtcpSession, SrtpSession } from "werift-rtp";
import type { PacketProtector } from "../rtp/packet-protector";
import { aesCmIv, aesCmXor } from "./aes-cm";
import { ReplayWindows } from "./replay-window";
import type { SdesKey } from "./sdes-crypto";
import { SRTP_MASTER_KEY_BYTES, srtpTagBytes, type SrtpSuite } from "./srtp-suite";

/** Per-SSRC receive state of RFC 3711 §3.3.1 (highest sequence number s_l and its rollover counter). */
interface RolloverState {
  roc: number;
  highestSeq: number;
}

/** Peers we keep receive state for; more SSRCs than this on one medium is an attack or a bug. */
const MAX_RECEIVE_SSRCS = 16;

/**
 * SRTP and SRTCP for one medium of a call (one key each way), at the socket edge.
 *
 * @remarks
 * werift-rtp's SrtpSession/SrtcpSession derive the session keys (RFC 3711 §4.3, AES-CM PRF,
 * key derivation rate 0) and do SRTCP for both suites (SRTCP's tag is 80 bits in both) and SRTP
 * for AES_CM_128_HMAC_SHA1_80. werift 0.8.9 knows no 32-bit tag: for AES_CM_128_HMAC_SHA1_32 we
 * send werift's packet with the tag cut to its first 4 bytes (the 32-bit tag is the same HMAC-SHA1
 * truncated further, RFC 3711 §4.2), and check received packets here by hand with werift's keys.
 * Failed authentication returns undefined: the caller drops the packet.
 *
 * SRTCP of the 32-bit suite: RFC 4568 §6.2.2 gives it an 80-bit SRTCP tag, and that is what we
 * send first, but libre (baresip 1.0's SRTP) cuts SRTCP tags to 32 bits as well. A received
 * SRTCP packet that fails with 80 bits is checked with 32 (by hand, werift knows only 80); once
 * one passes, ours are sent with 32 bits too, so that such a peer reads our PLI, FIR and BYE.
 */
export class SrtpTransform implements PacketProtector {
  readonly suite: SrtpSuite;
  readonly #rtp: SrtpSession;
  readonly #rtcp: SrtcpSession;
  readonly #tagBytes: number;
  /** 10, or 4 once the peer of a 32-bit suite sent SRTCP with 4-byte tags. */
  #srtcpTagBytes = 10;
  readonly #receive = new Map<number, RolloverState>();
  /** RFC 3711 §3.3.2: werift keeps no replay list, so both SRTP and SRTCP are checked here. */
  readonly #rtpReplay = new ReplayWindows(MAX_RECEIVE_SSRCS);
  readonly #rtcpReplay = new ReplayWindows(MAX_RECEIVE_SSRCS);
  readonly #local: SdesKey;

  constructor(suite: SrtpSuite, local: SdesKey, remote: SdesKey) {
    this.suite = suite;
    this.#tagBytes = srtpTagBytes(suite);
    this.#local = local;
    const keys = {
      localMasterKey: local.keyMaterial.subarray(0, SRTP_MASTER_KEY_BYTES),
      localMasterSalt: local.keyMaterial.subarray(SRTP_MASTER_KEY_BYTES),
      remoteMasterKey: remote.keyMaterial.subarray(0, SRTP_MASTER_KEY_BYTES),
      remoteMasterSalt: remote.keyMaterial.subarray(SRTP_MASTER_KEY_BYTES),
    };
    this.#rtp = new SrtpSession({ keys, profile: ProtectionProfileAes128CmHmacSha1_80 });
    this.#rtcp = new SrtcpSession({ keys, profile: ProtectionProfileAes128CmHmacSha1_80 });
  }

  /** The same sending context (key, ROC, SRTCP index) with a new key from the peer (a re-INVITE changed it). */
  withRemote(remote: SdesKey): SrtpTransform {
    const next = new SrtpTransform(this.suite, this.#local, remote);
    next.#rtp.localContext = this.#rtp.localContext;
    next.#rtcp.localContext = this.#rtcp.localContext;
    return next;
  }

  protectRtp(packet: Buffer): Buffer {
    const header = RtpHeader.deSerialize(packet);
    // The payload as sent, padding included: RFC 3711 encrypts the padding too.
    const protectedPacket = this.#rtp.encrypt(packet.subarray(header.payloadOffset), header);
    return this.#tagBytes === 10 ? protectedPacket : protectedPacket.subarray(0, protectedPacket.length - (10 - this.#tagBytes));
  }

  unprotectRtp(packet: Buffer): Buffer | undefined {
    if (this.#tagBytes !== 10) return this.#unprotectShortTag(packet);
    let plain: Buffer;
    try {
      plain = this.#rtp.decrypt(packet);
    } catch {
      return undefined;
    }
    // Authenticated: werift's state for the SSRC now holds the ROC this packet was checked with.
    const ssrc = plain.readUInt32BE(8);
    const roc = this.#rtp.remoteContext.srtpSSRCStates[ssrc]?.rolloverCounter ?? 0;
    return this.#rtpReplay.accept(ssrc, roc * 0x10000 + plain.readUInt16BE(2)) ? plain : undefined;
  }

  protectRtcp(packet: Buffer): Buffer {
    const protectedPacket = this.#rtcp.encrypt(packet);
    return this.#srtcpTagBytes === 10 ? protectedPacket : protectedPacket.subarray(0, protectedPacket.length - 6);
  }

  unprotectRtcp(packet: Buffer): Buffer | undefined {
    if (this.#srtcpTagBytes === 10) {
      try {
        return this.#notReplayedRtcp(this.#rtcp.decrypt(packet), packet, 10);
      } catch {
        if (this.#tagBytes === 10) return undefined;
      }
    }
    const plain = this.#unprotectShortTagRtcp(packet);
    if (plain) this.#srtcpTagBytes = 4;
    return plain && this.#notReplayedRtcp(plain, packet, 4);
  }

  /** The authenticated SRTCP packet unless its index (the 31 bits before the tag) was seen. */
  #notReplayedRtcp(plain: Buffer, packet: Buffer, tagBytes: number): Buffer | undefined {
    const index = packet.readUInt32BE(packet.length - tagBytes - 4) & 0x7fffffff;
    return this.#rtcpReplay.accept(packet.readUInt32BE(4), index) ? plain : undefined;
  }

  /** SRTCP with a 4-byte tag (RFC 3711 §3.4): authenticate header, body and E||index, then decrypt the body. */
  #unprotectShortTagRtcp(packet: Buffer): Buffer | undefined {
    const tagOffset = packet.length - 4;
    const indexOffset = tagOffset - 4;
    if (indexOffset < 8) return undefined;
    const context = this.#rtcp.remoteContext;
    const expected = createHmac("sha1", context.srtcpSessionAuthTag).update(packet.subarray(0, tagOffset)).digest().subarray(0, 4);
    if (!timingSafeEqual(expected, packet.subarray(tagOffset))) return undefined;
    const word = packet.readUInt32BE(indexOffset);
    const body = packet.subarray(8, indexOffset);
    if (word >>> 31 === 0) return Buffer.concat([packet.subarray(0, 8), body]);
    const index = word & 0x7fffffff;
    const iv = aesCmIv(context.srtcpSessionSalt, packet.readUInt32BE(4), index >>> 16, index & 0xffff);
    return Buffer.concat([packet.subarray(0, 8), aesCmXor(context.srtcpSessionKey, iv, body)]);
  }

  /** SRTP with a 4-byte tag: RFC 3711 §3.3 (index estimate of Appendix A, authenticate, then decrypt). */
  #unprotectShortTag(packet: Buffer): Buffer | undefined {
    const tagOffset = packet.length - this.#tagBytes;
    const headerLength = rtpHeaderLength(packet, tagOffset);
    if (headerLength === undefined) return undefined;
    const ssrc = packet.readUInt32BE(8);
    const seq = packet.readUInt16BE(2);
    const state = this.#receive.get(ssrc);
    const roc = state ? estimateRoc(state, seq) : 0;
    const context = this.#rtp.remoteContext;
    const rocBytes = Buffer.alloc(4);
    rocBytes.writeUInt32BE(roc >>> 0);
    const expected = createHmac("sha1", context.srtpSessionAuthTag).update(packet.subarray(0, tagOffset)).update(rocBytes).digest().subarray(0, this.#tagBytes);
    if (!timingSafeEqual(expected, packet.subarray(tagOffset))) return undefined;
    const iv = aesCmIv(context.srtpSessionSalt, ssrc, roc, seq);
    if (!this.#rtpReplay.accept(ssrc, roc * 0x10000 + seq)) return undefined;
    const payload = aesCmXor(context.srtpSessionKey, iv, packet.subarray(headerLength, tagOffset));
    this.#remember(ssrc, state, roc, seq);
    return Buffer.concat([packet.subarray(0, headerLength), payload]);
  }

  #remember(ssrc: number, state: RolloverState | undefined, roc: number, seq: number): void {
    if (!state) {
      if (this.#receive.size >= MAX_RECEIVE_SSRCS) this.#receive.delete(this.#receive.keys().next().value as number);
      this.#receive.set(ssrc, { roc, highestSeq: seq });
    } else if (roc > state.roc || (roc === state.roc && seq > state.highestSeq)) {
      state.roc = roc;
      state.highestSeq = seq;
    }
  }
}

/** RFC 3711 Appendix A: the ROC of a received sequence number, given the highest one seen so far. */
export function estimateRoc(state: RolloverState, seq: number): number {
  if (state.highestSeq < 0x8000) {
    return seq - state.highestSeq > 0x8000 && state.roc > 0 ? state.roc - 1 : state.roc;
  }
  return state.highestSeq - 0x8000 > seq ? state.roc + 1 : state.roc;
}

/** Length of the RTP header (fixed part, CSRCs, extension) when it fits before `end`, else undefined. */
function rtpHeaderLength(packet: Buffer, end: number): number | undefined {
  if (end < 12 || packet[0] >> 6 !== 2) return undefined;
  let length = 12 + 4 * (packet[0] & 0x0f);
  if (packet[0] & 0x10) {
    if (length + 4 > end) return undefined;
    length += 4 + 4 * packet.readUInt16BE(length + 2);
  }
  return length <= end ? length : undefined;
}
