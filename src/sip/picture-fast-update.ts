import type { Session } from "sip.js";

/** RFC 5168 body asking the peer's video encoder for a full (intra) picture. */
export const PICTURE_FAST_UPDATE_XML =
  '<?xml version="1.0" encoding="utf-8" ?>\r\n' +
  "<media_control>\r\n  <vc_primitive>\r\n    <to_encoder>\r\n      <picture_fast_update/>\r\n    </to_encoder>\r\n  </vc_primitive>\r\n</media_control>\r\n";

/** The RFC 5168 content type. */
export const MEDIA_CONTROL_CONTENT_TYPE = "application/media_control+xml";

/**
 * Sends a SIP INFO `picture_fast_update` in the call's dialog (RFC 5168): the fallback for peers
 * that ignore RTCP PLI/FIR (many desk phones and MCUs only listen to this). Fire and forget: a
 * peer that refuses it (415, 501) is just one that cannot be asked.
 */
export function sendPictureFastUpdate(session: Pick<Session, "info">): void {
  void session
    .info({ requestOptions: { body: { contentDisposition: "render", contentType: MEDIA_CONTROL_CONTENT_TYPE, content: PICTURE_FAST_UPDATE_XML } } })
    .catch(() => undefined);
}
