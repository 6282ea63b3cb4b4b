import { createCipheriv } from "node:crypto";

/**
 * The AES-CM initial counter of an SRTP packet (RFC 3711 §4.1.1):
 * IV = (k_s · 2^16) XOR (SSRC · 2^64) XOR (i · 2^16), with the 48-bit index i = ROC · 2^16 + SEQ.
 */
export function aesCmIv(sessionSalt: Buffer, ssrc: number, roc: number, seq: number): Buffer {
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(ssrc >>> 0, 4);
  iv.writeUInt32BE(roc >>> 0, 8);
  iv.writeUInt16BE(seq & 0xffff, 12);
  for (let i = 0; i < 14; i++) iv[i] ^= sessionSalt[i];
  return iv;
}

/** XORs `data` with the AES-128 counter-mode keystream that starts at `iv` (encrypts and decrypts alike). */
export function aesCmXor(sessionKey: Buffer, iv: Buffer, data: Buffer): Buffer {
  return createCipheriv("aes-128-ctr", sessionKey, iv).update(data);
}
