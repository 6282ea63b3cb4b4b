import { systemClock, type Clock, type TimerHandle } from "../rtp/clock";

/** A `Session-Expires` header (RFC 4028 §4): the interval and who refreshes. */
export interface SessionExpires {
  seconds: number;
  refresher?: "uac" | "uas";
}

/**
 * Parses a `Session-Expires` value such as `1800;refresher=uac` (parameter names and values are
 * case-insensitive, spaces around `;` and `=` allowed). Undefined when absent or malformed.
 */
export function parseSessionExpires(value: string | undefined): SessionExpires | undefined {
  if (value === undefined) return undefined;
  const [delta, ...params] = value.split(";").map((p) => p.trim());
  if (!/^\d{1,10}$/.test(delta)) return undefined;
  const seconds = Number(delta);
  if (seconds <= 0) return undefined;
  for (const param of params) {
    const [name, v] = param.split("=").map((p) => p.trim().toLowerCase());
    if (name === "refresher" && (v === "uac" || v === "uas")) return { seconds, refresher: v };
  }
  return { seconds };
}

/** The header value we send with a refresh: we stay the refresher. */
export function sessionExpiresHeader(se: SessionExpires): string {
  return `Session-Expires: ${se.seconds};refresher=uac`;
}

/** Options of {@link SessionRefresher}. */
export interface SessionRefresherOptions {
  /**
   * Sends the refresh (a re-INVITE with the same SDP) and resolves with the Session-Expires of its
   * 2xx (undefined when the 2xx had none); rejects when it was refused or could not be sent.
   */
  refresh: (current: SessionExpires) => Promise<SessionExpires | undefined>;
  /** Told about failed refreshes (they are retried at the next half interval). */
  onError?: (error: unknown) => void;
  clock?: Clock;
}

/**
 * RFC 4028 session refresh for the caller: after each 2xx that carries `Session-Expires` with
 * `refresher=uac` (or none; we are the UAC), a refresh is sent at half the interval (§10).
 *
 * @remarks When the peer is the refresher (`refresher=uas`) nothing is scheduled; a 2xx without
 * the header turns the timer off (§7.2, §9). We do not hang up ourselves when the session expires
 * unrefreshed: a failed refresh is retried after another half interval, and a peer that considers
 * the session expired sends its BYE.
 */
export class SessionRefresher {
  private readonly clock: Clock;
  private timer: TimerHandle | undefined;
  private current: SessionExpires | undefined;
  private closed = false;
  private _refreshes = 0;

  constructor(private readonly o: SessionRefresherOptions) {
    this.clock = o.clock ?? systemClock;
  }

  /** How many refreshes were accepted. */
  get refreshes(): number {
    return this._refreshes;
  }

  /** The interval in force, when we are the refresher. */
  get interval(): SessionExpires | undefined {
    return this.current;
  }

  /** Takes the `Session-Expires` of a 2xx (initial answer or refresh) and schedules the next refresh. */
  apply(se: SessionExpires | undefined): void {
    if (this.closed) return;
    this.cancel();
    this.current = se !== undefined && se.refresher !== "uas" ? se : undefined;
    if (this.current) this.schedule(this.current);
  }

  private schedule(se: SessionExpires): void {
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      void this.run(se);
    }, (se.seconds * 1000) / 2);
  }

  private async run(se: SessionExpires): Promise<void> {
    if (this.closed) return;
    try {
      const next = await this.o.refresh(se);
      if (this.closed) return;
      this._refreshes++;
      this.apply(next);
    } catch (error) {
      if (this.closed) return;
      this.o.onError?.(error);
      if (this.timer === undefined) this.schedule(se);
    }
  }

  private cancel(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  close(): void {
    this.closed = true;
    this.cancel();
  }
}
