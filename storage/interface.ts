/**
 * The storage contracts. Two layers:
 *
 * - {@link KVBackend}: what an adapter (SQLite, etcd3) implements. Byte values under string keys, one
 *   global, monotonically increasing revision per write (etcd's model), history kept until compacted.
 * - {@link Storage}: what the registry uses. Objects in, objects out; `metadata.resourceVersion` is the
 *   object's last-modified revision rendered as a decimal string and is opaque to callers.
 *   Implemented once ({@link ../store.ts}) on top of any backend, with a codec and a value transformer.
 */
import type { KubeObject } from '../apimachinery/types.js';

// ---------------------------------------------------------------------------------------------------
// Backend (adapter) contract
// ---------------------------------------------------------------------------------------------------

/** One stored key at one revision. */
export interface KeyValue {
  key: string;
  value: Uint8Array;
  /** Revision of the write that created the key (first write since it last did not exist). */
  createRevision: number;
  /** Revision of the write that last changed the key. */
  modRevision: number;
}

/** Result of a compare-and-swap write. */
export type TxnResult =
  | { succeeded: true; revision: number }
  | { succeeded: false; revision: number; current?: KeyValue };

/** A change seen by a backend watch. `prevKv` is the value before the change (absent on create). */
export interface KVEvent {
  type: 'put' | 'delete';
  kv: KeyValue;
  prevKv?: KeyValue;
  /** Revision of the change (equals `kv.modRevision` for puts; the delete's revision for deletes). */
  revision: number;
}

/** Handle of a running backend watch. */
export interface KVWatch {
  cancel(): void;
  /**
   * Optional: asks for an `onProgress` call once everything committed so far that matches the watch
   * has been delivered (etcd's progress request). Lets BOOKMARK events carry a fresh revision.
   */
  requestProgress?(): void;
}

/** Callbacks of a backend watch. */
export interface KVWatchHandlers {
  /** Events in revision order, each batch one or more revisions. */
  onEvents(events: KVEvent[]): void;
  /** The watch ended with an error (compacted start revision -> ExpiredError, lost connection, ...). */
  onError(err: Error): void;
  /** Optional progress notification: every event up to `revision` has been delivered. */
  onProgress?(revision: number): void;
}

/**
 * Range read options. `revision` 0 or absent reads the latest state; an older one reads the state as of
 * that revision (ExpiredError once compacted); a future one throws FutureRevisionError.
 */
export interface RangeOptions {
  revision?: number;
  limit?: number;
  /** Count all keys in range (ignoring limit) into `count`. */
  count?: boolean;
}

export interface RangeResult {
  kvs: KeyValue[];
  /** Revision the read was served at. */
  revision: number;
  /** More keys exist in range beyond `limit`. */
  more: boolean;
  /** Number of keys in range ignoring `limit` when `count` was requested (otherwise unspecified). */
  count: number;
}

/**
 * A revisioned key-value store. Every successful write advances one global revision by exactly one;
 * reads at an older revision see the state as of that revision until it is compacted, after which they
 * throw {@link ExpiredError}. All methods may throw {@link UnreachableError} or {@link TimeoutError}.
 */
