/**
 * Periodic compaction of etcd's history, coordinated between replicas the way kube-apiserver does it
 * (k8s.io/apiserver `storage/etcd3/compact.go`): each replica remembers the version of a shared key
 * and the revision it saw at its last step. A step is one transaction "if version(key) == my version
 * then put(key, my revision)"; only the replica whose transaction succeeds compacts, to the revision
 * it recorded one interval earlier. Replicas that lose adopt the key's version and the current
 * revision, so however many replicas run, etcd is compacted about once per interval and never to a
 * revision younger than one interval.
 */
import { CompareResult, CompareTarget } from 'etcd3';
import type { EtcdBackend } from './backend.js';

/** Options of {@link startCompactor}. */
export interface CompactorOptions {
  /** Time between steps (default 5 min, like `--etcd-compaction-interval`); 0 disables the timer. */
  intervalMs?: number;
  /**
   * The coordination key. The default `compact_rev_key` is kube-apiserver's, so replicas of this server
   * and kube-apiservers sharing the etcd take turns instead of each compacting on its own.
   */
  key?: string;
  /** Called with every failed step (the next step runs as usual). */
  onError?: (err: Error) => void;
  /** Called after this replica compacted etcd to `revision`. */
  onCompact?: (revision: number) => void;
}

/** Outcome of one step. */
export interface CompactStep {
  /** This replica won the step (its transaction on the key succeeded). */
  won: boolean;
  /** The revision this replica compacted to (only when it won and had a recorded revision). */
  compactedTo?: number;
}

/** A running compactor. */
export interface Compactor {
  /** Runs one step now (also what the timer does). */
  runOnce(): Promise<CompactStep>;
  /** Stops the timer and waits for a running step. */
  stop(): Promise<void>;
}

export const DEFAULT_COMPACTION_INTERVAL_MS = 5 * 60_000;
export const DEFAULT_COMPACT_KEY = 'compact_rev_key';

/**
 * Starts compacting `backend`'s etcd every `intervalMs` (the first step only records a revision).
 * The timer does not keep the process alive.
 */
export function startCompactor(backend: EtcdBackend, opts: CompactorOptions = {}): Compactor {
  const interval = opts.intervalMs ?? DEFAULT_COMPACTION_INTERVAL_MS;
  const state = new CompactorState(backend, opts.key ?? DEFAULT_COMPACT_KEY);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<CompactStep> | undefined;
  let stopped = false;

  const runOnce = (): Promise<CompactStep> => {
    running ??= state.step().finally(() => {
      running = undefined;
    });
    return running;
  };
  const tick = async (): Promise<void> => {
    try {
      const step = await runOnce();
      if (step.compactedTo !== undefined) opts.onCompact?.(step.compactedTo);
    } catch (e: unknown) {
      opts.onError?.(e instanceof Error ? e : new Error(String(e)));
    }
    schedule();
  };
  const schedule = (): void => {
    if (stopped || interval <= 0) return;
    timer = setTimeout(() => void tick(), interval);
    timer.unref();
  };
  schedule();

  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}

/** The per-replica state of the algorithm: last seen version of the key and last recorded revision. */
class CompactorState {
  private version = 0;
  private revision = 0;

  constructor(
    private readonly backend: EtcdBackend,
    private readonly key: string,
  ) {}

  async step(): Promise<CompactStep> {
    const conn = this.backend.connection;
    const key = Buffer.from(this.key, 'utf8');
    const req = {
      compare: [{ key, target: CompareTarget.Version, result: CompareResult.Equal, version: this.version }],
      success: [{ request_put: { key, value: Buffer.from(String(this.revision)) } }],
      failure: [{ request_range: { key } }],
    };
    const resp = await conn.call('write', this.key, (o) => conn.kv.txn(req, o));
    const current = Number(resp.header.revision);
    if (!resp.succeeded) {
      // Another replica went first: adopt its version and start a new interval from now.
      this.version = Number(resp.responses[0]?.response_range?.kvs[0]?.version ?? 0);
      this.revision = current;
      return { won: false };
    }
    const target = this.revision;
    this.version += 1;
    this.revision = current;
    if (target === 0) return { won: true }; // bootstrap: nothing recorded yet
    await this.backend.compact(target);
    return { won: true, compactedTo: target };
  }
}
