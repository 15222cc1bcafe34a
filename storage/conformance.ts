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
import { backendSuite } from './conformance-backend.js';
import { listSuite } from './conformance-list.js';
import { storeSuite } from './conformance-store.js';
import { useHarness, type BackendFactory } from './conformance-util.js';
import { watchSuite } from './conformance-watch.js';

export type { BackendFactory } from './conformance-util.js';

/**
 * Registers the conformance suite as a mocha `describe` named after the adapter. `factory` is called
 * before every test; tests write under a unique key prefix, so a factory may hand out a shared backend
 * (compaction tests do compact its history).
 */
export function runStorageConformance(name: string, factory: BackendFactory): void {
  describe(`storage conformance: ${name}`, () => {
    const h = useHarness(factory);
    backendSuite(h);
    storeSuite(h);
    listSuite(h);
    watchSuite(h);
  });
}
