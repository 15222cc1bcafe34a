/**
 * Automatic background re-encryption. For every resource, the write target (first provider and its
 * first key, e.g. `aescbc:key2`) of the configuration in force is compared with the target recorded as
 * fully rewritten in the backend; when they differ, the resource's keys are walked in key order and
 * every stale value is rewritten with a no-op `guaranteedUpdate` (see `walk.ts`): throttled, with
 * bounded concurrency, resumable from the saved position after a restart, and on one replica at a time
 * (the lock). A configuration change (polled, or {@link Reencryption.configChanged}) restarts the work
 * for the new targets. With a {@link ReplicaRegistry}, work starts only once every live replica writes
 * with the same target, so no replica keeps writing the old way behind a completed rewrite.
 */
import type { KVBackend } from '../interface.js';
import { LocalLock } from './local-lock.js';
import { ProgressConflictError, ProgressStore, settledFor, type ProgressRecord } from './progress-store.js';
import { readersOf, stalenessCheck, writeTarget } from './stale.js';
import { RateLimiter, sleep } from './throttle.js';
import type {
  EncryptionSource,
  LockHandle,
  Reencryption,
  ReencryptionLock,
  ReencryptionProgress,
  ReencryptionResource,
  ReencryptionState,
  ReencryptionStatus,
  ReplicaRegistry,
} from './types.js';
import { LockLostReason, WalkAbortedError, walkResource } from './walk.js';

export type * from './types.js';
export { reencryptionProgressPrefix } from './progress-store.js';
export { LocalLock } from './local-lock.js';

/** Options of {@link startReencryption}. */
export interface ReencryptionOptions {
  /** The backend the resources are stored in (raw values are read from it; progress is kept in it). */
  backend: KVBackend;
  resources: readonly ReencryptionResource[];
  /** The configuration in force (a `DynamicEncryptionConfig`). */
  encryption: EncryptionSource;
  /** Where progress records live; use `reencryptionProgressPrefix(etcdPrefix)`. */
  progressPrefix: string;
  /** One replica at a time (default: an in-process {@link LocalLock}, right for SQLite). */
  lock?: ReencryptionLock;
  /** Live replicas' write targets (etcd: the {@link EtcdReencryptionLock}); absent = this replica only. */
  replicas?: ReplicaRegistry;
  /** Rewrites per second (default 2000; 0 = unlimited). Unchanged objects are only read. */
  rateLimit?: number;
  /** Rewrites in flight at once (default 32). */
  concurrency?: number;
  /** Keys read per range request (default 500). */
  pageSize?: number;
  /** Objects between saved positions (default 1000; saved at page ends). */
  checkpointEvery?: number;
  /** How often the configuration (and, while working, the replicas) are checked (default 1000 ms). */
  pollIntervalMs?: number;
  /** Delay after a failed attempt (default 5000 ms). */
  retryIntervalMs?: number;
  /** Minimum time between `running` progress events of one resource (default 5000 ms). */
  progressIntervalMs?: number;
  /** Progress of a resource: every state change, and while running at most every `progressIntervalMs`. */
  onProgress?: (progress: ReencryptionProgress) => void;
}

/** Starts the background re-encryption; stop it with {@link Reencryption.stop}. */
export function startReencryption(opts: ReencryptionOptions): Reencryption {
  const r = new Reencryptor(opts);
  r.start();
  return r;
}

/** Reason of a cycle aborted because the configuration changed. */
class ConfigChanged extends Error {
  constructor() {
    super('the encryption configuration changed');
  }
}

/** The last progress event of a resource, and rewrites since then. */
interface Emitted {
  at: number;
  state: ReencryptionState;
  delta: number;
  done: number;
  unreadable: number;
}

