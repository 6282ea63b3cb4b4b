import type { SinkContext, SinkKind, Sink } from "../sink";
import { checkStreamName, type StreamRegistry } from "./stream-registry";
import { WhepSink } from "./whep-sink";

/** A `whep` output's target: the name browsers watch the call under. */
export interface WhepOutputTarget {
  toStream: string;
}

/**
 * WebRTC viewers over WHEP: `{ toStream }`. The engine's {@link StreamRegistry} is shared by every
 * call, since stream names are unique across them and one HTTP endpoint serves them all.
 */
export function whepKind(streams: StreamRegistry): SinkKind<string> {
  return {
    kind: "whep",
    shape: "{ toStream }",
    accepts: (target) => "toStream" in target,
    resolve: (target) => checkStreamName((target as Partial<WhepOutputTarget>).toStream),
    create(stream: string, _settings, ctx: SinkContext): Sink {
      // Taken here, not at start(): a name another call holds is the caller's ConfigError.
      streams.reserve(stream, ctx.callId);
      return new WhepSink(stream, streams, ctx);
    },
  };
}
