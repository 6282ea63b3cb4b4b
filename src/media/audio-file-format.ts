import * as path from "node:path";
import { volumeFilter } from "./codec-level";

/** How ffmpeg writes one negotiated audio codec to its stdout, and how that byte stream splits into packets. */
export interface AudioFileFormat {
  /** The codec name as negotiated (upper case): PCMU, PCMA, G722, OPUS. */
  codec: string;
  /** ffmpeg output options (after `-i`), ending with the muxer; the output is `pipe:1`. */
  outputArgs: readonly string[];
  /**
   * `fixed`: a raw byte stream cut into `frameBytes` per packet (G.711 and G.722 have no framing of
   * their own); `ogg`: Ogg Opus pages, one Opus packet per RTP packet.
   */
  framing: { kind: "fixed"; frameBytes: number; padByte: number } | { kind: "ogg" };
}

/**
 * The ffmpeg output that gives one RTP payload per `ptimeMs` for `codec`, or undefined for a codec
 * we cannot make (then no file can be played into the call).
 *
 * @remarks
 * G.711 and G.722 are 8000 bytes/s (G.722's RTP clock is 8000 although it samples at 16 kHz,
 * RFC 3551 §4.5.2), so 20 ms is 160 bytes; the last short frame is padded with the codec's silence
 * byte (see silence-frame.ts). Opus has no raw stream format in ffmpeg: Ogg is the simplest
 * container that keeps packet boundaries (audio-file-ogg.ts). `-frame_duration` makes every Opus
 * packet one `ptimeMs` frame; mono is valid in an `opus/48000/2` session (RFC 7587 §7).
 * `gainDb` (default 0) changes the file's level before it is encoded (codec-level.ts: a peer whose
 * G.722 plays 6 dB loud gets it 6 dB lower).
 */
export function audioFileFormat(codec: string, ptimeMs = 20, gainDb = 0): AudioFileFormat | undefined {
  const format = baseFormat(codec, ptimeMs);
  const gain = volumeFilter(gainDb);
  return format && gain ? { ...format, outputArgs: ["-af", gain, ...format.outputArgs] } : format;
}

function baseFormat(codec: string, ptimeMs: number): AudioFileFormat | undefined {
  const name = codec.toUpperCase();
  const frameBytes = (8000 * ptimeMs) / 1000;
  switch (name) {
    case "PCMU":
      return { codec: name, outputArgs: ["-ac", "1", "-ar", "8000", "-c:a", "pcm_mulaw", "-f", "mulaw"], framing: { kind: "fixed", frameBytes, padByte: 0xff } };
    case "PCMA":
      return { codec: name, outputArgs: ["-ac", "1", "-ar", "8000", "-c:a", "pcm_alaw", "-f", "alaw"], framing: { kind: "fixed", frameBytes, padByte: 0xd5 } };
    case "G722":
      return { codec: name, outputArgs: ["-ac", "1", "-ar", "16000", "-c:a", "g722", "-f", "g722"], framing: { kind: "fixed", frameBytes, padByte: 0xff } };
    case "OPUS":
      // libopus accepts 2.5–60 ms frames only.
      if (![10, 20, 40, 60].includes(ptimeMs)) return undefined;
      return {
        codec: name,
        outputArgs: ["-ac", "1", "-ar", "48000", "-c:a", "libopus", "-b:a", "32000", "-application", "audio", "-frame_duration", String(ptimeMs), "-f", "ogg"],
        framing: { kind: "ogg" },
      };
    default:
      return undefined;
  }
}

/** Codecs {@link audioFileFormat} supports, for error texts. */
export const AUDIO_FILE_CODECS = "PCMU, PCMA, G722 and opus";

/**
 * ffmpeg's argument list (never a shell) that decodes `file` to `format` on stdout.
 *
 * @remarks `file:` plus an absolute path keeps a name containing `:` from being read as a protocol,
 * and `-protocol_whitelist file` keeps playlists (m3u8, concat) from opening network URLs: the
 * path may come from a flow message. `-map 0:a:0` takes the first audio stream and fails with
 * "matches no streams" when there is none. `-stream_loop -1` repeats the input for ever.
 */
export function buildAudioFileArgs(file: string, format: AudioFileFormat, loop: boolean): string[] {
  return [
    "-nostdin",
    "-hide_banner",
    "-loglevel",
    "error",
    "-protocol_whitelist",
    "file",
    ...(loop ? ["-stream_loop", "-1"] : []),
    "-i",
    `file:${path.resolve(file)}`,
    "-map",
    "0:a:0",
    ...format.outputArgs,
    "pipe:1",
  ];
}
