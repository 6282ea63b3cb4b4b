/**
 * G.711 decoding by hand (ITU-T G.711): each byte is one 8 kHz sample, companded, so decoding is a
 * table lookup and needs no codec library and no ffmpeg. Tables are built once on first use.
 */
let ulaw: Int16Array | undefined;
let alaw: Int16Array | undefined;

function ulawSample(byte: number): number {
  // μ-law: bits are inverted; sign, 3-bit exponent (segment), 4-bit mantissa, bias 0x84 (132).
  const u = ~byte & 0xff;
  const magnitude = ((((u & 0x0f) << 3) + 0x84) << ((u >> 4) & 0x07)) - 0x84;
  return u & 0x80 ? -magnitude : magnitude;
}

function alawSample(byte: number): number {
  // A-law: even bits are inverted (XOR 0x55); a set sign bit means positive.
  const a = byte ^ 0x55;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  const magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  return a & 0x80 ? magnitude : -magnitude;
}

function table(f: (byte: number) => number): Int16Array {
  const t = new Int16Array(256);
  for (let i = 0; i < 256; i++) t[i] = f(i);
  return t;
}

/** 16-bit linear samples of a PCMU (μ-law) payload. */
export function decodeUlaw(payload: Buffer): Int16Array {
  ulaw ??= table(ulawSample);
  const out = new Int16Array(payload.length);
  for (let i = 0; i < payload.length; i++) out[i] = ulaw[payload[i]];
  return out;
}

/** 16-bit linear samples of a PCMA (A-law) payload. */
export function decodeAlaw(payload: Buffer): Int16Array {
  alaw ??= table(alawSample);
  const out = new Int16Array(payload.length);
  for (let i = 0; i < payload.length; i++) out[i] = alaw[payload[i]];
  return out;
}
