import { redactRtmpUrl } from "../util/logger";

/** Secrets shorter than this are not replaced where they appear bare: they would mangle ordinary words. */
const MIN_BARE_SECRET = 4;
const ANY_RTMP_URL = /rtmp[st]?:\/\/[^\s'"<>]+/gi;

/**
 * Builds a function that hides an RTMP URL's secrets in any text (ffmpeg stderr lines, argv dumps).
 *
 * @remarks
 * Three passes, because ffmpeg prints the target in several shapes: the exact URL, any other
 * `rtmp(s)://…` text (e.g. after a redirect), and the bare stream key or password (RTMP
 * modules may log the play path alone). The result is `rtmp://host/app/***`.
 */
export function makeUrlRedactor(url?: string): (text: string) => string {
  const secrets = url ? secretsOf(url) : [];
  const exact = url ? redactRtmpUrl(url) : "";
  return (text: string): string => {
    let out = url ? text.split(url).join(exact) : text;
    out = out.replace(ANY_RTMP_URL, (match) => {
      const tail = /[:.,;)\]]+$/.exec(match)?.[0] ?? "";
      const core = match.slice(0, match.length - tail.length);
      return `${redactRtmpUrl(core)}${tail}`;
    });
    for (const secret of secrets) out = out.split(secret).join("***");
    return out;
  };
}

/** The stream key (path after the app), query values and password of an RTMP URL. */
function secretsOf(url: string): string[] {
  const found: string[] = [];
  const m = /^rtmp[st]?:\/\/(?:([^@/]*)@)?[^/]+\/[^/?]*\/?([^?]*)(?:\?(.*))?$/i.exec(url);
  if (m) {
    const userinfo = m[1] ?? "";
    const password = userinfo.includes(":") ? userinfo.slice(userinfo.indexOf(":") + 1) : "";
    found.push(password, m[2] ?? "");
    for (const pair of (m[3] ?? "").split("&")) found.push(pair.slice(pair.indexOf("=") + 1));
  }
  const decoded = found.flatMap((s) => {
    try {
      const d = decodeURIComponent(s);
      return d === s ? [s] : [s, d];
    } catch {
      return [s];
    }
  });
  // Longest first, so a key that contains another secret is replaced whole.
  return [...new Set(decoded)].filter((s) => s.length >= MIN_BARE_SECRET).sort((a, b) => b.length - a.length);
}
