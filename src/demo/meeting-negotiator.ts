import { InvalidStateError } from "../errors";
import { answerOffer, type AudioCodecName, type NegotiatedMedia } from "../sdp";
import type { MediaNegotiator } from "../sip/media-negotiator";

/** The ports a test meeting call advertises. */
export interface MeetingPorts {
  address: string;
  audioPort?: number;
  videoPort?: number;
  /** Audio codecs answered (default: the caller's first supported one). */
  audioCodecs?: readonly AudioCodecName[];
}

/**
 * The test meeting peer's side of offer/answer: it only answers (the caller's INVITE offer and any
 * re-INVITE), always on the same ports, through the engine's own SDP module.
 *
 * @remarks
 * `answerOffer` picks the caller's first format of each kind that the SDP module supports (PCMU,
 * PCMA, G722, opus; H264, VP8); the peer's ffmpeg can encode every one of them.
 */
export class MeetingNegotiator implements MediaNegotiator {
  #negotiated: NegotiatedMedia | undefined;
  #sessionVersion = 0;
  readonly #sessionId = Math.floor(Math.random() * 2 ** 31);

  constructor(private readonly ports: MeetingPorts) {}

  /** The media of the last answer, once there is one. */
  get negotiated(): NegotiatedMedia | undefined {
    return this.#negotiated;
  }

  createOffer(): string {
    // INVITEs without an offer are declined before they get here; the peer never re-offers.
    throw new InvalidStateError("the test meeting peer only answers offers");
  }

  applyAnswer(): void {
    throw new InvalidStateError("the test meeting peer never sent an offer");
  }

  answerOffer(sdp: string): string {
    const answer = answerOffer(sdp, { ...this.ports, sessionId: this.#sessionId, sessionVersion: this.#sessionVersion });
    this.#sessionVersion = answer.sessionVersion;
    this.#negotiated = answer.media;
    return answer.sdp;
  }
}