class Reencryptor implements Reencryption {
  readonly #opts: ReencryptionOptions;
  readonly #store: ProgressStore;
  readonly #lock: ReencryptionLock;
  readonly #limiter: RateLimiter;
  readonly #progress = new Map<string, ReencryptionProgress>();
  readonly #emitted = new Map<string, Emitted>();
  readonly #stop = new AbortController();
  #targets = new Map<string, string>();
  /** The keys that read each resource when the cycle started (a change restarts it, like a new target). */
  #readers = new Map<string, string>();
  #cycle = new AbortController();
  /** What the current cycle is doing (the poller looks at it). */
  #phase: { kind: 'idle' } | { kind: 'waiting' | 'running'; pending: ReencryptionResource[] } = { kind: 'idle' };
  #polling = false;
  #timer: NodeJS.Timeout | undefined;
  #loop: Promise<void> | undefined;
  #settled: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];

  constructor(opts: ReencryptionOptions) {
    this.#opts = opts;
    this.#store = new ProgressStore(opts.backend, opts.progressPrefix);
    this.#lock = opts.lock ?? new LocalLock();
    this.#limiter = new RateLimiter(opts.rateLimit ?? 2000);
    this.#targets = this.#computeTargets();
    for (const r of opts.resources) {
      this.#progress.set(r.groupResource, {
        resource: r.groupResource,
        state: 'pending',
        target: this.#targets.get(r.groupResource) ?? '',
        done: 0,
        rewritten: 0,
        rewrittenDelta: 0,
        unreadable: 0,
      });
    }
  }

  start(): void {
    this.#timer = setInterval(() => void this.#poll(), this.#opts.pollIntervalMs ?? 1000);
    this.#timer.unref();
    this.#loop = this.#run();
  }

  status(): ReencryptionStatus {
    const resources = [...this.#progress.values()].map((p) => ({ ...p }));
    return { resources, complete: this.#isComplete() };
  }

  configChanged(): void {
    void this.#poll();
  }

  settled(): Promise<void> {
    if (this.#stop.signal.aborted) return Promise.reject(new Error('re-encryption was stopped'));
    if (this.#isComplete()) return Promise.resolve();
    return new Promise((resolve, reject) => this.#settled.push({ resolve, reject }));
  }

  async stop(): Promise<void> {
    if (!this.#stop.signal.aborted) this.#stop.abort(new Error('re-encryption was stopped'));
    clearInterval(this.#timer);
    await this.#loop;
    for (const p of this.#progress.values()) {
      if ((this.#emitted.get(p.resource)?.delta ?? 0) > 0) this.#emit(p, true);
    }
    for (const w of this.#settled.splice(0)) w.reject(new Error('re-encryption was stopped'));
  }

  // --- the work loop ------------------------------------------------------------------------------

  async #run(): Promise<void> {
    while (!this.#stop.signal.aborted) {
      this.#cycle = new AbortController();
      const signal = AbortSignal.any([this.#stop.signal, this.#cycle.signal]);
      try {
        await this.#runCycle(signal);
      } catch (e: unknown) {
        this.#phase = { kind: 'idle' };
        if (signal.aborted || e instanceof WalkAbortedError) continue;
        if (e instanceof ProgressConflictError) {
          await sleep(this.#opts.pollIntervalMs ?? 1000, signal);
          continue;
        }
        this.#failPending(e);
        await sleep(this.#opts.retryIntervalMs ?? 5000, signal);
      }
    }
  }

  /** One round: decide what is left, wait for the replicas and the lock, walk what is left. */
  async #runCycle(signal: AbortSignal): Promise<void> {
    const targets = this.#computeTargets();
    this.#targets = targets;
    this.#readers = this.#computeReaders();
    await this.#opts.replicas?.publish(Object.fromEntries(targets));
    const pending = await this.#pendingResources(targets);
    if (pending.length === 0) {
      this.#checkSettled();
      await untilAborted(signal);
      return;
    }
    if (!(await this.#replicasAgree(pending))) {
      for (const r of pending) this.#set(r.groupResource, { state: 'waiting-for-replicas' });
      await sleep(this.#opts.pollIntervalMs ?? 1000, signal);
      return;
    }
    for (const r of pending) this.#set(r.groupResource, { state: 'waiting-for-lock' });
    this.#phase = { kind: 'waiting', pending };
    const handle = await this.#lock.acquire(signal);
    try {
      this.#phase = { kind: 'running', pending };
      const walkSignal = AbortSignal.any([signal, lostSignal(handle)]);
      for (const r of pending) await this.#walk(r, targets.get(r.groupResource) ?? '', walkSignal);
    } finally {
      this.#phase = { kind: 'idle' };
      await handle.release();
    }
  }

  async #walk(resource: ReencryptionResource, target: string, signal: AbortSignal): Promise<void> {
    const name = resource.groupResource;
    const o = this.#opts;
    this.#set(name, { state: 'running' });
    const record = await walkResource({
      backend: o.backend,
      resource,
      target,
      readers: this.#readers.get(name) ?? '',
      check: stalenessCheck(o.encryption.providersFor(name)),
      progress: this.#store,
      limiter: this.#limiter,
      concurrency: Math.max(1, o.concurrency ?? 32),
      pageSize: Math.max(1, o.pageSize ?? 500),
      checkpointEvery: Math.max(1, o.checkpointEvery ?? 1000),
      configHash: o.encryption.contentHash,
      signal,
      ...(o.replicas !== undefined && { canComplete: () => this.#replicasAgree([resource]) }),
      report: (rec, delta) => this.#set(name, { ...fromRecord(rec), state: 'running' }, delta),
    });
    this.#set(name, { ...fromRecord(record), state: 'complete' });
    this.#checkSettled();
  }

  /** Resources not recorded as complete for their target; the others are marked complete. */
  async #pendingResources(targets: Map<string, string>): Promise<ReencryptionResource[]> {
    const pending: ReencryptionResource[] = [];
    for (const r of this.#opts.resources) {
      const target = targets.get(r.groupResource) ?? '';
      const { record } = await this.#store.read(r.groupResource);
      const same = record !== undefined && record.target === target;
      const counters = same ? fromRecord(record) : { done: 0, rewritten: 0, unreadable: 0 };
      if (settledFor(record, target, this.#readers.get(r.groupResource) ?? '')) {
        this.#set(r.groupResource, { ...counters, target, state: 'complete' });
      } else {
        pending.push(r);
        this.#set(r.groupResource, { ...counters, target, state: this.#stateBeforeRound(r.groupResource, target) });
      }
    }
    return pending;
  }

  /**
   * The state of a pending resource while a round decides what to do: a failure, or a wait toward the
   * same target, stands until the round ends it (each round would otherwise flip the state to
   * `pending` and back, and emit both); anything else starts over as `pending`.
   */
  #stateBeforeRound(name: string, target: string): ReencryptionState {
    const prev = this.#progress.get(name);
    if (prev?.state === 'failed') return 'failed';
    const waiting = prev?.state === 'waiting-for-replicas' || prev?.state === 'waiting-for-lock';
    return waiting && prev.target === target ? prev.state : 'pending';
  }

  /** True when no live replica announces another target for these resources. */
  async #replicasAgree(resources: readonly ReencryptionResource[]): Promise<boolean> {
    const registry = this.#opts.replicas;
    if (registry === undefined) return true;
    const peers = await registry.peers();
    return resources.every((r) => {
      const mine = this.#targets.get(r.groupResource);
      return peers.every((p) => p[r.groupResource] === undefined || p[r.groupResource] === mine);
    });
  }

  // --- polling ------------------------------------------------------------------------------------

  /** Restarts the cycle on a configuration change; checks replicas while running, records while waiting. */
  async #poll(): Promise<void> {
    if (this.#polling || this.#stop.signal.aborted) return;
    this.#polling = true;
    try {
      const targets = this.#computeTargets();
      if (!sameTargets(targets, this.#targets) || !sameTargets(this.#computeReaders(), this.#readers)) {
        this.#cycle.abort(new ConfigChanged());
        return;
      }
      const phase = this.#phase;
      if (phase.kind === 'running' && !(await this.#replicasAgree(phase.pending))) {
        this.#cycle.abort(new Error('replicas write with different providers or keys'));
      } else if (phase.kind === 'waiting' && (await this.#othersFinished(phase.pending))) {
        this.#cycle.abort(new Error('another replica finished the work'));
      }
    } catch {
      // A failed poll is retried at the next tick; the work loop reports storage failures.
    } finally {
      this.#polling = false;
    }
  }

  /** While waiting for the lock: shows the holder's progress; true when it completed everything. */
  async #othersFinished(pending: readonly ReencryptionResource[]): Promise<boolean> {
    let all = true;
    for (const r of pending) {
      const { record } = await this.#store.read(r.groupResource);
      if (record === undefined || record.target !== this.#targets.get(r.groupResource)) {
        all = false;
        continue;
      }
      this.#set(r.groupResource, fromRecord(record));
      if (!settledFor(record, record.target, this.#readers.get(r.groupResource) ?? '')) all = false;
    }
    return all;
  }

  // --- state and events ---------------------------------------------------------------------------

  /** `describe` of each resource's provider chain in force, by group-resource. */
  #perResource(describe: (providers: ReturnType<EncryptionSource['providersFor']>) => string): Map<string, string> {
    return new Map(this.#opts.resources.map((r) => [r.groupResource, describe(this.#opts.encryption.providersFor(r.groupResource))]));
  }

  #computeTargets(): Map<string, string> {
    return this.#perResource(writeTarget);
  }

  #computeReaders(): Map<string, string> {
    return this.#perResource(readersOf);
  }

  #isComplete(): boolean {
    const current = this.#computeTargets();
    return [...this.#progress.values()].every((p) => p.state === 'complete' && p.target === current.get(p.resource));
  }

  #checkSettled(): void {
    if (this.#settled.length === 0 || !this.#isComplete()) return;
    for (const w of this.#settled.splice(0)) w.resolve();
  }

  #failPending(e: unknown): void {
    const error = e instanceof Error ? e.message : String(e);
    for (const p of this.#progress.values()) {
      if (p.state !== 'complete') this.#set(p.resource, { state: 'failed', error });
    }
  }

  /** Updates a resource's progress and emits an event on a state change or when one is due. */
  #set(name: string, patch: Partial<ReencryptionProgress>, rewrittenDelta = 0): void {
    const prev = this.#progress.get(name);
    if (prev === undefined) return;
    const next: ReencryptionProgress = { ...prev, ...patch, rewrittenDelta: 0 };
    if (next.state !== 'failed') delete next.error;
    this.#progress.set(name, next);
    const emitted = this.#emitted.get(name);
    if (emitted !== undefined) emitted.delta += rewrittenDelta;
    this.#emit(next, emitted === undefined || emitted.state !== next.state, rewrittenDelta);
  }

  /** Emits `p` when forced, or when it moved on and the last event is `progressIntervalMs` old. */
  #emit(p: ReencryptionProgress, force: boolean, firstDelta = 0): void {
    const last = this.#emitted.get(p.resource);
    const delta = last?.delta ?? firstDelta;
    if (!force && last !== undefined) {
      const moved = p.done !== last.done || delta > 0 || p.unreadable !== last.unreadable;
      if (!moved || performance.now() - last.at < (this.#opts.progressIntervalMs ?? 5000)) return;
    }
    this.#emitted.set(p.resource, { at: performance.now(), state: p.state, delta: 0, done: p.done, unreadable: p.unreadable });
    this.#opts.onProgress?.({ ...p, rewrittenDelta: delta });
  }
}

function fromRecord(r: ProgressRecord): Pick<ReencryptionProgress, 'done' | 'rewritten' | 'unreadable'> & { total?: number } {
  const out: Pick<ReencryptionProgress, 'done' | 'rewritten' | 'unreadable'> & { total?: number } = {
    done: r.done,
    rewritten: r.rewritten,
    unreadable: r.unreadable,
  };
  if (r.total !== undefined) out.total = r.total;
  return out;
}

function sameTargets(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

/** Resolves when `signal` aborts (at once if it already has). */
function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** A signal aborted (with {@link LockLostReason}) when the lock is lost. */
function lostSignal(handle: LockHandle): AbortSignal {
  const ac = new AbortController();
  void handle.lost.then(() => ac.abort(new LockLostReason()));
  return ac.signal;
}
