import type { SdpMedia } from "sdp-transform";
import { readCryptoLine, type SdesKey } from "../srtp/sdes-crypto";
import type { SrtpSuite } from "../srtp/srtp-suite";
import type { MediaKind } from "./sdp-types";

/** The SRTP profiles of an m= line; RTP/AVP(F) carry `a=crypto` only as a best-effort offer. */
export const SECURE_PROTOCOLS: ReadonlySet<string> = new Set(["RTP/SAVP", "RTP/SAVPF"]);
export const PLAIN_PROTOCOLS: ReadonlySet<string> = new Set(["RTP/AVP", "RTP/AVPF"]);

/** Our SDES offer: the m= protocol and our keys per medium, one per suite, in preference order. */
export interface SdesOffer {
  protocol: "RTP/AVP" | "RTP/SAVP";
  /** true: a medium the peer answers without a key is not used (`required`). */
  required: boolean;
  keys: Partial<Record<MediaKind, readonly SdesKey[]>>;
}

/** How we answer a peer's offer with keys. */
export interface SdesAnswerPolicy {
  /** true: an m= line without a usable key is rejected. */
  required: boolean;
  /** Whether we take a suite the peer offers (absent: every suite we implement). */
  accepts?(suite: SrtpSuite): boolean;
  /** Our key for a medium and the suite the peer chose (its tag is replaced by the peer's). */
  localKeyFor(kind: MediaKind, suite: SrtpSuite): SdesKey;
}

/** The SRTP of one negotiated medium. The keys are secrets: never log them. */
export interface NegotiatedSrtp {
  suite: SrtpSuite;
  local: SdesKey;
  remote: SdesKey;
}

/** The peer's answer line that picks one of our offered keys (same tag and suite), with its own key. */
export function answeredCrypto(media: SdpMedia, ours: readonly SdesKey[]): NegotiatedSrtp | undefined {
  for (const line of media.crypto ?? []) {
    const remote = readCryptoLine(line);
    const local = remote && ours.find((k) => k.tag === remote.tag && k.suite === remote.suite);
    if (remote && local) return { suite: remote.suite, local, remote };
  }
  return undefined;
}

/** The first of the peer's offered lines we can use (the offer lists them in its preference order). */
export function offeredCrypto(media: SdpMedia, accepts: (suite: SrtpSuite) => boolean = () => true): SdesKey | undefined {
  for (const line of media.crypto ?? []) {
    const key = readCryptoLine(line);
    if (key && accepts(key.suite)) return key;
  }
  return undefined;
}