export interface KVBackend {
  /** Latest value of `key` (or at `revision`), with the revision the read was served at. */
  get(key: string, revision?: number): Promise<{ kv?: KeyValue; revision: number }>;
  /**
   * The latest modRevision of `key` (none when it does not exist), with the revision the read was
   * served at, without transferring the value: for readers that hold the value of a revision already.
   */
  modRevision(key: string): Promise<{ modRevision?: number; revision: number }>;
  /** Keys in `[start, end)` in byte order (the UTF-8 bytes of the keys, as etcd compares them). */
  range(start: string, end: string, opts?: RangeOptions): Promise<RangeResult>;
  /**
   * Writes `value` only if `key` does not exist. Every write answers with the revision it was
   * committed at (success) or the current revision and, if the key exists, its current value (failure).
   */
  create(key: string, value: Uint8Array): Promise<TxnResult>;
  /** Writes `value` only if `key`'s modRevision equals `expectedModRevision`. */
  update(key: string, value: Uint8Array, expectedModRevision: number): Promise<TxnResult>;
  /** Deletes `key` only if its modRevision equals `expectedModRevision`. */
  delete(key: string, expectedModRevision: number): Promise<TxnResult>;
  /**
   * Watches keys with `prefix`, delivering every change with revision > `afterRevision` (put events
   * of existing keys and delete events carry `prevKv`). `afterRevision >= compactedRevision()` always
   * works; an older one whose changes were compacted away is reported through `onError` with an
   * ExpiredError. Handlers are never called synchronously from `watch` itself, and nothing is
   * delivered after `cancel`.
   */
  watch(prefix: string, afterRevision: number, handlers: KVWatchHandlers): KVWatch;
  /** Revision of the latest write. */
  currentRevision(): Promise<number>;
  /**
   * Oldest revision still readable (0 when nothing was compacted). With `maxAgeMs`, an answer
   * verified within that many milliseconds may be given again without asking the store (another
   * client's compaction then shows up that much later; this backend's own `compact` shows at once).
   */
  compactedRevision(maxAgeMs?: number): Promise<number>;
  /**
   * Discards history older than `revision`, which becomes the oldest readable revision (the value of
   * each live key as of `revision` is kept). A revision at or below the current compaction is a no-op.
   */
  compact(revision: number): Promise<void>;
  /** Resolves when the backend answers; rejects with the reason otherwise. */
  checkHealth(): Promise<void>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------
// Object storage contract (used by the registry)
// ---------------------------------------------------------------------------------------------------

/** Delete/update preconditions (meta/v1 Preconditions). */
export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

/** Decides whether an object belongs to a list or watch (label and field selectors). */
export interface SelectionPredicate {
  /** True when the object is selected. */
  matches(obj: KubeObject): boolean;
  /** True when no selector is set (every object matches); enables `remainingItemCount`. */
  readonly empty: boolean;
}

/** Options of a list. */
export interface ListOptions {
  /** "" (latest, consistent), "0" (any), or a revision. */
  resourceVersion?: string;
  resourceVersionMatch?: '' | 'NotOlderThan' | 'Exact';
  /** Page size; 0 or absent means everything. */
  limit?: number;
  /** Continue token from a previous page. */
  continue?: string;
  predicate?: SelectionPredicate;
  /** List only the keys under this single key (used for a `metadata.name` field selector). */
  singleKey?: string;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/** Options of a watch. */
export interface WatchOptions {
  /** "" or "0": start with ADDED events for the current state; N: changes after N. */
  resourceVersion?: string;
  predicate?: SelectionPredicate;
  /** Emit BOOKMARK events. */
  allowBookmarks?: boolean;
  /** Start with ADDED events for the current state even for a resourceVersion N, then (with `allowBookmarks`) an end bookmark. */
  sendInitialEvents?: boolean;
  /** Watch a single key instead of the prefix. */
  singleKey?: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** One watch event, the object as it is (DELETED: as it was last seen, with the delete's revision). */
export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject;
}

/**
 * A running watch. Iterate it for events; the iteration ends when `stop()` is called or the source
 * fails (in which case a final ERROR event carrying a Status object is delivered first).
 */
export interface Watch extends AsyncIterable<WatchEvent> {
  stop(): void;
  /**
   * Queues a BOOKMARK at the newest revision the watch has caught up with, if it allows bookmarks
   * (kube-apiserver sends one shortly before a watch times out, so the client resumes from there).
   */
  requestBookmark?(): void;
}

/** Computes the new object from the current one inside an update retry loop. */
export type UpdateFunc = (current: KubeObject | undefined) => Promise<KubeObject>;

/** Options of `guaranteedUpdate`. */
export interface UpdateOptions {
  preconditions?: Preconditions;
  /** When the key is absent, call `tryUpdate(undefined)` and create the object (create-on-update). */
  allowCreate?: boolean;
  /** Run everything but do not write. */
  dryRun?: boolean;
  /**
   * The object as a watch cache holds it, with its resourceVersion: taken for the current state
   * instead of reading storage first, as Kubernetes' cacher passes it. Where it may be outdated (the
   * write's compare fails, the update or a check fails on it, or the update changes nothing) the
   * stored object is read and decides. Ignored by dry runs.
   */
  cachedExisting?: KubeObject;
}

/** Options of `delete`. */
export interface DeleteOptions {
  preconditions?: Preconditions;
  /** Called with the current object inside the retry loop; throw to refuse the delete. */
  validateDeletion?: (current: KubeObject) => Promise<void>;
  dryRun?: boolean;
  /**
   * The object as the caller last read it or a watch cache holds it, with its resourceVersion: the
   * delete compares on that version instead of reading storage first. Where it may be outdated (the
   * compare fails, or a precondition or `validateDeletion` fails on it) the stored object is read
   * and decides. Ignored by dry runs.
   */
  cachedExisting?: KubeObject;
}

/**
 * Object storage for one resource. Keys are full storage keys
 * (`<prefix>/<group>/<resource>/<namespace>/<name>`); list and watch take a key prefix ending in `/`.
 * Returned objects carry `metadata.resourceVersion`. Errors are the typed errors of `errors.ts`.
 */
export interface Storage {
  /** Creates the object; throws KeyExistsError if the key exists. Returns the stored object. */
  create(key: string, obj: KubeObject, opts?: { dryRun?: boolean }): Promise<KubeObject>;
  /** Reads one object; throws KeyNotFoundError. `resourceVersion` as in list ("", "0", N). */
  get(key: string, opts?: { resourceVersion?: string }): Promise<KubeObject>;
  /** Lists objects under `prefix`, paged and filtered. */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /**
   * Read-modify-write with optimistic concurrency: reads the current object, calls `tryUpdate`, writes
   * the result if nothing changed in between, and retries otherwise. A `resourceVersion` set on the
   * object returned by `tryUpdate` that differs from the current one fails with ConflictError instead
   * of retrying. A value read with a stale transformer is written even if unchanged.
   */
  guaranteedUpdate(key: string, tryUpdate: UpdateFunc, opts?: UpdateOptions): Promise<KubeObject>;
  /**
   * Deletes the object (compare-and-swap on its modRevision, retried on races; preconditions and
   * `validateDeletion` are checked against the latest object each time). Returns the object as it was
   * last stored, with `resourceVersion` = the revision of the delete (as Kubernetes does).
   */
  delete(key: string, opts?: DeleteOptions): Promise<KubeObject>;
  /**
   * Watches objects under `prefix`. Invalid arguments (resourceVersion, prefix) throw synchronously;
   * later failures end the iteration after an ERROR event carrying a Status.
   */
  watch(prefix: string, opts?: WatchOptions): Watch;
  /** Number of objects under `prefix`. */
  count(prefix: string): Promise<number>;
  /** Resolves when storage is reachable. */
  checkHealth(): Promise<void>;
}
