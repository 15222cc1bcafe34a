/**
 * The watch cache on the production backend: the conformance suite through the cache on a real etcd
 * (the etcd3 adapter), and many client watches sharing one etcd watch.
 */
import assert from 'node:assert/strict';
import { settledEtcdRequests, startEtcd, type EtcdCluster } from '../../test/support/etcd.js';
import { COMPACTION_RECHECK_MS, createCachedStorage } from './cacher.js';
import { cacheWrapper, InstrumentedBackend } from '../../test/support/cacher.js';
import { runStorageConformance } from '../../test/support/conformance/suite.js';
import { TEMPLATE, thing, WatchReader } from '../../test/support/conformance/util.js';
import { openEtcdBackend } from '../etcd3/backend.js';
import { createStore } from '../store/store.js';
import { identityTransformer } from '../transformer.js';

describe('watch cache on etcd', function () {
  this.timeout(30_000);
  let etcd: EtcdCluster | undefined;
  const stops: Array<() => void> = [];

  before(async () => {
    etcd = await startEtcd();
  });
  after(async () => {
    await etcd?.stop();
  });
  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
  });

  const open = () => {
    if (etcd === undefined) throw new Error('etcd is not running');
    return openEtcdBackend({ endpoints: etcd.endpoints, requestTimeoutMs: 5000 });
  };

  runStorageConformance(
    'etcd3 behind the watch cache',
    async () => {
      const backend = open();
      return { backend, cleanup: () => backend.close() };
    },
    { wrapStore: cacheWrapper((stop) => stops.push(stop)) },
  );

  it('pages a consistent list from the cache with etcd reads for its first page only', async () => {
    const backend = open();
    const root = `/cacher-etcd/${Date.now()}-pages/`;
    const store = createStore(backend, { transformer: identityTransformer, resourcePrefix: root, objectTemplate: TEMPLATE });
    const cache = createCachedStorage(store, backend, { prefix: root, transformer: identityTransformer, objectTemplate: TEMPLATE });
    stops.push(() => cache.stop());
    try {
      for (let i = 0; i < 30; i++) await store.create(`${root}ns/o${String(i).padStart(2, '0')}`, thing(`o${i}`));
      const endpoint = etcd?.endpoints[0] ?? '';
      await cache.list(root, { limit: 5 }); // the cache has caught up and checked the compaction once
      const before = await settledEtcdRequests(endpoint, 'Range');
      const t0 = performance.now();
      let pages = 0;
      let items = 0;
      let token: string | undefined;
      do {
        const page = await cache.list(root, { limit: 5, ...(token === undefined ? {} : { continue: token }) });
        pages++;
        items += page.items.length;
        token = page.continue;
      } while (token !== undefined);
      const elapsed = performance.now() - t0;
      const reads = (await settledEtcdRequests(endpoint, 'Range')) - before;
      assert.equal(items, 30);
      assert.equal(pages, 6);
      // The first page asks etcd for its current revision; the other five are pinned to it. The compaction
      // is re-read once per COMPACTION_RECHECK_MS, so a slow machine may see one read per second elapsed.
      const rechecks = Math.floor(elapsed / COMPACTION_RECHECK_MS) + 1;
      assert.ok(reads <= 1 + rechecks, `${reads} etcd range requests for ${pages} pages in ${elapsed.toFixed(0)} ms`);
    } finally {
      cache.stop();
      await backend.close();
    }
  });

  it('feeds 200 client watches from one etcd watch', async () => {
    const etcdBackend = open();
    const backend = new InstrumentedBackend(etcdBackend);
    const root = `/cacher-etcd/${Date.now()}/`;
    const store = createStore(backend, { transformer: identityTransformer, resourcePrefix: root, objectTemplate: TEMPLATE });
    const cache = createCachedStorage(store, backend, { prefix: root, transformer: identityTransformer, objectTemplate: TEMPLATE });
    stops.push(() => cache.stop());
    try {
      const readers = Array.from({ length: 200 }, () => new WatchReader(cache.watch(root, { resourceVersion: '0' })));
      const a = await store.create(`${root}ns/a`, thing('a'));
      await Promise.all(readers.map(async (r) => assert.deepEqual(await r.next(), { type: 'ADDED', object: a })));
      assert.equal(backend.watchCalls, 1);
      assert.equal(cache.stats().watchers, 200);
      for (const r of readers) r.watch.stop();
    } finally {
      cache.stop();
      await etcdBackend.close();
    }
  });
});
