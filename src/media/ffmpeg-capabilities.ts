import { execFile } from "node:child_process";

const cache = new Map<string, Promise<boolean>>();

/**
 * Whether this ffmpeg's SDP demuxer has the `-localaddr` option (Debian's 5.1 has it; older
 * 4.x builds may not, and an unknown option would make ffmpeg refuse to start).
 *
 * @remarks
 * Without `-localaddr 127.0.0.1` ffmpeg binds its RTP input ports on every interface, so any
 * host that can reach them could inject media or an RTCP BYE that ends the stream. Asked once
 * per binary (`ffmpeg -h demuxer=sdp`, ~50 ms) and cached; any failure counts as "no".
 */
export function ffmpegSupportsSdpLocalAddr(ffmpegPath: string, timeoutMs = 5000): Promise<boolean> {
  let answer = cache.get(ffmpegPath);
  if (!answer) {
    answer = new Promise<boolean>((resolve) => {
      execFile(ffmpegPath, ["-hide_banner", "-h", "demuxer=sdp"], { timeout: timeoutMs, windowsHide: true }, (error, stdout) => {
        resolve(!error && /^\s*-localaddr\b/m.test(stdout));
      });
    });
    cache.set(ffmpegPath, answer);
  }
  return answer;
}
