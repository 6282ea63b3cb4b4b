import type { IncomingMessage } from "node:http";

/**
 * Reads a request body as UTF-8 text, at most `limit` bytes: a Content-Length above it is refused before
 * reading, and a body that grows past it (no or a false Content-Length) is refused as soon as it does, with
 * `tooLarge()`; what was read so far is dropped. Written here because body-parser is Node-RED's dependency,
 * not this package's, and the CLI's WHEP server has no framework at all.
 */
export function readCappedText(req: Pick<IncomingMessage, "headers" | "on">, limit: number, tooLarge: () => Error): Promise<string> {
  if (Number(req.headers["content-length"] ?? 0) > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on("data", (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!failed) resolve(Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", (error) => {
      if (!failed) reject(error);
      failed = true;
    });
  });
}
