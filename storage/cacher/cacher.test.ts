import assert from 'node:assert/strict';
import type { KubeObject } from '../../apimachinery/types.js';
import { CacheWatcher } from './watcher.js';
import { createCachedStorage, GUESS_WHILE_UPDATING, type CachedStorage, type CachedStorageOptions } from './cacher.js';
import { cacheWrapper, InstrumentedBackend, type InstrumentedOptions } from '../../test/support/cacher.js';
import { runStorageConformance } from '../../test/support/conformance/suite.js';
import { labelIs, rvOf, sleep, TEMPLATE, thing, utf8, WatchReader } from '../../test/support/conformance/util.js';
import { until } from '../../test/support/wait.js';
import { CorruptValueError, InvalidRequestError, InvalidResourceVersionError, KeyNotFoundError, TooLargeResourceVersionError, UnreachableError } from '../errors.js';
import type { Storage, Watch, WatchEvent } from '../interface.js';
import { openSqliteBackend } from '../sqlite/backend.js';
import { createStore } from '../store/store.js';
import { identityTransformer, type ValueTransformer } from '../transformer.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sqliteFactory = async () => {
  const backend = openSqliteBackend(':memory:');
  return { backend, cleanup: () => backend.close() };
};

runStorageConformance('sqlite (:memory:) behind the watch cache', sqliteFactory, { wrapStore: cacheWrapper((stop) => cleanups.push(stop)) });
runStorageConformance('sqlite (:memory:) behind the watch cache, upstream without progress requests', sqliteFactory, {
  wrapStore: cacheWrapper((stop) => cleanups.push(stop), (b) => new InstrumentedBackend(b, { noProgress: true })),
});

const ROOT = '/registry/test.gardener.cloud/things/';

interface Rig {
  backend: InstrumentedBackend;
  store: Storage;
  cache: CachedStorage;
  key(ns: string, name: string): string;
  track(watch: Watch): WatchReader;
}

/** A SQLite backend (instrumented), the object store on it and the cached storage around that. */
function rig(opts: Partial<CachedStorageOptions> = {}, inst: InstrumentedOptions = {}): Rig {
  const sqlite = openSqliteBackend(':memory:');
  const backend = new InstrumentedBackend(sqlite, inst);
  const store = createStore(backend, { transformer: identityTransformer, resourcePrefix: ROOT, objectTemplate: TEMPLATE });
  const cache = createCachedStorage(store, backend, { prefix: ROOT, transformer: identityTransformer, objectTemplate: TEMPLATE, ...opts });
  const watches: Watch[] = [];
  cleanups.push(async () => {
    for (const w of watches) w.stop();
    cache.stop();
    await sqlite.close();
  });
  return {
    backend,
    store,
    cache,
    key: (ns, name) => `${ROOT}${ns}/${name}`,
    track: (watch) => {
      watches.push(watch);
      return new WatchReader(watch);
    },
  };
}

const bump = (obj: KubeObject | undefined, n: number): KubeObject => {
  assert.ok(obj);
  return { ...obj, spec: { n } };
};

const summary = (events: WatchEvent[]): string[] => events.map((e) => `${e.type} ${e.object.metadata.name ?? ''} ${e.object.metadata.resourceVersion ?? ''}`);

