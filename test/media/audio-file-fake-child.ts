import { EventEmitter } from "node:events";
import { PassThrough } from "node:stream";
import type { ChildProcess } from "node:child_process";
import type { SpawnChild } from "../../src/media/audio-file-decoder";

/** A stand-in for an ffmpeg child: the test writes its stdout/stderr and decides how it exits. */
export class FakeChild extends EventEmitter {
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly pid = 4242;
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  readonly signals: NodeJS.Signals[] = [];

  constructor(readonly command: string, readonly args: readonly string[]) {
    super();
  }

  /** Like a real child: a signal ends it, and `close` follows once its pipes are done. */
  kill(signal: NodeJS.Signals = "SIGTERM"): boolean {
    this.signals.push(signal);
    if (this.exitCode === null && this.signalCode === null) this.exit(null, signal);
    return true;
  }

  /**
   * Ends the process: its pipes end, and `close` follows once both are closed (read to the end or
   * destroyed), as Node emits it: a paused stdout with unread data holds `close` back.
   */
  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    this.exitCode = code;
    this.signalCode = signal;
    let open = 2;
    const closed = (): void => {
      if (--open === 0) this.emit("close", code, signal);
    };
    for (const pipe of [this.stdout, this.stderr]) {
      if (pipe.destroyed) closed();
      else pipe.once("close", closed);
      pipe.end();
    }
  }

  get killed(): boolean {
    return this.signals.length > 0;
  }
}

/** A SpawnChild that records every FakeChild it made. */
export function fakeSpawn(): { spawn: SpawnChild; children: FakeChild[] } {
  const children: FakeChild[] = [];
  const spawn: SpawnChild = (command, args) => {
    const child = new FakeChild(command, args);
    children.push(child);
    return child as unknown as ChildProcess;
  };
  return { spawn, children };
}

/** Lets stream `data` events and setImmediate callbacks run. */
export function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
