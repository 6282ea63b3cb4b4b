import { InvalidStateError } from "../errors";
import { answerOffer, buildOffer, negotiateAnswer, type AudioCodecName, type LocalOffer, type NegotiatedMedia, type VideoCodecName } from "../sdp";
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

  #reoffer: { audioCodec?: AudioCodecName; videoCodec?: VideoCodecName } | undefined;
  #offer: LocalOffer | undefined;

  constructor(private ports: MeetingPorts) {}

  /** The media of the last answer, once there is one. */
  get negotiated(): NegotiatedMedia | undefined {
    return this.#negotiated;
  }

  /**
   * The offer of the peer's own re-INVITE (see TestMeetingPeerOptions.reinvites): its media on
   * `ports` from now on, with only `audioCodec` offered for audio when given, and only `videoCodec`
   * (default H.264) for video.
   */
  prepareReoffer(ports: MeetingPorts, audioCodec?: AudioCodecName, videoCodec?: VideoCodecName): void {
    this.ports = ports;
    this.#reoffer = { audioCodec, videoCodec };
  }

  createOffer(): string {
    // INVITEs without an offer are declined before they get here; the peer offers only in its own re-INVITE.
    if (!this.#reoffer) throw new InvalidStateError("the test meeting peer only answers offers");
    this.#sessionVersion++;
    const audioCodecs = this.#reoffer.audioCodec ? [this.#reoffer.audioCodec] : undefined;
    // One video codec: H.264 (what the test pattern's layout change and the tests use) unless told.
    this.#offer = buildOffer({ ...this.ports, sessionId: this.#sessionId, sessionVersion: this.#sessionVersion, audioCodecs, videoCodecs: [this.#reoffer.videoCodec ?? "H264"] });
    this.#reoffer = undefined;
    return this.#offer.sdp;
  }

  applyAnswer(sdp: string): void {
    if (!this.#offer) throw new InvalidStateError("the test meeting peer never sent an offer");
    this.#negotiated = negotiateAnswer(this.#offer, sdp);
    this.#offer = undefined;
  }

  answerOffer(sdp: string): string {
    const answer = answerOffer(sdp, { ...this.ports, sessionId: this.#sessionId, sessionVersion: this.#sessionVersion });
    this.#sessionVersion = answer.sessionVersion;
    this.#negotiated = answer.media;
    return answer.sdp;
  }
}
