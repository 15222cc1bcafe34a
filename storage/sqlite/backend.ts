/**
 * The embedded storage backend: SQLite through better-sqlite3, etcd's revision model on top.
 *
 * Every write is one row in `log` (its INTEGER PRIMARY KEY is the global revision) plus the matching
 * change of `current`, in one transaction. Writes issued in the same event-loop turn are committed
 * together (group commit: one fsync for the batch) and acknowledged only after the commit, with
 * WAL and `synchronous=FULL` by default so an acknowledged write survives kill -9 and power loss.
 *
 * One process owns a database file: the latest revision is tracked in memory and watches are fed
 * from an in-process hub, so a second writer on the same file is not supported.
 */
import Database from 'better-sqlite3';
import { ExpiredError, FutureRevisionError, InvalidRequestError, StorageError, TimeoutError, UnreachableError } from '../errors.js';
import type { KVBackend, KVEvent, KeyValue, KVWatchHandlers, RangeOptions, RangeResult, TxnResult } from '../interface.js';
import { prefixEnd } from '../keys.js';
import { prepareStatements, type KVRow, type ReplayRow, type Statements } from './schema.js';
import { WatchHub, type HubWatch } from './watch.js';

/** Options of {@link openSqliteBackend}. */
export interface SqliteBackendOptions {
  /** `PRAGMA synchronous`; FULL (default) makes acknowledged writes survive power loss. */
  synchronous?: 'FULL' | 'EXTRA' | 'NORMAL';
  /** How long a statement waits for a lock held by another connection (default 5000 ms). */
  busyTimeoutMs?: number;
}

type WriteKind = 'create' | 'update' | 'delete';

interface PendingWrite {
  kind: WriteKind;
  key: string;
  value: Buffer | null;
  expected: number;
  resolve(result: TxnResult): void;
  reject(err: unknown): void;
}

interface Applied {
  result: TxnResult;
  event?: KVEvent;
}

const EMPTY = new Uint8Array(0);

/**
 * Opens (creating if needed) a SQLite database as a {@link KVBackend}.
 * @param path a file path, or `:memory:` for a private in-memory database.
 * @throws UnreachableError when the file cannot be opened.
 */
