/**
 * SDP texts used by the src/sdp tests. The BARESIP_* ones were captured on loopback from baresip
 * 1.0.0 (Debian 12) answering our offer and calling a sipp UAS that it then put on hold and
 * resumed; the others are edited from those to cover what other peers do.
 */

/** Joins SDP lines with CRLF, the way they travel in a SIP body. */
export function sdp(...lines: string[]): string {
  return lines.map((l) => `${l}\r\n`).join("");
}

/** baresip 1.0.0's 200 OK body for our default offer (audio 27100, video 27102). */
export const BARESIP_ANSWER = sdp(
  "v=0",
  "o=- 2208115891 142873594 IN IP4 127.0.0.1",
  "s=-",
  "c=IN IP4 127.0.0.1",
  "t=0 0",
  "a=tool:baresip 1.0.0",
  "m=audio 26258 RTP/AVP 0 8 101",
  "a=rtpmap:0 PCMU/8000",
  "a=rtpmap:8 PCMA/8000",
  "a=rtpmap:101 telephone-event/8000",
  "a=fmtp:101 0-15",
  "a=sendrecv",
  "a=label:1",
  "a=ssrc:360975561 cname:sip:uas@127.0.0.1:25162",
  "a=minptime:20",
  "a=ptime:20",
  "m=video 26222 RTP/AVP 96 97",
  "a=rtpmap:96 H264/90000",
  "a=fmtp:96 packetization-mode=1;profile-level-id=42e01f",
  "a=rtpmap:97 H264/90000",
  "a=fmtp:97 packetization-mode=0;profile-level-id=42e01f",
  "a=sendrecv",
  "a=label:2",
  "a=ssrc:641799366 cname:sip:uas@127.0.0.1:25162",
  "a=framerate:25.00",
  "a=rtcp-fb:* nack pli",
  "a=content:main",
);

/** A baresip-style answer from a peer that renumbers H264 to 100 and sends sprop-parameter-sets. */
export const SPROP_PARAMETER_SETS = "Z0LAHtkAoD2wEQAAAwABAAADADIPFi5I,aMuMsg==";
export const BARESIP_STYLE_ANSWER_PT100 = sdp(
  "v=0",
  "o=- 3021395118 1764325401 IN IP4 198.51.100.20",
  "s=-",
  "c=IN IP4 198.51.100.20",
  "t=0 0",
  "m=audio 26258 RTP/AVP 0 8 101",
  "a=rtpmap:0 PCMU/8000",
  "a=rtpmap:8 PCMA/8000",
  "a=rtpmap:101 telephone-event/8000",
  "a=fmtp:101 0-15",
  "a=sendrecv",
  "a=ssrc:360975561 cname:sip:uas@198.51.100.20",
  "a=ptime:20",
  "m=video 26222 RTP/AVP 100",
  "a=rtpmap:100 H264/90000",
  `a=fmtp:100 packetization-mode=1;profile-level-id=42c01e;sprop-parameter-sets=${SPROP_PARAMETER_SETS}`,
  "a=sendrecv",
  "a=ssrc:641799366 cname:sip:uas@198.51.100.20",
  "a=rtcp-fb:* nack pli",
);

/** baresip 1.0.0's INVITE offer when it calls us. */
export const BARESIP_OFFER = sdp(
  "v=0",
  "o=- 2500508728 597000568 IN IP4 127.0.0.1",
  "s=-",
  "c=IN IP4 127.0.0.1",
  "t=0 0",
  "a=tool:baresip 1.0.0",
  "m=audio 26288 RTP/AVP 0 8 101",
  "a=rtpmap:0 PCMU/8000",
  "a=rtpmap:8 PCMA/8000",
  "a=rtpmap:101 telephone-event/8000",
  "a=fmtp:101 0-15",
  "a=sendrecv",
  "a=label:1",
  "a=rtcp-rsize",
  "a=ssrc:3985353902 cname:sip:uas@127.0.0.1:25162",
  "a=minptime:20",
  "a=ptime:20",
  "m=video 26290 RTP/AVP 96 97 34 98 99",
  "a=rtpmap:96 H264/90000",
  "a=fmtp:96 packetization-mode=0;profile-level-id=42e01f",
  "a=rtpmap:97 H264/90000",
  "a=fmtp:97 packetization-mode=1;profile-level-id=42e01f",
  "a=rtpmap:34 H263/90000",
  "a=fmtp:34 CIF=1;CIF4=1",
  "a=rtpmap:98 MP4V-ES/90000",
  "a=fmtp:98 profile-level-id=3",
  "a=rtpmap:99 H265/90000",
  "a=fmtp:99 profile-id=1",
  "a=sendrecv",
  "a=label:2",
  "a=rtcp-rsize",
  "a=ssrc:2288997881 cname:sip:uas@127.0.0.1:25162",
  "a=framerate:25.00",
  "a=rtcp-fb:* nack pli",
  "a=content:main",
);

function baresipReInvite(version: number, direction: string): string {
  return sdp(
    "v=0",
    `o=- 2500508728 ${version} IN IP4 127.0.0.1`,
    "s=-",
    "c=IN IP4 127.0.0.1",
    "t=0 0",
    "a=tool:baresip 1.0.0",
    "m=audio 26288 RTP/AVP 0 101",
    "a=rtpmap:0 PCMU/8000",
    "a=rtpmap:101 telephone-event/8000",
    "a=fmtp:101 0-15",
    `a=${direction}`,
    "a=label:1",
    "a=rtcp-rsize",
    "a=ssrc:3985353902 cname:sip:uas@127.0.0.1:25162",
    "a=minptime:20",
    "a=ptime:20",
    "m=video 26290 RTP/AVP 97",
    "a=rtpmap:97 H264/90000",
    "a=fmtp:97 packetization-mode=1;profile-level-id=42e01f",
    `a=${direction}`,
    "a=label:2",
    "a=rtcp-rsize",
    "a=ssrc:2288997881 cname:sip:uas@127.0.0.1:25162",
    "a=framerate:25.00",
    "a=rtcp-fb:* nack pli",
    "a=content:main",
  );
}

/** baresip 1.0.0's re-INVITE on `hold` (after a first answer that used 97 for H264 mode 1). */
export const BARESIP_HOLD_OFFER = baresipReInvite(597000569, "sendonly");

/** baresip 1.0.0's re-INVITE on `resume`. */
export const BARESIP_RESUME_OFFER = baresipReInvite(597000570, "sendrecv");
