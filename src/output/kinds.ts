import { recordKind, rtmpKind } from "./ffmpeg/ffmpeg-kinds";
import { SinkRegistry } from "./sink-registry";
import type { StreamRegistry } from "./whep/stream-registry";
import { whepKind } from "./whep/whep-kind";

/** What the engine gives the kinds it registers. */
export interface SinkKindDeps {
  /** The ffmpeg binary (throws FfmpegNotFoundError naming every place tried). */
  resolveFfmpeg: () => string;
  /** The engine's WebRTC streams; absent: no `whep` kind. */
  streams?: StreamRegistry;
}

/**
 * Every output kind an engine knows. A new kind: one folder under `src/output/` exporting its
 * SinkKind, and one `.register()` line here.
 */
export function defaultSinkKinds(deps: SinkKindDeps): SinkRegistry {
  const kinds = new SinkRegistry().register(rtmpKind(deps)).register(recordKind(deps));
  return deps.streams ? kinds.register(whepKind(deps.streams)) : kinds;
}
