import { keyOfEvent } from "./telephone-event-decoder";

/**
 * Reads the key out of a SIP INFO DTMF body.
 *
 * @remarks
 * Two de-facto formats (no RFC covers them):
 * - `application/dtmf-relay` (Cisco, Asterisk, FreeSWITCH, sip.js): `Signal=5\r\nDuration=160`;
 *   some senders write `*`/`#` as 10/11, so a number 10–15 is read as an RFC 4733 event code;
 * - `application/dtmf`: the key alone, e.g. `5` (no event codes here).
 * Returns undefined for any other content type or an unreadable body.
 */
export function dtmfFromInfo(contentType: string | undefined, body: string): string | undefined {
  const type = (contentType ?? "").split(";")[0].trim().toLowerCase();
  if (type === "application/dtmf-relay") {
    const m = /(?:^|[\r\n])\s*signal\s*=\s*([^\s]+)/i.exec(body);
    return m ? normalizeKey(m[1], true) : undefined;
  }
  if (type === "application/dtmf") return normalizeKey(body.trim(), false);
  return undefined;
}

function normalizeKey(value: string, eventCodes: boolean): string | undefined {
  if (/^[0-9*#]$/.test(value)) return value;
  if (/^[a-d]$/i.test(value)) return value.toUpperCase();
  if (eventCodes && /^1[0-5]$/.test(value)) return keyOfEvent(Number(value));
  return undefined;
}