describe('watch cache', () => {
  it('feeds many watchers of all scopes from exactly one backend watch', async () => {
    const r = rig();
    await r.store.create(r.key('ns0', 'a'), thing('a'));
    const readers: WatchReader[] = [];
    for (let i = 0; i < 1000; i++) readers.push(r.track(r.cache.watch(`${ROOT}ns${i % 10}/`, { resourceVersion: '0' })));
    const all = r.track(r.cache.watch(ROOT, { resourceVersion: '0' }));
    const single = r.track(r.cache.watch(`${ROOT}ns3/`, { resourceVersion: '0', singleKey: r.key('ns3', 'x') }));
    const picked = r.track(r.cache.watch(ROOT, { resourceVersion: '0', predicate: labelIs('pick', 'yes') }));
    await Promise.all(readers.filter((_, i) => i % 10 === 0).map(async (reader) => assert.equal((await reader.next())?.object.metadata.name, 'a')));
    assert.equal((await all.next())?.object.metadata.name, 'a');
    const created: KubeObject[] = [];
    for (let n = 0; n < 10; n++) created.push(await r.store.create(r.key(`ns${n}`, 'x'), thing('x', { pick: n % 2 === 0 ? 'yes' : 'no' })));
    await Promise.all(readers.map(async (reader, i) => assert.deepEqual(await reader.next(), { type: 'ADDED', object: created[i % 10] })));
    assert.deepEqual(summary(await all.take(10)), summary(created.map((object) => ({ type: 'ADDED', object }))));
    assert.deepEqual(await single.next(), { type: 'ADDED', object: created[3] });
    assert.deepEqual(summary(await picked.take(5)), summary(created.filter((_, n) => n % 2 === 0).map((object) => ({ type: 'ADDED', object }))));
    await single.expectQuiet(50);
    assert.equal(r.backend.watchCalls, 1, 'one upstream watch for every client watch');
    assert.equal(r.backend.openWatches, 1);
    assert.equal(r.cache.stats().watchers, 1003);
    for (const reader of readers) reader.watch.stop();
    assert.equal(r.cache.stats().watchers, 3);
  });

  it('keeps a burst of recent changes beyond its starting capacity, so that a watch from before the burst resumes', async () => {
    const r = rig({ capacity: 5 });
    const key = r.key('ns', 'a');
    const first = rvOf(await r.store.create(key, thing('a')));
    const live = r.track(r.cache.watch(ROOT, { resourceVersion: '0' }));
    await live.take(1);
    const updates: KubeObject[] = [];
    for (let n = 1; n <= 12; n++) updates.push(await r.store.guaranteedUpdate(key, async (cur) => bump(cur, n)));
    await live.take(12);
    assert.equal(r.cache.stats().buffered, 13, 'the buffer doubled twice instead of evicting changes seconds old');
    const resumed = r.track(r.cache.watch(ROOT, { resourceVersion: String(first) }));
    assert.deepEqual(await resumed.take(12), updates.map((object) => ({ type: 'MODIFIED', object })));
  });

  it('replays a watch from a revision within the buffer and answers an older one with 410', async () => {
    const r = rig({ capacity: 5, maxCapacity: 5 });
    const key = r.key('ns', 'a');
    let obj = await r.store.create(key, thing('a'));
    const first = rvOf(obj);
    const live = r.track(r.cache.watch(ROOT, { resourceVersion: '0' }));
    assert.equal((await live.next())?.type, 'ADDED');
    const updates: KubeObject[] = [];
    for (let n = 1; n <= 10; n++) updates.push((obj = await r.store.guaranteedUpdate(key, async (cur) => bump(cur, n))));
    await live.take(10);
    const stats = r.cache.stats();
    assert.equal(stats.buffered, 5);
    assert.equal(stats.bufferStart, rvOf(updates[4]), 'the last evicted revision');
    const old = r.track(r.cache.watch(ROOT, { resourceVersion: String(first) }));
    assert.deepEqual(await old.next(), {
      type: 'ERROR',
      object: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `too old resource version: ${first} (${stats.bufferStart})`,
        reason: 'Expired',
        code: 410,
      },
    });
    await old.expectEnd();
    const oldest = r.track(r.cache.watch(`${ROOT}ns/`, { resourceVersion: String(stats.bufferStart) }));
    assert.deepEqual(await oldest.take(5), updates.slice(5).map((object) => ({ type: 'MODIFIED', object })));
    await oldest.expectQuiet(50);
  });

  it('resumes after a failed upstream watch without losing or repeating events', async () => {
    const r = rig({ retryMinMs: 100 });
    const key = r.key('ns', 'a');
    const w = r.track(r.cache.watch(ROOT, { resourceVersion: '0' }));
    const picked = r.track(r.cache.watch(ROOT, { resourceVersion: '0', predicate: labelIs('pick', 'yes') }));
    const written: KubeObject[] = [await r.store.create(key, thing('a', { pick: 'yes' }))];
    assert.equal((await w.next())?.type, 'ADDED');
    r.backend.breakWatches(new UnreachableError('connection lost', ROOT));
    await sleep(10);
    for (let n = 1; n <= 5; n++) written.push(await r.store.guaranteedUpdate(key, async (cur) => bump(cur, n)));
    await sleep(200);
    for (let n = 6; n <= 10; n++) written.push(await r.store.guaranteedUpdate(key, async (cur) => bump(cur, n)));
    assert.deepEqual(await w.take(10), written.slice(1).map((object) => ({ type: 'MODIFIED', object })));
    await w.expectQuiet(100);
    assert.deepEqual(summary(await picked.take(11)), summary(written.map((object, i) => ({ type: i === 0 ? 'ADDED' : 'MODIFIED', object }))));
    assert.equal(r.backend.watchCalls, 2);
    assert.equal(r.backend.openWatches, 1);
  });

  it('re-lists when the upstream cannot resume (compacted): clients behind get 410, new ones are served', async () => {
    const r = rig({ retryMinMs: 150 });
    const key = r.key('ns', 'a');
    const a = await r.store.create(key, thing('a'));
    const w = r.track(r.cache.watch(ROOT, { resourceVersion: '0' }));
    assert.deepEqual(await w.next(), { type: 'ADDED', object: a });
    r.backend.breakWatches(new UnreachableError('connection lost', ROOT));
    await sleep(10);
    await r.store.guaranteedUpdate(key, async (cur) => bump(cur, 1));
    const latest = await r.store.guaranteedUpdate(key, async (cur) => bump(cur, 2));
    await r.backend.compact(rvOf(latest));
    const error = await w.next();
    assert.equal(error?.type, 'ERROR');
    assert.equal(error?.object['code'], 410);
    assert.equal(error?.object['message'], `too old resource version: ${rvOf(a)} (${rvOf(latest)})`);
    await w.expectEnd();
    const again = r.track(r.cache.watch(ROOT, { resourceVersion: '0' }));
    assert.deepEqual(await again.next(), { type: 'ADDED', object: latest });
    assert.equal(r.backend.watchCalls, 3, 'initial watch, the failed resume, the watch after the re-list');
    const b = await r.store.create(r.key('ns', 'b'), thing('b'));
    assert.deepEqual(await again.next(), { type: 'ADDED', object: b });
  });

  it('keeps trying a re-list that failed, without waiting for a client to ask', async () => {
    const r = rig({ retryMinMs: 50 });
    const key = r.key('ns', 'a');
    await r.store.create(key, thing('a'));
    r.cache.start();
    await until(() => r.cache.stats().ready, 'the cache to load');
    r.backend.breakWatches(new UnreachableError('connection lost', ROOT));
    await sleep(10);
    const latest = await r.store.guaranteedUpdate(key, async (cur) => bump(cur, 1));
    await r.backend.compact(rvOf(latest));
    r.backend.failRanges = 3;
    await until(() => r.backend.failRanges === 0, 'the failed re-lists', 10_000);
    await until(() => r.cache.stats().ready && r.cache.stats().revision >= rvOf(latest), 'the cache to serve again by itself', 10_000);
  });

  it(`starts updates from the cached object while fewer than ${GUESS_WHILE_UPDATING} run, from storage beyond`, async () => {
    const r = rig();
    const keys = Array.from({ length: GUESS_WHILE_UPDATING + 2 }, (_, i) => r.key('ns', `o${i}`));
    let last: KubeObject | undefined;
    for (const key of keys) last = await r.cache.create(key, thing(key.slice(-2)));
    // A read with a resourceVersion starts the cache; it answers from the cache once it has loaded.
    await r.cache.get(keys[0] ?? '', { resourceVersion: '0' });
    await until(() => r.cache.stats().ready && r.cache.stats().revision >= rvOf(last), 'the cache to hold every object', 20_000);

    let before = r.backend.getCalls;
    const updated = await r.cache.guaranteedUpdate(keys[0] ?? '', async (cur) => bump(cur, 1));
    assert.deepEqual(updated.spec, { n: 1 });
    assert.equal(r.backend.getCalls - before, 0, 'no read before the write');

    // Updates held in tryUpdate stay under way: the first GUESS_WHILE_UPDATING guess, the rest read.
    before = r.backend.getCalls;
    let release = (): void => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const entered: string[] = [];
    const running = keys.map((key) =>
      r.cache.guaranteedUpdate(key, async (cur) => {
        entered.push(key);
        await held;
        return bump(cur, 2);
      }),
    );
    await until(() => entered.length === keys.length, 'every update to reach tryUpdate');
    assert.equal(r.backend.getCalls - before, keys.length - GUESS_WHILE_UPDATING, 'reads of the updates beyond the bound');
    release();
    for (const obj of await Promise.all(running)) assert.deepEqual(obj.spec, { n: 2 });

    await until(() => r.cache.stats().revision >= rvOf(last) + keys.length + 1, 'the cache to see the updates');
    before = r.backend.getCalls;
    const dry = await r.cache.guaranteedUpdate(keys[0] ?? '', async (cur) => bump(cur, 3), { dryRun: true });
    assert.deepEqual(dry.spec, { n: 3 });
    assert.equal(r.backend.getCalls - before, 1, 'a dry run reads storage');
  });

  it('lists from the store until the cache is loaded, then resourceVersion=0 from the cache', async () => {
    const r = rig();
    const a = await r.store.create(r.key('ns1', 'a'), thing('a', { pick: 'yes' }));
    const b = await r.store.create(r.key('ns1', 'b'), thing('b'));
    const c = await r.store.create(r.key('ns2', 'c'), thing('c', { pick: 'yes' }));
    const early = await r.cache.list(ROOT, { resourceVersion: '0' });
    assert.deepEqual(early.items, [a, b, c]);
    assert.ok(!Object.isFrozen(early.items[0]), 'read by the store while the cache loads');
    await until(() => r.cache.stats().ready, 'the cache to load in the background');
    const first = await r.cache.list(ROOT, { resourceVersion: '0' });
    assert.deepEqual(first, { items: [a, b, c], resourceVersion: String(await r.backend.currentRevision()) });
    const ranges = r.backend.rangeCalls;
    const paged = await r.cache.list(`${ROOT}ns1/`, { resourceVersion: '0', limit: 1 });
    assert.deepEqual(paged.items, [a, b], 'resourceVersion=0 ignores limit, as the Kubernetes cacher does');
    assert.equal(paged.continue, undefined);
    assert.deepEqual((await r.cache.list(ROOT, { resourceVersion: '0', predicate: labelIs('pick', 'yes') })).items, [a, c]);
    assert.deepEqual((await r.cache.list(`${ROOT}ns1/`, { resourceVersion: '0', singleKey: r.key('ns1', 'b') })).items, [b]);
    assert.equal(r.backend.rangeCalls, ranges, 'no backend reads');
    const item = first.items[0];
    assert.ok(item !== undefined && Object.isFrozen(item) && Object.isFrozen(item.metadata), 'cached objects are frozen');
    const d = await r.store.create(r.key('ns2', 'd'), thing('d'));
    for (let i = 0; i < 100 && (await r.cache.list(ROOT, { resourceVersion: '0' })).items.length < 4; i++) await sleep(5);
    assert.deepEqual((await r.cache.list(`${ROOT}ns2/`, { resourceVersion: '0' })).items, [c, d]);
  });

  it('gets with a resourceVersion from the cache, and without one (consistent) after reading the modRevision', async () => {
    const r = rig({ tooLargeWaitMs: 300 });
    const a = await r.store.create(r.key('ns', 'a'), thing('a'));
    const early = await r.cache.get(r.key('ns', 'a'), { resourceVersion: '0' });
    assert.deepEqual(early, a);
    assert.ok(!Object.isFrozen(early), 'read by the store while the cache loads');
    await until(() => r.cache.stats().ready, 'the cache to load in the background');
    const reads = r.backend.getCalls;
    const cached = await r.cache.get(r.key('ns', 'a'), { resourceVersion: '0' });
    assert.deepEqual(cached, a);
    assert.ok(Object.isFrozen(cached), 'the cached object');
    const missing = r.cache.get(r.key('ns', 'nope'), { resourceVersion: '0' });
    await assert.rejects(missing, (e: unknown) => e instanceof KeyNotFoundError && e.message === `key not found: ${r.key('ns', 'nope')}`);
    assert.equal(r.backend.getCalls, reads, 'no backend reads for resourceVersion=0');
    const b = await r.store.create(r.key('ns', 'b'), thing('b'));
    // Right after the write the cache may not have it yet: the get waits for it (or, on a machine too
    // busy to deliver it within tooLargeWaitMs, reads the store); the answer is the write either way.
    assert.deepEqual(await r.cache.get(r.key('ns', 'b'), { resourceVersion: String(rvOf(b)) }), b, 'NotOlderThan');
    await until(() => r.cache.stats().revision >= rvOf(b), 'the cache to see b');
    const later = r.backend.getCalls;
    assert.deepEqual(await r.cache.get(r.key('ns', 'b'), { resourceVersion: String(rvOf(b)) }), b);
    assert.equal(r.backend.getCalls, later, 'no backend read for a revision the cache has reached');
    const heads = r.backend.modRevisionCalls;
    const consistent = await r.cache.get(r.key('ns', 'a'), {});
    assert.deepEqual(consistent, a);
    assert.ok(Object.isFrozen(consistent), 'the cached object of the stored revision');
    assert.equal(r.backend.getCalls, later, 'no value read');
    assert.equal(r.backend.modRevisionCalls, heads + 1, 'one modRevision read');
    await assert.rejects(r.cache.get(r.key('ns', 'nope'), {}), (e: unknown) => e instanceof KeyNotFoundError && e.message === `key not found: ${r.key('ns', 'nope')}`);
    assert.equal(r.backend.getCalls, later, 'a missing key needs no value either');
    const tooLarge = r.cache.get(r.key('ns', 'a'), { resourceVersion: String(rvOf(b) + 100) });
    await assert.rejects(tooLarge, TooLargeResourceVersionError, "beyond the backend's revision: the store's 504");
    // A resourceVersion that is no uint64: the store's 400, the versioner's error as it is from the cache (as kube-apiserver's cacher).
    for (const rv of ['abc', '-1']) {
      const versioner = `resourceVersion: Invalid value: "${rv}": strconv.ParseUint: parsing "${rv}": invalid syntax`;
      await assert.rejects(r.store.get(r.key('ns', 'a'), { resourceVersion: rv }), (e: unknown) => e instanceof InvalidRequestError && e.message === `invalid resource version: ${versioner}`);
      await assert.rejects(r.cache.get(r.key('ns', 'a'), { resourceVersion: rv }), (e: unknown) => e instanceof InvalidResourceVersionError && e.message === versioner);
    }
  });

  it('answers a consistent get from the store for keys whose latest change the cache has not seen', async () => {
    const r = rig();
    const a = await r.store.create(r.key('ns', 'a'), thing('a'));
    const gone = await r.store.create(r.key('ns', 'gone'), thing('gone'));
    r.cache.start();
    await until(() => r.cache.stats().ready && r.cache.stats().revision >= rvOf(gone), 'the cache to hold a and gone');
    r.backend.holdEvents();
    const changed = await r.store.guaranteedUpdate(r.key('ns', 'a'), async (cur) => bump(cur, 1));
    await r.store.delete(r.key('ns', 'gone'));
    const created = await r.store.create(r.key('ns', 'new'), thing('new'));
    assert.deepEqual(await r.cache.get(r.key('ns', 'a'), { resourceVersion: '0' }), a, 'the cache lags behind');
    const reads = r.backend.getCalls;
    const fresh = await r.cache.get(r.key('ns', 'a'), {});
    assert.deepEqual(fresh, changed);
    assert.ok(!Object.isFrozen(fresh), 'read by the store');
    assert.deepEqual(await r.cache.get(r.key('ns', 'new'), {}), created);
    await assert.rejects(r.cache.get(r.key('ns', 'gone'), {}), KeyNotFoundError);
    assert.equal(r.backend.getCalls, reads + 2, 'the changed and the created key read by the store');
    r.backend.releaseEvents();
    await until(() => r.cache.stats().revision >= rvOf(created), 'the cache to catch up');
    const cached = await r.cache.get(r.key('ns', 'a'), {});
    assert.deepEqual(cached, changed);
    assert.ok(Object.isFrozen(cached), 'from the cache once it has the latest change');
    assert.equal(r.backend.getCalls, reads + 2);
  });

  it('streams the changes after a resourceVersion it has not reached, as kube\'s watch cache does; with sendInitialEvents it fails with 504 beyond the backend', async () => {
    const r = rig({ tooLargeWaitMs: 300 });
    await r.store.create(r.key('ns', 'a'), thing('a'));
    const current = await r.backend.currentRevision();
    const ahead = r.track(r.cache.watch(ROOT, { resourceVersion: String(current + 3) }));
    const soon = r.track(r.cache.watch(ROOT, { resourceVersion: String(current + 1) }));
    const initial = r.track(r.cache.watch(ROOT, { resourceVersion: String(current + 100), sendInitialEvents: true }));
    const made = [];
    for (const name of ['b', 'c', 'd', 'e']) made.push(await r.store.create(r.key('ns', name), thing(name)));
    assert.deepEqual(await soon.take(3), made.slice(1).map((object) => ({ type: 'ADDED', object })), 'only the changes after N');
    assert.deepEqual(await ahead.next(), { type: 'ADDED', object: made[3] }, 'a watch from a revision not reached yet waits for it, without an error');
    const error = await initial.next();
    assert.equal(error?.type, 'ERROR');
    assert.equal(error?.object['code'], 504);
    assert.match(String(error?.object['message']), new RegExp(`^Timeout: Too large resource version: ${current + 100}, current: \\d+$`));
    assert.deepEqual(error?.object['details'], { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 });
    await initial.expectEnd();
  });

  it('fails a watch-list from "" with 504 when it cannot reach storage\'s revision in time, as kube\'s cacher does; a plain watch takes what it has', async () => {
    const r = rig({ tooLargeWaitMs: 300 });
    const a = await r.store.create(r.key('ns', 'a'), thing('a'));
    r.cache.start();
    await until(() => r.cache.stats().ready && r.cache.stats().revision >= rvOf(a), 'the cache to hold a');
    r.backend.holdEvents();
    const b = await r.store.create(r.key('ns', 'b'), thing('b'));
    const list = r.track(r.cache.watch(ROOT, { sendInitialEvents: true, allowBookmarks: true }));
    const error = await list.next();
    assert.equal(error?.type, 'ERROR', 'no initial state without the committed change');
    assert.equal(error?.object['code'], 504);
    assert.equal(error?.object['message'], `Timeout: Too large resource version: ${rvOf(b)}, current: ${rvOf(a)}`);
    await list.expectEnd();
    const plain = r.track(r.cache.watch(ROOT, {}));
    assert.equal((await plain.next())?.object.metadata.name, 'a', 'a plain watch from "" starts with what the cache has');
    r.backend.releaseEvents();
    const again = r.track(r.cache.watch(ROOT, { sendInitialEvents: true, allowBookmarks: true }));
    assert.deepEqual((await again.take(2)).map((e) => e.object.metadata.name).sort(), ['a', 'b']);
  });

  it('closes a watcher that falls too far behind without holding up the others', async () => {
    const r = rig({ maxWatchBacklog: 20 });
    const key = r.key('ns', 'a');
    await r.store.create(key, thing('a'));
    const rv = String(await r.backend.currentRevision());
    const slow = r.track(r.cache.watch(ROOT, { resourceVersion: rv }));
    const fast = r.track(r.cache.watch(ROOT, { resourceVersion: rv }));
    const received: Promise<WatchEvent[]> = fast.take(100);
    for (let n = 1; n <= 100; n++) await r.store.guaranteedUpdate(key, async (cur) => bump(cur, n));
    assert.equal((await received).length, 100);
    assert.equal(r.cache.stats().watchers, 1, 'the slow watcher was dropped');
    let backlog = 0;
    while ((await slow.next()) !== undefined) backlog++;
    assert.ok(backlog > 0 && backlog <= 21, `the slow watcher ends after its backlog (${backlog} events)`);
  });

  it('does not count initial or replayed events as falling behind', async () => {
    const r = rig({ maxWatchBacklog: 5 });
    const first = await r.store.create(r.key('ns', 'o00'), thing('o00'));
    for (let i = 1; i < 30; i++) await r.store.create(r.key('ns', `o${String(i).padStart(2, '0')}`), thing(`o${i}`));
    const initial = r.track(r.cache.watch(ROOT, { resourceVersion: '0' }));
    const replayed = r.track(r.cache.watch(ROOT, { resourceVersion: String(rvOf(first)) }));
    assert.equal((await initial.take(30)).length, 30);
    assert.equal((await replayed.take(29)).length, 29);
    const b = await r.store.create(r.key('ns', 'x'), thing('x'));
    assert.deepEqual(await initial.next(), { type: 'ADDED', object: b });
    assert.deepEqual(await replayed.next(), { type: 'ADDED', object: b });
    assert.equal(r.cache.stats().watchers, 2);
  });

  it('makes initial events as the client reads them, from the state at the start of the watch', async () => {
    const r = rig();
    const [a, b, c] = [await r.store.create(r.key('ns', 'a'), thing('a')), await r.store.create(r.key('ns', 'b'), thing('b')), await r.store.create(r.key('ns', 'c'), thing('c'))];
    const w = r.track(r.cache.watch(ROOT, { resourceVersion: '0', sendInitialEvents: true, allowBookmarks: true, predicate: { empty: false, matches: (o) => o.metadata.name !== 'x' } }));
    assert.ok(w.watch instanceof CacheWatcher);
    const watcher = w.watch;
    await until(() => watcher.backlog > 0, 'the watch attached');
    assert.equal(watcher.backlog, 1, 'only the initial-events-end bookmark is queued, not the three objects');
    const a2 = await r.store.guaranteedUpdate(r.key('ns', 'a'), async (cur) => bump(cur, 2));
    await r.store.delete(r.key('ns', 'b'));
    await until(() => watcher.backlog === 3, 'the two changes queued');
    const events = await w.take(6);
    assert.deepEqual(events.slice(0, 3), [a, b, c].map((object) => ({ type: 'ADDED', object })), 'the objects as they were when the watch started');
    assert.equal(events[3]?.type, 'BOOKMARK');
    assert.deepEqual(summary(events.slice(4)), [`MODIFIED a ${rvOf(a2)}`, `DELETED b ${rvOf(a2) + 1}`]);
  });

  it('an unreadable object met among the initial events ends the watch with its error, dropping what was queued', async () => {
    const r = rig();
    const a = await r.store.create(r.key('ns', 'a'), thing('a'));
    await r.backend.create(r.key('ns', 'b'), utf8('not json'));
    const w = r.track(r.cache.watch(ROOT, { resourceVersion: '0', sendInitialEvents: true, allowBookmarks: true }));
    await r.store.create(r.key('ns', 'c'), thing('c'));
    await until(() => (w.watch as CacheWatcher).backlog === 2, 'the bookmark and the new object queued');
    assert.deepEqual(await w.next(), { type: 'ADDED', object: a });
    assert.equal((await w.next())?.object['code'], 500);
    await w.expectEnd();
    assert.equal(r.cache.stats().watchers, 0);
  });

  it('decrypts each change once, however many watchers see it', async () => {
    let decodes = 0;
    const transformer: ValueTransformer = {
      toStorage: (data, key) => identityTransformer.toStorage(data, key),
      fromStorage: (stored, key) => {
        decodes++;
        return identityTransformer.fromStorage(stored, key);
      },
    };
    const r = rig({ transformer, historyRevisions: 0 });
    const key = r.key('ns', 'a');
    await r.store.create(key, thing('a'));
    const readers = Array.from({ length: 100 }, () => r.track(r.cache.watch(ROOT, { resourceVersion: '0' })));
    await Promise.all(readers.map((reader) => reader.next()));
    const before = decodes;
    const updated = await r.store.guaranteedUpdate(key, async (cur) => bump(cur, 1));
    await Promise.all(readers.map(async (reader) => assert.deepEqual(await reader.next(), { type: 'MODIFIED', object: updated })));
    assert.equal(decodes - before, 1, 'one decryption for 100 watchers');
  });

  it('serves a watch from a revision before its start from the history it loads', async () => {
    const r = rig();
    const key = r.key('ns', 'a');
    const a = await r.store.create(key, thing('a'));
    const updates: KubeObject[] = [];
    for (let n = 1; n <= 3; n++) updates.push(await r.store.guaranteedUpdate(key, async (cur) => bump(cur, n)));
    const gone = await r.store.delete(key);
    const w = r.track(r.cache.watch(ROOT, { resourceVersion: String(rvOf(a)) }));
    const events = await w.take(4);
    assert.deepEqual(events.slice(0, 3), updates.map((object) => ({ type: 'MODIFIED', object })));
    assert.deepEqual(events[3], { type: 'DELETED', object: gone });
    await w.expectQuiet(50);
    assert.equal(r.backend.watchCalls, 1);
  });

  it('without progress requests, hands a watch from within the history being loaded to the store', async () => {
    const r = rig({}, { noProgress: true });
    const key = r.key('ns', 'a');
    const a = await r.store.create(key, thing('a'));
    const b = await r.store.guaranteedUpdate(key, async (cur) => bump(cur, 1));
    const w = r.track(r.cache.watch(ROOT, { resourceVersion: String(rvOf(a)) }));
    assert.deepEqual(await w.next(), { type: 'MODIFIED', object: b });
    assert.equal(r.backend.watchCalls, 2, "the cache's watch and the store's");
    w.watch.stop();
    await sleep(10);
    assert.equal(r.backend.openWatches, 1, "stopping the client stops the store's watch");
    const live = r.track(r.cache.watch(ROOT, { resourceVersion: String(rvOf(b)) }));
    const c = await r.store.guaranteedUpdate(key, async (cur) => bump(cur, 2));
    assert.deepEqual(await live.next(), { type: 'MODIFIED', object: c });
    assert.equal(r.backend.watchCalls, 2, 'a watch from the listed revision is served by the cache');
  });

  it('keeps an unreadable value to the scope it concerns', async () => {
    const r = rig();
    await r.store.create(r.key('ok', 'a'), thing('a'));
    await r.backend.create(r.key('bad', 'x'), utf8('not json'));
    await assert.rejects(r.cache.list(ROOT, { resourceVersion: '0' }), CorruptValueError);
    assert.equal((await r.cache.list(`${ROOT}ok/`, { resourceVersion: '0' })).items.length, 1);
    const bad = r.track(r.cache.watch(`${ROOT}bad/`, { resourceVersion: '0' }));
    const error = await bad.next();
    assert.equal(error?.type, 'ERROR');
    assert.equal(error?.object['code'], 500);
    await bad.expectEnd();
    const ok = r.track(r.cache.watch(`${ROOT}ok/`, { resourceVersion: '0' }));
    const all = r.track(r.cache.watch(ROOT, { resourceVersion: String(await r.backend.currentRevision()) }));
    assert.equal((await ok.next())?.type, 'ADDED');
    await r.backend.create(r.key('bad', 'y'), utf8('{oops'));
    const b = await r.store.create(r.key('ok', 'b'), thing('b'));
    assert.equal((await all.next())?.object['code'], 500, 'a watch covering the bad key fails on it');
    assert.deepEqual(await ok.next(), { type: 'ADDED', object: b }, 'other scopes are unaffected');
    // An update of the unreadable key reads it from the store and fails as the store does.
    const fromStore = await r.store.guaranteedUpdate(r.key('bad', 'x'), async (cur) => bump(cur, 1)).then(() => undefined, (e: unknown) => e);
    assert.ok(fromStore instanceof CorruptValueError);
    const reads = r.backend.getCalls;
    await assert.rejects(r.cache.guaranteedUpdate(r.key('bad', 'x'), async (cur) => bump(cur, 1)), (e: unknown) => e instanceof CorruptValueError && e.message === fromStore.message);
    assert.equal(r.backend.getCalls, reads + 1);
  });

  it('stop() ends the cached watches; later calls go to the store', async () => {
    const r = rig();
    const w = r.track(r.cache.watch(ROOT, { resourceVersion: '0' }));
    await w.expectQuiet(20);
    r.cache.stop();
    await w.expectEnd();
    assert.equal(r.backend.openWatches, 0);
    const a = await r.store.create(r.key('ns', 'a'), thing('a'));
    assert.deepEqual((await r.cache.list(ROOT, { resourceVersion: '0' })).items, [a]);
    const direct = r.track(r.cache.watch(ROOT, { resourceVersion: '0' }));
    assert.deepEqual(await direct.next(), { type: 'ADDED', object: a });
    assert.equal(r.backend.watchCalls, 2, 'the store opened its own watch');
  });
});
