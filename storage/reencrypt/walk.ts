/**
 * One pass over one resource: its keys are read raw in key order, page by page (the next page is read
 * while the current one is rewritten), and every value that is not written with the current write
 * provider/key goes through `guaranteedUpdate` with a no-op update, which rewrites stale values and,
 * being compare-and-swap, never loses a concurrent user write. Progress is saved every
 * `checkpointEvery` objects, when stopped, and as complete at the end.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import { CorruptValueError, KeyNotFoundError } from '../errors.js';
import type { KVBackend, KeyValue, RangeResult, Storage } from '../interface.js';
import { prefixEnd, singleKeyEnd } from '../keys.js';
import { settledFor, type ProgressRecord, type ProgressStore } from './progress-store.js';
import type { StalenessCheck } from './stale.js';
import type { RateLimiter } from './throttle.js';
import type { ReencryptionResource } from './types.js';

/** What a walk needs. */
export interface WalkOptions {
  backend: KVBackend;
  resource: ReencryptionResource;
  /** The write target rewritten toward (recorded with the progress). */
  target: string;
  /** The keys that read the resource now (recorded with the progress; see {@link settledFor}). */
  readers: string;
  check: StalenessCheck;
  progress: ProgressStore;
  limiter: RateLimiter;
  /** Rewrites in flight at once. */
  concurrency: number;
  pageSize: number;
  checkpointEvery: number;
  configHash: string | undefined;
  /** Aborts the walk (stop, configuration change, lost lock); progress is saved first. */
  signal: AbortSignal;
  /** Asked before recording completion; false aborts the walk without recording it. */
  canComplete?: () => Promise<boolean>;
  /** Called after every page and at the start, with the record and the rewrites since the last call. */
  report(record: ProgressRecord, rewrittenDelta: number): void;
}

/** The walk was stopped before completion (the reason is the abort reason, or a replica disagreement). */
export class WalkAbortedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WalkAbortedError';
  }
}

/** Abort reason used when the lock was lost: nothing may be written any more. */
export class LockLostReason extends Error {
  constructor() {
    super('the re-encryption lock was lost');
    this.name = 'LockLostReason';
  }
}

/** Outcome of rewriting one stale candidate. */
type RewriteOutcome = 'rewritten' | 'unchanged' | 'gone' | 'unreadable';

/** Outcome of one page: counters, and whether every key of the page was handled. */
interface PageOutcome {
  rewritten: number;
  unreadable: number;
  completed: boolean;
  error?: unknown;
}

/**
 * Walks the resource from its saved position (or the start, for a new target) to the end.
 * @returns the completed record.
 * @throws WalkAbortedError when aborted, ProgressConflictError when another replica took over, or
 *   the storage error that stopped it (progress up to the last whole page is saved when possible).
 */
export async function walkResource(o: WalkOptions): Promise<ProgressRecord> {
  const name = o.resource.groupResource;
  const stored = await o.progress.read(name);
  if (stored.record !== undefined && settledFor(stored.record, o.target, o.readers)) {
    o.report(stored.record, 0); // another replica finished it since this one looked
    return stored.record;
  }
  const resume = stored.record !== undefined && stored.record.target === o.target && !stored.record.complete;
  let record: ProgressRecord = resume && stored.record !== undefined ? { ...stored.record } : freshRecord(o);
  const end = prefixEnd(o.resource.prefix);
  record.total = (await o.backend.range(o.resource.prefix, end, { count: true, limit: 1 })).count;
  let rev = await o.progress.write(name, record, stored.modRevision);
  o.report(record, 0);
  const start = record.lastKey === '' ? o.resource.prefix : singleKeyEnd(record.lastKey);
  const pages = new PageReader(o.backend, start, end, o.pageSize);
  let unsaved = 0;
  for (;;) {
    const kvs = await pages.next();
    if (kvs.length === 0) break;
    const page = await rewritePage(o, kvs);
    const last = kvs[kvs.length - 1] as KeyValue;
    record = { ...record, rewritten: record.rewritten + page.rewritten, unreadable: record.unreadable + page.unreadable };
    if (page.completed) record = { ...record, lastKey: last.key, done: record.done + kvs.length };
    o.report(record, page.rewritten);
    if (!page.completed) {
      pages.discard();
      if (o.signal.reason instanceof LockLostReason) throw abortError(o.signal);
      await o.progress.write(name, record, rev).catch(() => undefined); // best effort: resume from here
      throw page.error ?? abortError(o.signal);
    }
    unsaved += kvs.length;
    if (unsaved >= o.checkpointEvery) {
      rev = await o.progress.write(name, record, rev);
      unsaved = 0;
    }
  }
  if (o.canComplete !== undefined && !(await o.canComplete())) {
    await o.progress.write(name, record, rev).catch(() => undefined);
    throw new WalkAbortedError(`not recording ${name} as re-encrypted: replicas write with different providers or keys`);
  }
  record = { ...record, complete: true };
  await o.progress.write(name, record, rev);
  o.report(record, 0);
  return record;
}

