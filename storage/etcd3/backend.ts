/**
 * The etcd v3 storage backend: {@link KVBackend} on an etcd cluster, the way kube-apiserver uses it.
 * Keys and values are stored as bytes; the revision model is etcd's own. Writes are transactions that
 * compare `create_revision == 0` (create) or `mod_revision == expected` (update, delete) and return the
 * current key-value when the comparison fails. Every request has a deadline; failures surface as the
 * typed errors of `../errors.ts`.
 */
import { CompareResult, CompareTarget, type ICompare, type IRangeRequest, type IRangeResponse, type IRequestOp, type ITxnResponse } from 'etcd3';
import { ExpiredError, FutureRevisionError, InvalidRequestError, UnreachableError } from '../errors.js';
import type { KeyValue, KVBackend, KVWatch, KVWatchHandlers, RangeOptions, RangeResult, TxnResult } from '../interface.js';
import { EtcdConnection, isFutureRevisionError, type EtcdConnectionOptions } from './connection.js';
import { LatestReads } from './latest-reads.js';
import { progressRequestsSafe, type ProgressRequests } from './progress.js';
import { EtcdWatch, toKeyValue } from './watch.js';

/** Options of {@link openEtcdBackend}. */
export interface EtcdBackendOptions extends EtcdConnectionOptions {
  /**
   * Whether watches offer progress requests, with which the watch cache confirms it has caught up with
   * etcd's current revision (and serves consistent lists): `auto` (default) when the member's version
   * answers them correctly (see progress.ts), `always`, or `never`.
   */
  progressRequests?: ProgressRequests;
  /**
   * A watch whose stream broke is re-established from its last delivered revision; after failing to
   * do so for this long it ends with an UnreachableError (default 60 s; 0 retries forever).
   */
  watchReconnectTimeoutMs?: number;
}

const DEFAULT_WATCH_RECONNECT_MS = 60_000;
/** A key used for reads that only need a response header (current revision, health). */
const PROBE_KEY = Buffer.from([0]);

/**
 * Connects to etcd (lazily: nothing is dialed until the first request) and returns the backend.
 * @throws Error for invalid options (no endpoints, unreadable TLS files).
 */
export function openEtcdBackend(opts: EtcdBackendOptions): EtcdBackend {
  return new EtcdBackend(new EtcdConnection(opts), opts.watchReconnectTimeoutMs ?? DEFAULT_WATCH_RECONNECT_MS, opts.progressRequests ?? 'auto');
}

function bytes(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}

function toBuffer(value: Uint8Array): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

function txnResult(resp: ITxnResponse): TxnResult {
  const revision = Number(resp.header.revision);
  if (resp.succeeded) return { succeeded: true, revision };
  const kv = resp.responses[0]?.response_range?.kvs[0];
  return kv === undefined ? { succeeded: false, revision } : { succeeded: false, revision, current: toKeyValue(kv) };
}

/** {@link KVBackend} on etcd v3; create it with {@link openEtcdBackend}. */
export class EtcdBackend implements KVBackend {
  private readonly watches = new Set<EtcdWatch>();
  /** A revision etcd is known to have been compacted to (a lower bound of the oldest readable one). */
  private knownCompacted = 0;
  /** When (performance.now()) `knownCompacted` was last confirmed to be the oldest readable revision. */
  private compactedConfirmedAt = -Infinity;
  private closed = false;
  /** With `auto`: whether the member answers progress requests correctly, once its version is known. */
  private progressSafe: Promise<boolean> | undefined;
  /** Reads of single keys at the latest revision, one transaction per turn. */
  private readonly latestReads: LatestReads;

  constructor(
    /** The underlying connection (used by the compactor). */
    readonly connection: EtcdConnection,
    private readonly watchReconnectTimeoutMs: number,
    private readonly progressRequests: ProgressRequests = 'auto',
  ) {
    this.latestReads = new LatestReads(connection);
  }

  async get(key: string, revision?: number): Promise<{ kv?: KeyValue; revision: number }> {
    if (revision === undefined || revision <= 0) {
      if (this.closed) throw closedError(key);
      const latest = await this.latestReads.read(key);
      return latest.kv === undefined ? { revision: latest.revision } : { kv: toKeyValue(latest.kv), revision: latest.revision };
    }
    const kv = (await this.read({ key: bytes(key) }, key, revision)).kvs[0];
    return kv === undefined ? { revision } : { kv: toKeyValue(kv), revision };
  }

