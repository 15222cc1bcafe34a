/**
 * The storage conformance suite: every {@link KVBackend} adapter (SQLite, etcd3) must pass it, both
 * directly (revisions, compare-and-swap, ranges, watches, compaction) and with the object store built
 * on it (create/get/list/update/delete/watch semantics of Kubernetes). Only the interfaces are used.
 *
 * Usage, in an adapter's test file:
 *
 * ```ts
 * runStorageConformance('sqlite (file)', async () => {
 *   const backend = openSqliteBackend(file);
 *   return { backend, cleanup: () => backend.close() };
 * });
 * ```
 */
import { backendSuite } from './backend.js';
import { guessSuite } from './guess.js';
import { listSuite } from './list.js';
import { storeSuite } from './store.js';
import { useHarness, type BackendFactory, type Harness } from './util.js';
import { watchSuite } from './watch.js';
import type { KVBackend, Storage } from '../../../storage/interface.js';
import type { StoreOptions } from '../../../storage/store/store.js';

export type { BackendFactory } from './util.js';

/**
 * Wraps each object store under test, e.g. in a watch cache. `options` are the options the test asked
 * for (on top of the harness defaults: identity transformer, `TEMPLATE`, tooLargeWaitMs 200); `root`
 * is the test's key prefix, under which every key of the test lies.
 */
export type StoreWrapper = (store: Storage, ctx: { backend: KVBackend; root: string; options: Partial<StoreOptions> }) => Storage;

/** Optional settings of {@link runStorageConformance}. */
export interface ConformanceOptions {
  /** Runs the store, list and watch tests against `wrapStore(store)` instead of the store itself. */
  wrapStore?: StoreWrapper;
}

/**
 * Registers the conformance suite as a mocha `describe` named after the adapter. `factory` is called
 * before every test; tests write under a unique key prefix, so a factory may hand out a shared backend
 * (compaction tests do compact its history).
 */
export function runStorageConformance(name: string, factory: BackendFactory, opts: ConformanceOptions = {}): void {
  describe(`storage conformance: ${name}`, () => {
    const base = useHarness(factory);
    const h = opts.wrapStore === undefined ? base : wrappedHarness(base, opts.wrapStore);
    backendSuite(h);
    storeSuite(h);
    guessSuite(h);
    listSuite(h);
    watchSuite(h);
  });
}

/** `base` whose `store()` hands out wrapped stores. */
function wrappedHarness(base: Harness, wrap: StoreWrapper): Harness {
  return {
    get backend() {
      return base.backend;
    },
    get root() {
      return base.root;
    },
    store: (options = {}) => wrap(base.store(options), { backend: base.backend, root: base.root, options }),
    track: (watch) => base.track(watch),
    trackKV: (watch) => base.trackKV(watch),
    cached: true,
  };
}