function abortError(signal: AbortSignal): WalkAbortedError {
  const reason: unknown = signal.reason;
  return new WalkAbortedError(reason instanceof Error ? reason.message : 're-encryption was stopped');
}

function freshRecord(o: WalkOptions): ProgressRecord {
  const record: ProgressRecord = {
    target: o.target,
    complete: false,
    lastKey: '',
    done: 0,
    rewritten: 0,
    unreadable: 0,
    readers: o.readers,
    updatedAt: '',
  };
  if (o.configHash !== undefined) record.configHash = o.configHash;
  return record;
}

/**
 * Rewrites the page's stale values, `concurrency` at a time and paced by the limiter. Stops launching
 * rewrites on abort or on the first unexpected error, and waits for those in flight.
 */
async function rewritePage(o: WalkOptions, kvs: readonly KeyValue[]): Promise<PageOutcome> {
  const out: PageOutcome = { rewritten: 0, unreadable: 0, completed: false };
  const inFlight = new Set<Promise<void>>();
  const record = (r: RewriteOutcome): void => {
    if (r === 'rewritten') out.rewritten++;
    else if (r === 'unreadable') out.unreadable++;
  };
  let handled = 0;
  for (const kv of kvs) {
    if (o.signal.aborted || out.error !== undefined) break;
    if (o.check(kv.value) !== 'current') {
      while (inFlight.size >= o.concurrency) await Promise.race(inFlight);
      try {
        await o.limiter.take(o.signal);
      } catch {
        break; // aborted while waiting
      }
      if (out.error !== undefined) break;
      const p: Promise<void> = rewriteOne(o.resource.storage, kv.key)
        .then(record, (e: unknown) => {
          out.error ??= e;
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    handled++;
  }
  await Promise.all(inFlight);
  out.completed = handled === kvs.length && out.error === undefined;
  return out;
}

/**
 * A no-op `guaranteedUpdate`: the store writes it only when the value is stale (or its stored form is
 * not canonical), with the current first provider and key. A deleted key or a value the configuration
 * in force cannot read is skipped.
 */
async function rewriteOne(storage: Storage, key: string): Promise<RewriteOutcome> {
  let seen: string | undefined;
  try {
    const updated = await storage.guaranteedUpdate(key, async (current: KubeObject | undefined) => {
      if (current === undefined) throw new KeyNotFoundError(`key not found: ${key}`, key);
      seen = current.metadata.resourceVersion;
      return current;
    });
    return updated.metadata.resourceVersion === seen ? 'unchanged' : 'rewritten';
  } catch (e: unknown) {
    if (e instanceof KeyNotFoundError) return 'gone';
    if (e instanceof CorruptValueError) return 'unreadable';
    throw e;
  }
}

/** Reads `[start, end)` in pages of `limit` keys at the latest revision, one page ahead. */
class PageReader {
  #start: string;
  #pending: Promise<RangeResult> | undefined;
  #done = false;

  constructor(
    private readonly backend: KVBackend,
    start: string,
    private readonly end: string,
    private readonly limit: number,
  ) {
    this.#start = start;
  }

  /** The next page (empty at the end). */
  async next(): Promise<KeyValue[]> {
    if (this.#done) return [];
    const result = await (this.#pending ?? this.#fetch());
    this.#pending = undefined;
    const last = result.kvs[result.kvs.length - 1];
    if (!result.more || last === undefined) {
      this.#done = true;
    } else {
      this.#start = singleKeyEnd(last.key);
      this.#pending = this.#fetch();
    }
    return result.kvs;
  }

  /** Drops a prefetched page (its failure is ignored). */
  discard(): void {
    this.#done = true;
    this.#pending = undefined;
  }

  #fetch(): Promise<RangeResult> {
    const p = this.backend.range(this.#start, this.end, { limit: this.limit });
    p.catch(() => undefined); // a prefetch nobody awaits must not become an unhandled rejection
    return p;
  }
}