  async modRevision(key: string): Promise<{ modRevision?: number; revision: number }> {
    if (this.closed) throw closedError(key);
    const { kv, revision } = await this.latestReads.read(key, true);
    return kv === undefined ? { revision } : { modRevision: Number(kv.mod_revision), revision };
  }

  async range(start: string, end: string, opts: RangeOptions = {}): Promise<RangeResult> {
    const startKey = start === '' ? PROBE_KEY : bytes(start); // etcd has no empty key; "\0" is the first
    const endKey = bytes(end);
    const at = (resp: IRangeResponse) => (opts.revision !== undefined && opts.revision > 0 ? opts.revision : Number(resp.header.revision));
    if (Buffer.compare(endKey, startKey) <= 0) {
      // An empty range (etcd would read "end <= start" as a single key or "everything from start").
      const resp = await this.read({ key: startKey, count_only: true }, start, opts.revision);
      return { kvs: [], revision: at(resp), more: false, count: 0 };
    }
    const req: IRangeRequest = { key: startKey, range_end: endKey };
    if (opts.limit !== undefined && opts.limit > 0) req.limit = opts.limit;
    const resp = await this.read(req, start, opts.revision);
    const kvs = resp.kvs.map(toKeyValue);
    return { kvs, revision: at(resp), more: resp.more, count: opts.count === true ? Number(resp.count) : kvs.length };
  }

  async create(key: string, value: Uint8Array): Promise<TxnResult> {
    const k = bytes(key);
    return this.txn(key, [{ key: k, target: CompareTarget.Create, result: CompareResult.Equal, create_revision: 0 }], {
      request_put: { key: k, value: toBuffer(value) },
    });
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number): Promise<TxnResult> {
    return this.txn(key, this.existsWithModRevision(key, expectedModRevision), {
      request_put: { key: bytes(key), value: toBuffer(value) },
    });
  }

  async delete(key: string, expectedModRevision: number): Promise<TxnResult> {
    return this.txn(key, this.existsWithModRevision(key, expectedModRevision), {
      request_delete_range: { key: bytes(key) },
    });
  }

  watch(prefix: string, afterRevision: number, handlers: KVWatchHandlers): KVWatch {
    const watch = new EtcdWatch(
      this.connection,
      prefix,
      afterRevision,
      {
        onEvents: (events) => handlers.onEvents(events),
        onError: (err) => {
          this.watches.delete(watch);
          handlers.onError(err);
        },
        ...(handlers.onProgress === undefined ? {} : { onProgress: (rev: number) => handlers.onProgress?.(rev) }),
      },
      { reconnectTimeoutMs: this.watchReconnectTimeoutMs },
    );
    if (this.closed) {
      setImmediate(() => watch.abort(closedError(prefix)));
      return watch;
    }
    this.watches.add(watch);
    watch.start();
    const handle: KVWatch = {
      cancel: () => {
        this.watches.delete(watch);
        watch.cancel();
      },
    };
    this.offerProgressRequests(handle, watch);
    return handle;
  }

  /**
   * Gives `handle` a `requestProgress` when the member answers progress requests correctly (with `auto`,
   * as soon as its version is known; a failed version read is retried with the next watch).
   */
  private offerProgressRequests(handle: KVWatch, watch: EtcdWatch): void {
    const offer = () => {
      handle.requestProgress = () => watch.requestProgress();
    };
    if (this.progressRequests === 'always') offer();
    if (this.progressRequests !== 'auto') return;
    void this.progressRequestsOffered().then((offered) => {
      if (offered) offer();
    });
  }

  /** Whether watches get `requestProgress` (with `auto`, once the member's version has been read). */
  progressRequestsOffered(): Promise<boolean> {
    if (this.progressRequests !== 'auto') return Promise.resolve(this.progressRequests === 'always');
    this.progressSafe ??= this.connection.serverVersion().then(progressRequestsSafe, () => {
      this.progressSafe = undefined;
      return false;
    });
    return this.progressSafe;
  }

