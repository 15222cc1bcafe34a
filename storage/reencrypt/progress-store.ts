/**
 * Re-encryption progress persisted in the backend itself, one JSON record per resource under a
 * reserved key, so a restarted (or another) replica continues after the last completed key instead of
 * starting over. Records are written with compare-and-swap on their modRevision: a replica whose view
 * of the record is out of date (another replica took over) gets {@link ProgressConflictError}.
 */
import type { KVBackend } from '../interface.js';

/** The persisted progress of one resource. */
export interface ProgressRecord {
  /** Write target the walk rewrites toward (`aescbc:key2`, `identity`). */
  target: string;
  /** Every object was examined (and rewritten when stale) for `target`. */
  complete: boolean;
  /** Last key up to which (inclusive) every object was handled; "" before the first. */
  lastKey: string;
  done: number;
  rewritten: number;
  unreadable: number;
  /** Objects under the prefix when the walk started. */
  total?: number;
  /** The keys that read the resource when the walk started (`readersOf` of stale.ts). */
  readers?: string;
  /** Content hash of the configuration the walk started with (information only). */
  configHash?: string;
  /** ISO time of the last write. */
  updatedAt: string;
}

/**
 * Whether `record` finished the work toward `target` for good: complete, and either nothing was left
 * unreadable or the keys that read the resource (`readers`) are still those it was walked with.
 */
export function settledFor(record: ProgressRecord | undefined, target: string, readers: string): boolean {
  return record !== undefined && record.target === target && record.complete && (record.unreadable === 0 || record.readers === readers);
}

/** A record as read, with the modRevision the next write compares against (0 = absent). */
export interface StoredProgress {
  record: ProgressRecord | undefined;
  modRevision: number;
}

/** Another writer changed the record since it was read: this replica no longer owns the walk. */
export class ProgressConflictError extends Error {
  constructor(resource: string) {
    super(`re-encryption progress of ${resource} was changed by another replica`);
    this.name = 'ProgressConflictError';
  }
}

/**
 * The reserved key prefix of progress records under an etcd prefix (`--etcd-prefix`):
 * `<etcd-prefix>/garden-apiserver/reencryption/`. No resource is stored there (groups contain dots).
 */
export function reencryptionProgressPrefix(etcdPrefix: string): string {
  return `${etcdPrefix.replace(/\/+$/, '')}/garden-apiserver/reencryption/`;
}

const utf8 = new TextEncoder();
const text = new TextDecoder();

function parse(value: Uint8Array): ProgressRecord | undefined {
  try {
    const parsed: unknown = JSON.parse(text.decode(value));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const r = parsed as Partial<ProgressRecord>;
    if (typeof r.target !== 'string' || typeof r.lastKey !== 'string' || typeof r.complete !== 'boolean') return undefined;
    return {
      ...r,
      target: r.target,
      complete: r.complete,
      lastKey: r.lastKey,
      done: Number(r.done ?? 0),
      rewritten: Number(r.rewritten ?? 0),
      unreadable: Number(r.unreadable ?? 0),
      updatedAt: String(r.updatedAt ?? ''),
    };
  } catch {
    return undefined; // an unreadable record counts as absent: the walk starts over
  }
}

/** Reads and writes the progress records under one prefix. */
export class ProgressStore {
  constructor(
    private readonly backend: KVBackend,
    /** Ends with `/`; see {@link reencryptionProgressPrefix}. */
    readonly prefix: string,
  ) {}

  /** The key of a resource's record. */
  keyOf(resource: string): string {
    return `${this.prefix}${resource}`;
  }

  /** The record of `resource` (undefined when absent or unreadable). */
  async read(resource: string): Promise<StoredProgress> {
    const { kv } = await this.backend.get(this.keyOf(resource));
    if (kv === undefined) return { record: undefined, modRevision: 0 };
    return { record: parse(kv.value), modRevision: kv.modRevision };
  }

  /**
   * Writes `record` if the stored one is still at `expectedModRevision` (0: absent).
   * @returns the new modRevision.
   * @throws ProgressConflictError when it changed.
   */
  async write(resource: string, record: ProgressRecord, expectedModRevision: number): Promise<number> {
    const key = this.keyOf(resource);
    const value = utf8.encode(JSON.stringify({ ...record, updatedAt: new Date().toISOString() }));
    const result =
      expectedModRevision === 0 ? await this.backend.create(key, value) : await this.backend.update(key, value, expectedModRevision);
    if (!result.succeeded) throw new ProgressConflictError(resource);
    return result.revision;
  }
}
