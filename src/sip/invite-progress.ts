import { Core } from "sip.js";
import { cseqMethod, parseStartLine } from "./transport/message-head";

/**
 * The provisional response (101–199) to an INVITE that `text` is, parsed as sip.js parses every
 * message; undefined for anything else.
 *
 * @remarks sip.js 0.21.2 passes a 1xx to its request delegate only when the response can open an
 * early dialog: with a To-tag and a Contact (RFC 3261 §12.1.1). It drops the others with a log line
 * (`Non-100 1xx INVITE response received without a Contact header field, dropping`), yet they still
 * say that the callee rings or plays an announcement: linphone 5.1's `180 Ringing` has a To-tag and
 * no Contact. The endpoint reads provisional responses with this, at the transport, and tells the
 * call of every one of them, whether sip.js keeps it or not.
 */
export function parseInviteProgress(text: string, logger: Core.Logger): Core.IncomingResponseMessage | undefined {
  const start = parseStartLine(text);
  if (start?.kind !== "response" || start.statusCode <= 100 || start.statusCode >= 200) return undefined;
  if (cseqMethod(text) !== "INVITE") return undefined;
  const message = Core.Parser.parseMessage(text, logger);
  return message instanceof Core.IncomingResponseMessage && message.callId ? message : undefined;
}

/**
 * sip.js's complaint about a provisional response it drops for want of a Contact or To-tag. The
 * endpoint handles those responses itself (see {@link parseInviteProgress}), so the line is no
 * error of the call: it goes to the debug log instead of sip.js's error/warn level.
 */
export function isHandledProgressDrop(logContent: string): boolean {
  return /^Non-100 1xx INVITE response received without a (Contact header field|to tag), dropping/.test(logContent);
}