  async currentRevision(): Promise<number> {
    const resp = await this.read({ key: PROBE_KEY, count_only: true }, '', undefined);
    return Number(resp.header.revision);
  }

  /**
   * Oldest revision still readable, 0 when nothing was compacted. etcd does not report it directly:
   * it is the smallest revision a read succeeds at, found by a binary search between the last known
   * compaction and the current revision (usually one or two reads), or no read at all when that was
   * done within `maxAgeMs`.
   */
  async compactedRevision(maxAgeMs = 0): Promise<number> {
    const checkedAt = performance.now();
    if (checkedAt - this.compactedConfirmedAt < maxAgeMs) return this.knownCompacted;
    const known = this.knownCompacted;
    if (await this.readableAt(Math.max(1, known))) {
      this.compactedConfirmedAt = checkedAt;
      return known;
    }
    let lo = known + 1;
    let hi = await this.currentRevision();
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (await this.readableAt(mid)) hi = mid;
      else lo = mid + 1;
    }
    this.knownCompacted = Math.max(this.knownCompacted, hi);
    this.compactedConfirmedAt = checkedAt;
    return hi;
  }

  /**
   * Compacts etcd's history to `revision` (which stays readable). Compacting to a revision at or
   * below the current compaction is a no-op.
   * @throws InvalidRequestError for a revision newer than the current one.
   */
  async compact(revision: number): Promise<void> {
    if (revision <= 0) return;
    try {
      await this.connection.call('write', '', (o) => this.connection.kv.compact({ revision }, o));
    } catch (e: unknown) {
      if (e instanceof ExpiredError) return;
      if (isFutureRevisionError(e)) {
        throw new InvalidRequestError(`mvcc: required revision ${revision} is a future revision`, '');
      }
      throw e;
    }
    this.knownCompacted = Math.max(this.knownCompacted, revision);
  }

  /** A linearizable read (it needs a leader and a quorum), like kube-apiserver's etcd health check. */
  async checkHealth(): Promise<void> {
    await this.read({ key: bytes('health'), count_only: true }, '', undefined);
  }

  /** Ends all watches with an UnreachableError and closes the connection. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const watches = [...this.watches];
    this.watches.clear();
    for (const w of watches) w.abort(closedError(''));
    this.connection.close();
  }

  // -------------------------------------------------------------------------------------------------

  /** Compares that make a write apply only to an existing key with the given mod revision. */
  private existsWithModRevision(key: string, expected: number): ICompare[] {
    const k = bytes(key);
    return [
      { key: k, target: CompareTarget.Mod, result: CompareResult.Equal, mod_revision: expected },
      { key: k, target: CompareTarget.Create, result: CompareResult.Greater, create_revision: 0 },
    ];
  }

  private async txn(key: string, compare: ICompare[], success: IRequestOp): Promise<TxnResult> {
    if (this.closed) throw closedError(key);
    const req = { compare, success: [success], failure: [{ request_range: { key: bytes(key) } }] };
    const resp = await this.connection.call('write', key, (o) => this.connection.kv.txn(req, o));
    return txnResult(resp);
  }

  /** A range read at `revision` (latest when absent or 0), with etcd's revision errors mapped. */
  private async read(req: IRangeRequest, key: string, revision: number | undefined): Promise<IRangeResponse> {
    if (this.closed) throw closedError(key);
    const full: IRangeRequest = revision !== undefined && revision > 0 ? { ...req, revision } : req;
    try {
      return await this.connection.call('read', key, (o) => this.connection.kv.range(full, o));
    } catch (e: unknown) {
      // As etcd's Go client words it; kube-apiserver answers with that text.
      if (revision !== undefined && isFutureRevisionError(e)) throw new FutureRevisionError('etcdserver: mvcc: required revision is a future revision', key);
      throw e;
    }
  }

  private async readableAt(revision: number): Promise<boolean> {
    try {
      await this.read({ key: PROBE_KEY, count_only: true }, '', revision);
      return true;
    } catch (e: unknown) {
      if (e instanceof ExpiredError) return false;
      throw e;
    }
  }
}

function closedError(key: string): UnreachableError {
  return new UnreachableError('etcd backend is closed', key);
}
