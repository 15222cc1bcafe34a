/**
 * A {@link Storage} that reports every successful write (not dry runs) before it returns, so that an
 * in-memory view of the objects (e.g. the Projects behind authorization) can take a change into account
 * before the client that made it hears back. Reads, lists and watches pass through unchanged.
 */
import type { KubeObject } from '../apimachinery/types.js';
import type { Storage } from './interface.js';

/** Told about each stored object and each deleted one (with the resourceVersion of the delete). */
export interface WriteObserver {
  written(obj: KubeObject): void;
  deleted(obj: KubeObject): void;
}

/** Wraps `storage` so that `observer` sees its writes. */
export function observeWrites(storage: Storage, observer: WriteObserver): Storage {
  return {
    async create(key, obj, opts) {
      const stored = await storage.create(key, obj, opts);
      if (opts?.dryRun !== true) observer.written(stored);
      return stored;
    },
    async guaranteedUpdate(key, tryUpdate, opts) {
      const stored = await storage.guaranteedUpdate(key, tryUpdate, opts);
      if (opts?.dryRun !== true) observer.written(stored);
      return stored;
    },
    async delete(key, opts) {
      const gone = await storage.delete(key, opts);
      if (opts?.dryRun !== true) observer.deleted(gone);
      return gone;
    },
    get: (key, opts) => storage.get(key, opts),
    list: (prefix, opts) => storage.list(prefix, opts),
    watch: (prefix, opts) => storage.watch(prefix, opts),
    count: (prefix) => storage.count(prefix),
    checkHealth: () => storage.checkHealth(),
  };
}
