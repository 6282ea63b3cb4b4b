/**
 * Every peer the harness starts is tracked here until its stop() finishes, so the root
 * hook in cleanup.ts can stop what a test forgot, and process exit can still kill the
 * process groups when mocha leaves with `--exit`.
 */

/** Something the harness started and can stop. */
export interface TrackedPeer {
  /** For messages, e.g. "kamailio udp:23456". */
  readonly name: string;
  /** Process group id when the peer is a process group (killed with SIGKILL at exit). */
  readonly pgid?: number;
  /** False once the peer ended by itself (a process group with no process left); absent: assumed running. */
  isRunning?(): boolean;
  stop(): Promise<void>;
}

const live = new Set<TrackedPeer>();
/** Every process group ever started: lets childProcessesNamed see orphans re-parented to init. */
const groups = new Set<number>();

/** Starts tracking a peer; returns a function that stops tracking it. */
export function track(peer: TrackedPeer): () => void {
  live.add(peer);
  if (peer.pgid !== undefined) groups.add(peer.pgid);
  return () => {
    live.delete(peer);
  };
}

/** Process group ids started by the harness (including stopped ones). */
export function startedGroups(): ReadonlySet<number> {
  return groups;
}

/** Names of the peers not stopped yet. */
export function livePeers(): string[] {
  return [...live].map((p) => p.name);
}

/**
 * Stops every tracked peer (in reverse start order); returns the names of those that were still
 * running (a peer that ended by itself, e.g. a launcher a test interrupted, is only released).
 */
export async function stopAll(): Promise<string[]> {
  const peers = [...live].reverse();
  const running = peers.filter((p) => p.isRunning?.() ?? true);
  for (const peer of peers) {
    try {
      await peer.stop();
    } catch {
      // Best effort: the next peer must still be stopped.
    }
    live.delete(peer);
  }
  return running.map((p) => p.name);
}

process.on("exit", () => {
  // Last resort (no async work is possible here): kill what is still tracked.
  for (const peer of live) {
    if (peer.pgid === undefined) continue;
    try {
      process.kill(-peer.pgid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
});
