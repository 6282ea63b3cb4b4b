import { escapeLogText, type Logger, type LogLevel } from "node-red-contrib-sipcast";
import type { Node } from "./node-red-types";

/**
 * The engine's Logger writing to a node's log (so lines carry the node's id and show in Node-RED's log).
 *
 * @remarks Control characters are escaped (escapeLogText). The engine never puts secrets in its messages (it redacts RTMP URLs itself). `error` goes to
 * `node.error` without a msg, which logs it but does not trigger Catch nodes: those get failures through
 * `done(err)` of the message concerned.
 */
export function nodeLogger(node: Node): Logger {
  const write: Record<LogLevel, (text: string) => void> = {
    debug: (text) => node.debug(text),
    info: (text) => node.log(text),
    warn: (text) => node.warn(text),
    error: (text) => node.error(text),
  };
  // One entry, one line: a CR/LF inside a value must not start a forged line in Node-RED's log.
  return { log: (level, category, message) => write[level](escapeLogText(`[${category}] ${message}`)) };
}