export function openSqliteBackend(path: string, opts: SqliteBackendOptions = {}): SqliteBackend {
  let db: Database.Database;
  try {
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${opts.synchronous ?? 'FULL'}`);
    db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
  } catch (e: unknown) {
    throw new UnreachableError(`cannot open sqlite database ${path}: ${errorMessage(e)}`, '');
  }
  return new SqliteBackend(db);
}

/** {@link KVBackend} on a better-sqlite3 connection; create it with {@link openSqliteBackend}. */
export class SqliteBackend implements KVBackend {
  private readonly stmts: Statements;
  private readonly hub: WatchHub;
  private readonly commitBatch: (ops: PendingWrite[]) => { applied: Applied[]; revision: number };
  private readonly compactTxn: (revision: number) => void;
  private rev: number;
  private compacted: number;
  private pending: PendingWrite[] = [];
  private flushScheduled = false;
  private closed = false;

  constructor(private readonly db: Database.Database) {
    this.stmts = prepareStatements(db);
    this.compacted = this.stmts.getMeta.get('compacted')?.value ?? 0;
    this.rev = Math.max(this.stmts.maxRev.get()?.r ?? 0, this.stmts.getMeta.get('revision')?.value ?? 0, this.compacted);
    this.hub = new WatchHub(() => this.rev);
    this.commitBatch = db.transaction((ops: PendingWrite[]) => this.applyAll(ops)).immediate;
    this.compactTxn = db.transaction((revision: number) => this.compactRows(revision)).immediate;
  }

  async get(key: string, revision?: number): Promise<{ kv?: KeyValue; revision: number }> {
    return this.guard(key, () => {
      const at = this.readRevision(key, revision);
      const row = at === this.rev ? this.stmts.getCurrent.get(key) : this.liveAt(key, at);
      return row === undefined ? { revision: at } : { kv: toKeyValue(row), revision: at };
    });
  }

  async modRevision(key: string): Promise<{ modRevision?: number; revision: number }> {
    const { kv, revision } = await this.get(key);
    return kv === undefined ? { revision } : { modRevision: kv.modRevision, revision };
  }

  async range(start: string, end: string, opts: RangeOptions = {}): Promise<RangeResult> {
    return this.guard(start, () => {
      const at = this.readRevision(start, opts.revision);
      const limit = opts.limit !== undefined && opts.limit > 0 ? opts.limit : 0;
      const params = { start, end, rev: at, limit: limit > 0 ? limit + 1 : -1 };
      const latest = at === this.rev;
      const rows = (latest ? this.stmts.rangeCurrent : this.stmts.rangeAt).all(params);
      const more = limit > 0 && rows.length > limit;
      if (more) rows.length = limit;
      let count = rows.length;
      if (opts.count === true) {
        count = (latest ? this.stmts.countCurrent.get({ start, end }) : this.stmts.countAt.get({ start, end, rev: at }))?.n ?? 0;
      }
      return { kvs: rows.map(toKeyValue), revision: at, more, count };
    });
  }

  create(key: string, value: Uint8Array): Promise<TxnResult> {
    return this.enqueue('create', key, toBuffer(value), 0);
  }

  update(key: string, value: Uint8Array, expectedModRevision: number): Promise<TxnResult> {
    return this.enqueue('update', key, toBuffer(value), expectedModRevision);
  }

  delete(key: string, expectedModRevision: number): Promise<TxnResult> {
    return this.enqueue('delete', key, null, expectedModRevision);
  }

  watch(prefix: string, afterRevision: number, handlers: KVWatchHandlers): HubWatch {
    if (this.closed) return this.hub.failed(handlers, closedError(prefix));
    if (afterRevision < this.compacted) {
      return this.hub.failed(handlers, new ExpiredError(compactedMessage(afterRevision, this.compacted), prefix));
    }
    let replay: KVEvent[];
    try {
      replay = afterRevision < this.rev ? this.readReplay(prefix, afterRevision) : [];
    } catch (e: unknown) {
      return this.hub.failed(handlers, mapError(e, prefix));
    }
    return this.hub.subscribe(prefix, afterRevision, handlers, replay);
  }

  async currentRevision(): Promise<number> {
    return this.guard('', () => this.rev);
  }

  async compactedRevision(): Promise<number> {
    return this.guard('', () => this.compacted);
  }

  /**
   * Discards history before `revision`, which becomes the oldest readable revision. Compacting to a
   * revision at or below the current compaction is a no-op.
   * @throws InvalidRequestError for a revision newer than the current one.
   */
  async compact(revision: number): Promise<void> {
    return this.guard('', () => {
      if (revision > this.rev) {
        throw new InvalidRequestError(`mvcc: required revision ${revision} is a future revision (current ${this.rev})`, '');
      }
      if (revision <= this.compacted) return;
      this.compactTxn(revision);
      this.compacted = revision;
    });
  }

  async checkHealth(): Promise<void> {
    return this.guard('', () => {
      this.stmts.maxRev.get();
    });
  }

  /** Commits queued writes, ends all watches and closes the database. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.flushWrites();
    this.closed = true;
    this.hub.closeAll(closedError(''));
    this.db.close();
  }

  // -------------------------------------------------------------------------------------------------
  // Reads

  /** Validates a read revision; 0/absent/current mean the latest state. */
  private readRevision(key: string, revision: number | undefined): number {
    if (revision === undefined || revision <= 0 || revision === this.rev) return this.rev;
    if (revision > this.rev) throw new FutureRevisionError('mvcc: required revision is a future revision', key);
    if (revision < this.compacted) throw new ExpiredError(compactedMessage(revision, this.compacted), key);
    return revision;
  }

  private liveAt(key: string, revision: number): KVRow | undefined {
    const row = this.stmts.getAt.get({ key, rev: revision });
    return row === undefined || row.deleted !== 0 ? undefined : row;
  }

  private readReplay(prefix: string, afterRevision: number): KVEvent[] {
    return this.stmts.replay.all({ after: afterRevision, start: prefix, end: prefixEnd(prefix) }).map(replayEvent);
  }

  // -------------------------------------------------------------------------------------------------
  // Writes (group commit)

  private enqueue(kind: WriteKind, key: string, value: Buffer | null, expected: number): Promise<TxnResult> {
    if (this.closed) return Promise.reject(closedError(key));
    return new Promise((resolve, reject) => {
      this.pending.push({ kind, key, value, expected, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flushWrites());
      }
    });
  }

  /** Commits every queued write in one transaction, then acknowledges them and publishes events. */
  private flushWrites(): void {
    this.flushScheduled = false;
    const ops = this.pending;
    this.pending = [];
    if (ops.length === 0) return;
    let outcome: { applied: Applied[]; revision: number };
    try {
      outcome = this.commitBatch(ops);
    } catch (e: unknown) {
      const err = mapError(e, ops[0]?.key ?? '');
      for (const op of ops) op.reject(err);
      return;
    }
    this.rev = outcome.revision;
    const events: KVEvent[] = [];
    outcome.applied.forEach((applied, i) => {
      if (applied.event !== undefined) events.push(applied.event);
      ops[i]?.resolve(applied.result);
    });
    if (events.length > 0) this.hub.publish(events);
  }

  /** Runs inside the batch transaction. */
  private applyAll(ops: PendingWrite[]): { applied: Applied[]; revision: number } {
    let revision = this.rev;
    const applied = ops.map((op) => {
      const a = this.applyOne(op, revision);
      if (a.event !== undefined) revision = a.event.revision;
      return a;
    });
    return { applied, revision };
  }

  private applyOne(op: PendingWrite, revision: number): Applied {
    const row = this.stmts.getCurrent.get(op.key);
    const ok = op.kind === 'create' ? row === undefined : row !== undefined && row.mod_rev === op.expected;
    if (!ok) {
      return { result: row === undefined ? { succeeded: false, revision } : { succeeded: false, revision, current: toKeyValue(row) } };
    }
    const next = revision + 1;
    const prev = row === undefined ? undefined : toKeyValue(row);
    if (op.kind === 'delete' || op.value === null) return this.applyDelete(op.key, next, prev);
    return this.applyPut(op.key, op.value, next, prev);
  }

  private applyPut(key: string, value: Buffer, revision: number, prev: KeyValue | undefined): Applied {
    const createRev = prev?.createRevision ?? revision;
    this.stmts.insertLog.run({ rev: revision, key, value, create_rev: createRev, prev_rev: prev?.modRevision ?? 0, deleted: 0 });
    this.stmts.upsertCurrent.run({ key, value, create_rev: createRev, mod_rev: revision });
    const kv: KeyValue = { key, value, createRevision: createRev, modRevision: revision };
    const event: KVEvent = prev === undefined ? { type: 'put', kv, revision } : { type: 'put', kv, prevKv: prev, revision };
    return { result: { succeeded: true, revision }, event };
  }

  private applyDelete(key: string, revision: number, prev: KeyValue | undefined): Applied {
    const createRev = prev?.createRevision ?? 0;
    this.stmts.insertLog.run({ rev: revision, key, value: null, create_rev: createRev, prev_rev: prev?.modRevision ?? 0, deleted: 1 });
    this.stmts.deleteCurrent.run(key);
    const kv: KeyValue = { key, value: EMPTY, createRevision: 0, modRevision: revision };
    const event: KVEvent = prev === undefined ? { type: 'delete', kv, revision } : { type: 'delete', kv, prevKv: prev, revision };
    return { result: { succeeded: true, revision }, event };
  }

  /** Runs inside the compaction transaction. */
  private compactRows(revision: number): void {
    const range = { from: this.compacted, to: revision };
    this.stmts.compactSuperseded.run(range);
    this.stmts.compactTombstones.run(range);
    this.stmts.setMeta.run({ name: 'compacted', value: revision });
    this.stmts.setMeta.run({ name: 'revision', value: this.rev });
  }

  /** Runs a synchronous read or command, mapping SQLite failures to storage errors. */
  private guard<T>(key: string, run: () => T): T {
    if (this.closed) throw closedError(key);
    try {
      return run();
    } catch (e: unknown) {
      throw mapError(e, key);
    }
  }
}

function toKeyValue(row: KVRow): KeyValue {
  return { key: row.key, value: row.value, createRevision: row.create_rev, modRevision: row.mod_rev };
}

function replayEvent(row: ReplayRow): KVEvent {
  const prevKv: KeyValue | undefined =
    row.prev_value === null || row.prev_rev === null
      ? undefined
      : { key: row.key, value: row.prev_value, createRevision: row.prev_create_rev ?? row.prev_rev, modRevision: row.prev_rev };
  const kv: KeyValue =
    row.deleted !== 0 || row.value === null
      ? { key: row.key, value: EMPTY, createRevision: 0, modRevision: row.rev }
      : { key: row.key, value: row.value, createRevision: row.create_rev, modRevision: row.rev };
  const type = row.deleted !== 0 ? 'delete' : 'put';
  return prevKv === undefined ? { type, kv, revision: row.rev } : { type, kv, prevKv, revision: row.rev };
}

function toBuffer(value: Uint8Array): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

function compactedMessage(revision: number, compacted: number): string {
  return `mvcc: required revision ${revision} has been compacted (compacted revision ${compacted})`;
}

function closedError(key: string): UnreachableError {
  return new UnreachableError('sqlite backend is closed', key);
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Storage errors pass through; SQLITE_BUSY is a timeout; anything else means storage is unusable. */
function mapError(e: unknown, key: string): StorageError {
  if (e instanceof StorageError) return e;
  const code = e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : '';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return new TimeoutError(`sqlite: ${errorMessage(e)}`, key);
  return new UnreachableError(`sqlite: ${errorMessage(e)}`, key);
}
