/**
 * Cuts a text stream into lines. ffmpeg ends status lines with `\r`, so `\r`, `\n` and `\r\n`
 * all end a line. Feed decoded text (`stream.setEncoding("utf8")` keeps multi-byte characters whole).
 */
export class LineSplitter {
  private rest = "";

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string): void {
    const parts = (this.rest + chunk).split(/\r\n|\n|\r/);
    this.rest = parts.pop() ?? "";
    for (const line of parts) if (line.length > 0) this.onLine(line);
  }

  /** Emits what is left after the stream ended without a final newline. */
  flush(): void {
    const line = this.rest;
    this.rest = "";
    if (line.length > 0) this.onLine(line);
  }
}
