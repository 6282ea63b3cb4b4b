import { escapeLogText } from "./log-text";

/** Severity levels, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/**
 * Where the engine writes its diagnostics. The CLI prints to stderr, the Node-RED adapters
 * route to `node.log`/`node.warn`. Callers must never pass secrets (passwords, stream keys):
 * use `redact` from this module on URLs before logging them.
 */
export interface Logger {
  log(level: LogLevel, category: string, message: string): void;
}

/** A logger that drops everything: the default for library use. */
export const silentLogger: Logger = { log: () => undefined };

/** Builds a logger that prints lines of at least `minLevel` to a writable (stderr by default). */
export function streamLogger(minLevel: LogLevel = "info", out: NodeJS.WritableStream = process.stderr): Logger {
  const order: LogLevel[] = ["debug", "info", "warn", "error"];
  const min = order.indexOf(minLevel);
  return {
    log(level, category, message) {
      if (order.indexOf(level) < min) return;
      // One entry, one line: a CR/LF inside a value must not start a forged line.
      out.write(`${new Date().toISOString()} ${level} [${escapeLogText(category)}] ${escapeLogText(message)}\n`);
    },
  };
}

/**
 * Hides the secret part of an RTMP target: the stream name (which is the stream key on every CDN)
 * and any user-info or query string. `rtmp://u:p@host/app/key?x=1` → `rtmp://host/app/***`.
 */
export function redactRtmpUrl(url: string): string {
  const m = /^(rtmps?):\/\/(?:[^@/]*@)?([^/]+)(\/[^/?]*)?/i.exec(url);
  if (!m) return "<rtmp url>";
  return `${m[1]}://${m[2]}${m[3] ?? ""}/***`;
}
