import type { NegotiatedMedia, NegotiatedStream } from "./negotiated-types";
import type { LocalOffer, OfferedMedia } from "./offer-types";
import { parseSdp, type CheckedSession } from "./parse-sdp";
import { matchesOffered, payloadNumbers, remoteFormats } from "./remote-formats";
import { readFeedback, readRemoteTransport } from "./remote-transport";
import { SdpError } from "./sdp-error";

import { answeredCrypto, PLAIN_PROTOCOLS, SECURE_PROTOCOLS } from "./sdes-media";

/**
 * Reads the peer's answer to our offer.
 *
 * @remarks
 * Answer m= lines pair with ours by index (RFC 3264); should the kind there differ, the first
 * answer m= line of our kind is used instead. A kind is absent when its answer line has port 0,
 * is not RTP/AVP(F) (nor RTP/SAVP(F) with a key for one of ours), or has no codec we offered; with
 * SRTP required, also when the answer has no `a=crypto` line for one of our keys (tag and suite). Codecs match by name and clock rate, not by
 * payload number; of several, the answer's first that we offered is chosen.
 * @throws SdpError NO_COMMON_CODECS when no kind is usable, MALFORMED_SDP when the text cannot be
 * read or a used m= line has no c= address.
 */
export function negotiateAnswer(offer: LocalOffer, answerSdp: string): NegotiatedMedia {
  const session = parseSdp(answerSdp, "answer");
  const result: NegotiatedMedia = {};
  let refused = false;
  for (const ours of [offer.audio, offer.video]) {
    if (ours === undefined) continue;
    const stream = negotiateKind(session, ours, offer);
    if (stream === "refused") refused = true;
    else if (stream !== undefined) result[ours.kind] = stream;
  }
  if (result.audio === undefined && result.video === undefined) {
    if (refused) throw new SdpError("SRTP_REFUSED", "SRTP is required and the answer has no a=crypto key for the offered media");
    throw new SdpError("NO_COMMON_CODECS", "The answer accepts none of the offered media with a codec we offered");
  }
  return result;
}

function negotiateKind(session: CheckedSession, ours: OfferedMedia, offer: LocalOffer): NegotiatedStream | "refused" | undefined {
  let index = ours.mlineIndex;
  if (session.media[index]?.type.toLowerCase() !== ours.kind) index = session.media.findIndex((m) => m.type.toLowerCase() === ours.kind);
  const media = session.media[index];
  if (media === undefined || media.port === 0) return undefined;
  const protocol = media.protocol.toUpperCase();
  const srtp = answeredCrypto(media, offer.srtp?.keys[ours.kind] ?? []);
  if (offer.srtp?.required && !srtp && (PLAIN_PROTOCOLS.has(protocol) || SECURE_PROTOCOLS.has(protocol))) return "refused";
  if (!PLAIN_PROTOCOLS.has(protocol) && !(SECURE_PROTOCOLS.has(protocol) && srtp)) return undefined;

  const formats = remoteFormats(media);
  const chosen = formats.find((f) => ours.formats.some((o) => o.codec !== "telephone-event" && matchesOffered(f, o)));
  if (chosen === undefined || chosen.codec === undefined || chosen.codec === "telephone-event") return undefined;
  const codec = chosen.codec;

  const transport = readRemoteTransport(session, media, "answer", true);
  const sameCodecOffered = ours.formats.filter((o) => o.codec === codec);
  const answerSame = formats.filter((f) => sameCodecOffered.some((o) => matchesOffered(f, o)));
  const sameNumbers = new Set(answerSame.map((f) => f.payloadType));
  const answerOther = new Set(payloadNumbers(media).filter((pt) => !sameNumbers.has(pt)));
  // The peer should send with the answer's numbers, but some send with ours: accept both, unless
  // the answer gave one of our numbers to another format.
  const receive = new Set<number>([chosen.payloadType, ...sameNumbers]);
  for (const o of sameCodecOffered) if (!answerOther.has(o.payloadType)) receive.add(o.payloadType);

  // RFC 4733 §2.1: events on the audio codec's clock when the answer has them, else on 8 kHz.
  const ourEvents = ours.formats.filter((o) => o.codec === "telephone-event");
  const events = formats.filter((f) => ourEvents.some((o) => matchesOffered(f, o)));
  const event = events.find((f) => f.clockRate === chosen.clockRate) ?? events[0];

  return {
    kind: ours.kind,
    mlineIndex: index,
    codec,
    payloadType: chosen.payloadType,
    receivePayloadTypes: [...receive],
    clockRate: chosen.clockRate,
    channels: ours.kind === "audio" ? chosen.channels : 1,
    ...(chosen.fmtp === undefined ? {} : { fmtp: chosen.fmtp }),
    ...(event === undefined ? {} : { telephoneEvent: { payloadType: event.payloadType, clockRate: event.clockRate } }),
    ...transport,
    feedback: readFeedback(media, chosen.payloadType),
    localPort: ours.port,
    ...(srtp ? { srtp } : {}),
  };
}
