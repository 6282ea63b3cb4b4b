/**
 * Level corrections, in dB, for the audio of one call: `receiveDb` is added to what the peer sends
 * before it is published, `sendDb` to a file played to the peer before it is encoded.
 */
export interface CodecLevelGain {
  receiveDb: number;
  sendDb: number;
}

/**
 * Products whose G.722 codec is mediastreamer2's (linphone and everything built on liblinphone,
 * which names belle-sip, its SIP stack, or the app: `Linphonec/5.1.65`, `Linphone Desktop/…`,
 * `LinphoneAndroid/…`, `… (belle-sip/…)`), matched in the `User-Agent` or `Server` of the answer.
 */
export const MEDIASTREAMER2_AGENT = /linphone|belle-sip|mediastreamer/i;

/**
 * The level difference between mediastreamer2's G.722 and ffmpeg's: 6 dB (a factor of 2, one bit).
 *
 * @remarks Measured end to end with the same 1 kHz tone: from linphone 5.1 the published level was
 * 6.2 dB lower over G.722 than over PCMU, and a file ffmpeg encoded to G.722 reached linphone 6.0 dB
 * louder than over PCMU, clipped at full scale; baresip (whose G.722 agrees with ffmpeg's) showed no
 * difference between the codecs either way. So the fix is per peer product, not per codec alone.
 */
export const MEDIASTREAMER2_G722_GAIN_DB = 6;

const NONE: CodecLevelGain = { receiveDb: 0, sendDb: 0 };

/** The level corrections for audio in `codec` (as negotiated) with the product `peerAgent` (undefined: unknown, none). */
export function codecLevelGain(codec: string | undefined, peerAgent: string | undefined): CodecLevelGain {
  if (codec?.toUpperCase() !== "G722" || peerAgent === undefined || !MEDIASTREAMER2_AGENT.test(peerAgent)) return NONE;
  return { receiveDb: MEDIASTREAMER2_G722_GAIN_DB, sendDb: -MEDIASTREAMER2_G722_GAIN_DB };
}

/** ffmpeg's audio filter for a gain (`volume=6dB`), or undefined for none. */
export function volumeFilter(gainDb: number | undefined): string | undefined {
  return gainDb === undefined || gainDb === 0 ? undefined : `volume=${gainDb}dB`;
}
