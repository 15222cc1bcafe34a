/**
 * Which etcd members to send requests to. A member whose request timed out, whose connection failed
 * or that has no leader is suspected: requests and new watch streams go to the other members while
 * any of them is not suspected, and the suspected member is probed until it answers again. This is
 * what Go's clientv3 gets from gRPC's balancer (a member that stops answering its keepalive leaves
 * the pick list), reached sooner: one failed request is enough, not a missed keepalive.
 */

/** Tuning of {@link MemberHealth}. */
export interface MemberHealthOptions {
  /** Pause between probes of a suspected member (default 1 s). */
  probeIntervalMs?: number;
}

/** Asks member `member` a question that only a working member answers; rejects otherwise. */
export type MemberProbe = (member: number) => Promise<void>;

const DEFAULT_PROBE_INTERVAL_MS = 1000;

/** The health of the members of one cluster, by index in the endpoint list. */
export class MemberHealth {
  private readonly suspected: boolean[];
  private readonly timers: (NodeJS.Timeout | undefined)[];
  private readonly listeners = new Set<(member: number) => void>();
  private readonly probeIntervalMs: number;
  private closed = false;

  constructor(
    readonly count: number,
    private readonly probe: MemberProbe,
    opts: MemberHealthOptions = {},
  ) {
    this.suspected = new Array<boolean>(count).fill(false);
    this.timers = new Array<NodeJS.Timeout | undefined>(count).fill(undefined);
    this.probeIntervalMs = opts.probeIntervalMs ?? DEFAULT_PROBE_INTERVAL_MS;
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
   * Suspects `member` after a failure that points at it, tells the listeners and probes it until it
   * answers. No effect with a single member (there is nowhere else to go) or once closed.
   */
  suspect(member: number): void {
    if (this.count < 2 || this.closed || this.suspected[member] !== false) return;
    this.suspected[member] = true;
    this.scheduleProbe(member);
    for (const listener of this.listeners) listener(member);
  }

  /** Calls `listener` with each member that becomes suspected; returns the unsubscribe function. */
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

  private scheduleProbe(member: number): void {
    const timer = setTimeout(() => void this.runProbe(member), this.probeIntervalMs);
    timer.unref();
    this.timers[member] = timer;
  }

  private async runProbe(member: number): Promise<void> {
    this.timers[member] = undefined;
    let answered = false;
    try {
      await this.probe(member);
      answered = true;
    } catch {
      // Still not answering: probe again after the interval.
    }
    if (this.closed) return;
    if (answered) this.suspected[member] = false;
    else this.scheduleProbe(member);
  }
}
