import { recordKind, rtmpKind } from "./ffmpeg/ffmpeg-kinds";
import { SinkRegistry } from "./sink-registry";

/** What the engine gives the kinds it registers. */
export interface SinkKindDeps {
  /** The ffmpeg binary (throws FfmpegNotFoundError naming every place tried). */
  resolveFfmpeg: () => string;
}

/**
 * Every output kind an engine knows. A new kind: one folder under `src/output/` exporting its
 * SinkKind, and one `.register()` line here.
 */
export function defaultSinkKinds(deps: SinkKindDeps): SinkRegistry {
  return new SinkRegistry()
    .register(rtmpKind(deps))
    .register(recordKind(deps));
}
