/**
 * Changes as the watch cache keeps them: decoded once, shared by every watcher, and turned into the
 * watch event a given selection predicate sees with exactly the object store's rules (entering the
 * selection is ADDED, leaving it is DELETED with the last selected state at the change's revision).
 */
import { expired, internalError, tooLargeResourceVersion } from '../../apimachinery/errors.js';
import type { KubeObject, Status } from '../../apimachinery/types.js';
import { withRevision, type CacheEntry } from './state.js';
import { ExpiredError, TooLargeResourceVersionError } from '../errors.js';
import type { SelectionPredicate, WatchEvent } from '../interface.js';
import { errorMessage, type ObjectTemplate } from '../store/core.js';

/** What happened to a key: written, deleted, or written with a value that cannot be decoded. */
export type CacheEventKind = 'put' | 'delete' | 'corrupt';

/**
 * One change of the resource. Objects are typed (apiVersion/kind) and frozen; the WatchEvent objects
 * handed to watchers are built lazily, once per event, and shared.
 */
export class CacheEvent {
  private added: WatchEvent | undefined;
  private modified: WatchEvent | undefined;
  private deleted: WatchEvent | undefined;
  private left: WatchEvent | undefined;

  private constructor(
    readonly kind: CacheEventKind,
    readonly key: string,
    readonly revision: number,
    /** put: the new object; delete: the last state, with the delete's revision. */
    readonly object: KubeObject | undefined,
    /** put of an existing key: the previous object (typed). */
    readonly prev: KubeObject | undefined,
    /**
     * What the key held just before the change, as the cache had it: undefined when it did not exist,
     * an error entry when its value could not be read. Lists at an older revision start from it.
     */
    readonly before: CacheEntry | undefined,
    /** corrupt: why the value could not be read. */
    readonly error: Error | undefined,
  ) {}

  /**
   * `key` was written at `revision`; `prev` is the (typed) object it replaced, `before` the cache
   * entry it replaced (both undefined on create).
   */
  static put(key: string, revision: number, object: KubeObject, prev: KubeObject | undefined, before: CacheEntry | undefined): CacheEvent {
    return new CacheEvent('put', key, revision, object, prev, before, undefined);
  }

  /** `key` (holding `before`) was deleted at `revision`; `last` is that state carrying the delete's revision. */
  static delete(key: string, revision: number, last: KubeObject, before: CacheEntry): CacheEvent {
    return new CacheEvent('delete', key, revision, last, undefined, before, undefined);
  }

  /** `key` changed at `revision` but its value (or the value it replaced) cannot be read. */
  static corrupt(key: string, revision: number, error: Error, before: CacheEntry | undefined): CacheEvent {
    return new CacheEvent('corrupt', key, revision, undefined, undefined, before, error);
  }

  /** The event a watch with `predicate` sees, or undefined when it sees nothing (never for corrupt). */
  watchEvent(predicate: SelectionPredicate | undefined): WatchEvent | undefined {
    const obj = this.object;
    if (obj === undefined) return undefined;
    const all = predicate === undefined || predicate.empty;
    if (this.kind === 'delete') return all || predicate.matches(obj) ? (this.deleted ??= sharedEvent('DELETED', obj)) : undefined;
    const prev = this.prev;
    if (prev === undefined) return all || predicate.matches(obj) ? this.addedEvent(obj) : undefined;
    if (all) return this.modifiedEvent(obj);
    const curPasses = predicate.matches(obj);
    const oldPasses = predicate.matches(prev);
    if (curPasses) return oldPasses ? this.modifiedEvent(obj) : this.addedEvent(obj);
    // No longer selected: DELETED with the previous content at the event's revision, as the store does.
    return oldPasses ? (this.left ??= sharedEvent('DELETED', withRevision(prev, this.revision))) : undefined;
  }

  private addedEvent(obj: KubeObject): WatchEvent {
    return (this.added ??= sharedEvent('ADDED', obj));
  }

  private modifiedEvent(obj: KubeObject): WatchEvent {
    return (this.modified ??= sharedEvent('MODIFIED', obj));
  }
}

/** Events handed to every watcher a change concerns (not a watcher's own initial events or bookmarks). */
const sharedEvents = new WeakSet<WatchEvent>();

function sharedEvent(type: WatchEvent['type'], object: KubeObject): WatchEvent {
  const ev: WatchEvent = { type, object };
  sharedEvents.add(ev);
  return ev;
}

/** Whether `ev` goes to every watcher of its change, so that work done for one (its encoding) serves the others. */
export function isSharedEvent(ev: WatchEvent): boolean {
  return sharedEvents.has(ev);
}

/** A BOOKMARK event at `revision` (typed from `template` when known), with optional annotations. */
export function bookmarkEvent(template: ObjectTemplate | undefined, revision: number, annotations?: Record<string, string>): WatchEvent {
  const object: KubeObject = {
    ...(template !== undefined && { apiVersion: template.apiVersion, kind: template.kind }),
    metadata: { resourceVersion: String(revision), ...(annotations !== undefined && { annotations }) },
  };
  return { type: 'BOOKMARK', object };
}

/** The ERROR event carrying `status`. */
export function errorEvent(status: Status): WatchEvent {
  return { type: 'ERROR', object: { ...status, metadata: {} } };
}

/** The 410 Status of a watch whose start revision `revision` is older than `oldest`. */
export function tooOldStatus(revision: number, oldest: number): Status {
  return expired(`too old resource version: ${revision} (${oldest})`).status;
}

/** The Status ending a watch that failed with `err`, as the object store reports it. */
export function statusFor(err: unknown): Status {
  if (err instanceof ExpiredError) return expired(err.message).status;
  if (err instanceof TooLargeResourceVersionError) {
    return tooLargeResourceVersion(err.message, err.retryAfterSeconds).status;
  }
  return internalError(errorMessage(err)).status;
}
