import type { Logger } from "./logger";

/**
 * C0 controls (CR, LF, TAB, ESC…), DEL, C1 controls (NEL U+0085 among them) and the Unicode line
 * and paragraph separators: anything a terminal, a log file or a log shipper may take as a line
 * break or a control sequence.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const NAMED: Readonly<Record<string, string>> = { "\r": "\\r", "\n": "\\n", "\t": "\\t" };

/**
 * A value made safe to write as part of one log line: every control character is written as an
 * escape (`\r`, `\n`, `\t`, else `\xNN` or `\uNNNN`), so text from the network (a SIP reason
 * phrase, a display name, an ffmpeg line quoting a URL) can never start a forged line of its own.
 * Printable text, backslashes included, is left as it is; escaping twice changes nothing.
 */
export function escapeLogText(text: string): string {
  return text.replace(CONTROL, (c) => {
    const named = NAMED[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/** A logger that escapes the category and message (see {@link escapeLogText}) before `inner` sees them. */
export function escapingLogger(inner: Logger): Logger {
  return { log: (level, category, message) => inner.log(level, escapeLogText(category), escapeLogText(message)) };
}
