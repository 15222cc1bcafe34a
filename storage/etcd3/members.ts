/**
 * Which etcd members to send requests to. A member whose connection fails is suspected at once; one
 * whose request is slow or times out is probed, and suspected when the probe gets no answer in time.
 * Requests and new watch streams go to members that are not suspected while there are any, watches
 * on a member leave it when it is suspected (and again at each probe it fails), and a suspected
 * member is probed until it answers. This is what Go's clientv3 gets from gRPC's balancer (a member
 * that misses its keepalive leaves the pick list), reached in about a second instead of forty.
 */

/** Tuning of {@link MemberHealth}. */
export interface MemberHealthOptions {
  /** Pause between probes of a suspected member (default 1 s). */
  probeIntervalMs?: number;
  /** Called when a member becomes suspected (`healthy` false) and when it answers again. */
  onChange?: (member: number, healthy: boolean) => void;
}

/** Asks member `member` a question that only a working member answers in time; rejects otherwise. */
export type MemberProbe = (member: number) => Promise<void>;

const DEFAULT_PROBE_INTERVAL_MS = 1000;

/** The health of the members of one cluster, by index in the endpoint list. */
export class MemberHealth {
  private readonly suspected: boolean[];
  /** A probe of the member is running or scheduled. */
  private readonly probing: boolean[];
  private readonly timers: (NodeJS.Timeout | undefined)[];
  private readonly listeners = new Set<(member: number) => void>();
  private readonly probeIntervalMs: number;
  private readonly onChange: ((member: number, healthy: boolean) => void) | undefined;
  private closed = false;

  constructor(
    readonly count: number,
    private readonly probe: MemberProbe,
    opts: MemberHealthOptions = {},
  ) {
    this.suspected = new Array<boolean>(count).fill(false);
    this.probing = new Array<boolean>(count).fill(false);
    this.timers = new Array<NodeJS.Timeout | undefined>(count).fill(undefined);
    this.probeIntervalMs = opts.probeIntervalMs ?? DEFAULT_PROBE_INTERVAL_MS;
    this.onChange = opts.onChange;
  }

  /** The member to use next: a random one that is not suspected, or any when all are. */
  pick(): number {
    const n = this.count;
    const start = Math.floor(Math.random() * n);
    for (let i = 0; i < n; i++) {
      const member = (start + i) % n;
      if (!this.suspected[member]) return member;
    }
    return start;
  }

  /** Whether `member` is suspected now. */
  isSuspected(member: number): boolean {
    return this.suspected[member] === true;
  }

  /**
   * Suspects `member` at once (its connection failed), tells the listeners and probes it until it
   * answers. No effect with a single member (there is nowhere else to go) or once closed.
   */
  suspect(member: number): void {
    if (!this.watching(member) || this.suspected[member] !== false) return;
    this.markSuspected(member);
    if (!this.probing[member]) this.scheduleProbe(member, this.probeIntervalMs);
  }

  /**
   * A request on `member` is slow or timed out, which a busy member does too: probe it now, and
   * suspect it if the probe gets no answer.
   */
  check(member: number): void {
    if (!this.watching(member) || this.suspected[member] !== false || this.probing[member]) return;
    this.scheduleProbe(member, 0);
  }

  /** Calls `listener` with a member each time it is suspected or fails a probe; returns the unsubscribe function. */
  onSuspect(listener: (member: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops probing. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) if (timer !== undefined) clearTimeout(timer);
    this.listeners.clear();
  }

  private watching(member: number): boolean {
    return this.count >= 2 && !this.closed && member >= 0 && member < this.count;
  }

  private markSuspected(member: number): void {
    this.suspected[member] = true;
    this.onChange?.(member, false);
    this.tell(member);
  }

  private tell(member: number): void {
    for (const listener of this.listeners) {
      try {
        listener(member);
      } catch {
        // A listener's failure is its own; the others are still told.
      }
    }
  }

  private scheduleProbe(member: number, delayMs: number): void {
    this.probing[member] = true;
    const timer = setTimeout(() => void this.runProbe(member), delayMs);
    timer.unref();
    this.timers[member] = timer;
  }

  private async runProbe(member: number): Promise<void> {
    this.timers[member] = undefined;
    const answered = await this.probe(member).then(
      () => true,
      () => false,
    );
    this.probing[member] = false;
    if (this.closed) return;
    if (answered) {
      if (this.suspected[member] === true) {
        this.suspected[member] = false;
        this.onChange?.(member, true);
      }
      return;
    }
    // Watches that landed here meanwhile (all members suspected, or opened just before) move on too.
    if (this.suspected[member] === true) this.tell(member);
    else this.markSuspected(member);
    this.scheduleProbe(member, this.probeIntervalMs);
  }
}
