/**
 * Lists served by the watch cache: consistent and paginated lists, pinned continue pages and Exact
 * reads answered from the cached state (checked page by page against the object store reading the
 * same revision), and the cases the cache hands to the store.
 */
import assert from 'node:assert/strict';
import type { KubeObject } from '../../apimachinery/types.js';
import { InstrumentedBackend, type InstrumentedOptions } from '../../test/support/cacher.js';
import { Rng } from '../../test/fuzz/prng.js';
import { until } from '../../test/support/wait.js';
import { labelIs, TEMPLATE, thing, utf8 } from '../../test/support/conformance/util.js';
import { CorruptValueError, ExpiredError, InvalidRequestError, InvalidResourceVersionError } from '../errors.js';
import type { ListOptions, ListResult, Storage } from '../interface.js';
import { openSqliteBackend } from '../sqlite/backend.js';
import { createStore } from '../store/store.js';
import { identityTransformer } from '../transformer.js';
import { createCachedStorage, type CachedStorage, type CachedStorageOptions } from './cacher.js';

const ROOT = '/registry/test.gardener.cloud/things/';
const names = (list: ListResult): string[] => list.items.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`);

interface Rig {
  backend: InstrumentedBackend;
  store: Storage;
  cache: CachedStorage;
  key(ns: string, name: string): string;
  close(): Promise<void>;
}

/** SQLite, the object store and a loaded watch cache around it. */
async function loadedRig(opts: Partial<CachedStorageOptions> = {}, inst: InstrumentedOptions = {}): Promise<Rig> {
  const sqlite = openSqliteBackend(':memory:');
  const backend = new InstrumentedBackend(sqlite, inst);
  const store = createStore(backend, { transformer: identityTransformer, resourcePrefix: ROOT, objectTemplate: TEMPLATE });
  const cache = createCachedStorage(store, backend, { prefix: ROOT, transformer: identityTransformer, objectTemplate: TEMPLATE, ...opts });
  cache.start();
  await until(() => cache.stats().ready, 'the cache to load');
  return {
    backend,
    store,
    cache,
    key: (ns, name) => `${ROOT}${ns}/${name}`,
    async close() {
      cache.stop();
      await sqlite.close();
    },
  };
}

function named(ns: string, name: string, labels: Record<string, string> = {}): KubeObject {
  return { ...thing(name, labels), metadata: { name, namespace: ns, labels } };
}

async function seed(r: Rig, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await r.store.create(r.key(`ns${i % 3}`, `o${String(i).padStart(3, '0')}`), named(`ns${i % 3}`, `o${String(i).padStart(3, '0')}`, { pick: i % 4 === 0 ? 'yes' : 'no' }));
}

/** Lists with the cache and with the store and insists on the same answer; returns the cache's. */
async function sameAsStore(r: Rig, prefix: string, opts: ListOptions, what: string): Promise<ListResult> {
  const ranges = r.backend.rangeCalls;
  const cached = await r.cache.list(prefix, opts);
  assert.equal(r.backend.rangeCalls, ranges, `${what}: answered by the cache without reading the backend`);
  const stored = await r.store.list(prefix, { ...opts, ...(cached.resourceVersion !== '' && opts.continue === undefined && opts.resourceVersion === undefined && { resourceVersion: cached.resourceVersion, resourceVersionMatch: 'Exact' as const }) });
  assert.deepEqual(names(cached), names(stored), what);
  assert.equal(cached.resourceVersion, stored.resourceVersion, `${what}: resourceVersion`);
  assert.equal(cached.remainingItemCount, stored.remainingItemCount, `${what}: remainingItemCount`);
  assert.equal(cached.continue, stored.continue, `${what}: continue`);
  return cached;
}

describe('watch cache: lists', () => {
  let r: Rig;
  afterEach(async () => r?.close());

  it('answers a consistent list at once with a write made just before it (read your writes)', async () => {
    r = await loadedRig();
    await seed(r, 5);
    for (let i = 0; i < 20; i++) {
      const created = await r.store.create(r.key('ns9', `w${i}`), named('ns9', `w${i}`));
      const list = await sameAsStore(r, `${ROOT}ns9/`, {}, `list after write ${i}`);
      assert.equal(list.items.find((o) => o.metadata.name === `w${i}`)?.metadata.resourceVersion, created.metadata.resourceVersion);
    }
  });

  it('pages consistent lists from the cache, every page pinned to the first one while objects change', async () => {
    r = await loadedRig({ capacity: 10_000 });
    await seed(r, 60);
    const rng = new Rng(7);
    for (const [prefix, predicate] of [[ROOT, undefined], [`${ROOT}ns1/`, undefined], [ROOT, labelIs('pick', 'yes')]] as const) {
      let token: string | undefined;
      let pages = 0;
      let firstRv = '';
      do {
        const page = await sameAsStore(r, prefix, { limit: 7, ...(token !== undefined && { continue: token }), ...(predicate && { predicate }) }, `page ${pages} of ${prefix}`);
        firstRv ||= page.resourceVersion;
        assert.equal(page.resourceVersion, firstRv, 'pinned to the first page');
        token = page.continue;
        pages++;
        // Between pages: creates, updates and deletes, before and after the position of the next page.
        for (let k = 0; k < 4; k++) {
          const ns = `ns${rng.int(0, 2)}`;
          const name = `o${String(rng.int(0, 80)).padStart(3, '0')}`;
          const key = r.key(ns, name);
          const op = rng.int(0, 2);
          if (op === 0) await r.store.create(key, named(ns, name, { pick: rng.chance(0.5) ? 'yes' : 'no' })).catch(() => undefined);
          else if (op === 1) await r.store.delete(key).catch(() => undefined);
          else await r.store.guaranteedUpdate(key, async (cur) => ({ ...(cur ?? named(ns, name)), spec: { n: k } })).catch(() => undefined);
        }
      } while (token !== undefined);
      assert.ok(pages > 2, `${pages} pages`);
    }
  });

  it('reads resourceVersion N with Exact (or with a limit) from the buffered changes, NotOlderThan at the cached revision', async () => {
    r = await loadedRig();
    await seed(r, 10);
    const rv = String(await r.backend.currentRevision());
    await r.store.delete(r.key('ns0', 'o000'));
    await r.store.create(r.key('ns0', 'new'), named('ns0', 'new'));
    await r.store.guaranteedUpdate(r.key('ns1', 'o001'), async (cur) => ({ ...(cur ?? named('ns1', 'o001')), spec: { n: 1 } }));
    await sameAsStore(r, ROOT, { resourceVersion: rv, resourceVersionMatch: 'Exact' }, 'Exact');
    const paged = await sameAsStore(r, ROOT, { resourceVersion: rv, limit: 4 }, 'N with a limit');
    assert.equal(paged.resourceVersion, rv);
    await sameAsStore(r, ROOT, { continue: paged.continue ?? '', limit: 4 }, 'its next page');
    const newer = await r.cache.list(ROOT, { resourceVersion: rv, resourceVersionMatch: 'NotOlderThan' });
    assert.ok(Number(newer.resourceVersion) >= Number(rv), `${newer.resourceVersion} >= ${rv}`);
  });

  it('hands pages pinned before more changes than its lower bound, compacted revisions and latest-revision tokens to the store', async () => {
    // The buffer grows past 3 changes while they are recent, but undoing more than 3 per page is left to the store.
    r = await loadedRig({ capacity: 3 });
    await seed(r, 6);
    const first = await r.cache.list(ROOT, { limit: 2 });
    for (let i = 0; i < 5; i++) await r.store.create(r.key('ns5', `x${i}`), named('ns5', `x${i}`));
    const ranges = r.backend.rangeCalls;
    const second = await r.cache.list(ROOT, { limit: 2, continue: first.continue ?? '' });
    assert.ok(r.cache.stats().buffered > 3, 'the buffer grew');
    assert.ok(r.backend.rangeCalls > ranges, 'more changes after the pin than the lower bound: read by the store');
    assert.deepEqual(names(second), names(await r.store.list(ROOT, { limit: 2, continue: first.continue ?? '' })));
    await r.backend.compact(await r.backend.currentRevision());
    await assert.rejects(r.cache.list(ROOT, { limit: 2, continue: second.continue ?? '' }), (e: unknown) => {
      assert.ok(e instanceof ExpiredError && e.continueToken !== undefined, String(e));
      return true;
    });
  });

  it("refuses a resourceVersion that is no uint64 as kube-apiserver's cacher does: the store's 400 for what it delegates, the versioner's error otherwise", async () => {
    r = await loadedRig();
    await seed(r, 2);
    const versioner = (rv: string) => `resourceVersion: Invalid value: "${rv}": strconv.ParseUint: parsing "${rv}": invalid syntax`;
    const fromStore = (rv: string) => (e: unknown) => e instanceof InvalidRequestError && e.message === `invalid resource version: ${versioner(rv)}`;
    const fromCache = (rv: string) => (e: unknown) => e instanceof InvalidResourceVersionError && e.message === versioner(rv);
    for (const rv of ['abc', '-1']) {
      await assert.rejects(r.cache.list(ROOT, { resourceVersion: rv, limit: 1 }), fromStore(rv), 'a legacy exact page');
      await assert.rejects(r.cache.list(ROOT, { resourceVersion: rv, resourceVersionMatch: 'Exact' }), fromStore(rv), 'Exact');
      await assert.rejects(r.cache.list(ROOT, { resourceVersion: rv }), fromCache(rv), 'without a limit');
      await assert.rejects(r.cache.list(ROOT, { resourceVersion: rv, limit: 1, resourceVersionMatch: 'NotOlderThan' }), fromCache(rv), 'NotOlderThan');
    }
    // Before the cache is loaded too: the cacher reads the resourceVersion before it looks at its state.
    const cold = createCachedStorage(r.store, r.backend, { prefix: ROOT, transformer: identityTransformer, objectTemplate: TEMPLATE });
    try {
      await assert.rejects(cold.list(ROOT, { resourceVersion: 'abc' }), fromCache('abc'));
    } finally {
      cold.stop();
    }
  });

  it('delegates consistent lists when the upstream cannot confirm freshness', async () => {
    r = await loadedRig({}, { noProgress: true });
    await seed(r, 3);
    // Another resource's write moves the revision past anything the cache of this one can confirm.
    await r.backend.create('/registry/other/x', utf8('{}'));
    const ranges = r.backend.rangeCalls;
    const list = await r.cache.list(ROOT, {});
    assert.ok(r.backend.rangeCalls > ranges, 'read by the store');
    assert.equal(list.items.length, 3);
  });

  it('fails like the store on a value it cannot read, in lists and gets', async () => {
    r = await loadedRig();
    await seed(r, 2);
    await r.backend.create(r.key('ns0', 'bad'), utf8('not json'));
    await until(async () => (await r.cache.list(ROOT, { resourceVersion: '0' }).then(() => false, (e: unknown) => e instanceof CorruptValueError)), 'the cache to see the bad value');
    await assert.rejects(r.cache.list(ROOT, {}), CorruptValueError);
    await assert.rejects(r.store.list(ROOT, {}), CorruptValueError);
    const fromStore = await r.store.get(r.key('ns0', 'bad')).then(() => undefined, (e: unknown) => e);
    assert.ok(fromStore instanceof CorruptValueError);
    await assert.rejects(r.cache.get(r.key('ns0', 'bad'), { resourceVersion: '0' }), (e: unknown) => e instanceof CorruptValueError && e.message === fromStore.message);
  });
});
