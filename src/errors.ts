/**
 * The few named errors of the engine. Each carries a stable `code` so that callers
 * (the CLI, the Node-RED adapters) can branch on it without parsing messages.
 */
export class SipcastError extends Error {
  constructor(message: string, public readonly code: string = "SIPCAST_ERROR") {
    super(message);
    this.name = new.target.name;
  }
}

/** A method was called on an object that is closed or in the wrong state for it. */
export class InvalidStateError extends SipcastError {
  constructor(message: string) {
    super(message, "INVALID_STATE");
  }
}

/** An option or input value is missing or malformed. The message names the field. */
export class ConfigError extends SipcastError {
  constructor(message: string) {
    super(message, "INVALID_CONFIG");
  }
}

/** No ffmpeg binary could be found; the message lists every place that was tried. */
export class FfmpegNotFoundError extends SipcastError {
  constructor(message: string) {
    super(message, "FFMPEG_NOT_FOUND");
  }
}
