import type { Logger, LogLevel } from "../../../src/util/logger";

/** A Logger that keeps every line, to assert on what reached the logs. */
export class CaptureLogger implements Logger {
  readonly lines: string[] = [];
  private waiters: Array<{ re: RegExp; resolve: () => void }> = [];

  log(level: LogLevel, category: string, message: string): void {
    const line = `${level} [${category}] ${message}`;
    this.lines.push(line);
    this.waiters = this.waiters.filter((w) => (w.re.test(line) ? (w.resolve(), false) : true));
  }

  text(): string {
    return this.lines.join("\n");
  }

  /** Resolves when a line matching `re` has been (or is later) logged. */
  waitFor(re: RegExp): Promise<void> {
    if (this.lines.some((l) => re.test(l))) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ re, resolve }));
  }
}
