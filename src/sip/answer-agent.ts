import { cseqMethod, firstHeader, headerValue, parseStartLine } from "./transport/message-head";

/** Who answered an INVITE: its Call-ID and the product it names (`User-Agent`, else `Server`). */
export interface AnswerAgent {
  callId: string;
  agent: string;
}

/**
 * The Call-ID and `User-Agent` (or `Server`) header of `text` when it is a 2xx response to an
 * INVITE that names its product; undefined for anything else.
 *
 * @remarks The call needs the answering product to know which G.722 level it speaks (see
 * codec-level.ts), and sip.js hands the 2xx to our code only after the session is established,
 * when the outputs are already starting: the endpoint reads it at the transport, first.
 */
export function answerAgentOf(text: string): AnswerAgent | undefined {
  const start = parseStartLine(text);
  if (start?.kind !== "response" || start.statusCode < 200 || start.statusCode >= 300) return undefined;
  if (cseqMethod(text) !== "INVITE") return undefined;
  const callIdLine = firstHeader(text, "call-id");
  const agentLine = firstHeader(text, "user-agent") ?? firstHeader(text, "server");
  if (!callIdLine || !agentLine) return undefined;
  const callId = headerValue(text, callIdLine).trim();
  const agent = headerValue(text, agentLine).trim();
  return callId && agent ? { callId, agent } : undefined;
}
