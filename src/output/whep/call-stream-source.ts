import type { RtpChannel } from "../../rtp";
import type { MediaKind, NegotiatedMedia } from "../../sdp";
import type { RtpListener, StreamSource } from "./stream-source";

/** Unanswered RTCP keyframe requests after which a SIP INFO picture_fast_update goes too (peers that ignore RTCP feedback). */
const INFO_AFTER_REQUESTS = 4;

/**
 * A call's media as a {@link StreamSource}: listeners on its receive channels, keyframes asked by
 * RTCP PLI + FIR on its video channel and, when those go unanswered, by SIP INFO.
 */
export function callStreamSource(
  callId: string,
  media: NegotiatedMedia,
  channels: ReadonlyMap<MediaKind, RtpChannel>,
  requestPictureFastUpdate: () => void,
): StreamSource {
  let unanswered = 0;
  const video = channels.get("video");
  video?.on("keyframe", () => void (unanswered = 0));
  return {
    callId,
    media,
    onRtp(kind: MediaKind, listener: RtpListener): () => void {
      const channel = channels.get(kind);
      if (!channel) return () => undefined;
      const onRtp = (packet: Parameters<RtpListener>[0]): void => listener(packet, Date.now());
      channel.on("rtp", onRtp);
      return () => channel.off("rtp", onRtp);
    },
    requestKeyframe(): void {
      if (!video) return;
      video.requestKeyframe();
      if (++unanswered % INFO_AFTER_REQUESTS === 0) requestPictureFastUpdate();
    },
  };
}
