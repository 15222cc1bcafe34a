/**
 * Watch progress requests: which etcd versions answer them correctly, the request on a real etcd
 * (started without periodic progress notifications, so every answer seen is the requested one), and
 * the watch cache serving a consistent list from memory after one while other keys were written.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { etcdRangeRequests, startEtcd, type EtcdCluster } from '../../test/support/etcd.js';
import { createCachedStorage } from '../cacher/cacher.js';
import { TEMPLATE, thing } from '../../test/support/conformance/util.js';
import { createStore } from '../store/store.js';
import { identityTransformer } from '../transformer.js';
import { openEtcdBackend, type EtcdBackend } from './backend.js';
import { progressRequestsSafe, type ProgressRequests } from './progress.js';
import { WatchRecorder } from '../../test/support/storage/watch-recorder.js';

const WAIT_MS = 20_000;

describe('etcd watch progress requests', function () {
  this.timeout(60_000);

  it('are trusted only from etcd versions that answer them after the events (3.4.31, 3.5.13, 3.6 on)', () => {
    const cases: Array<[string, boolean]> = [
      ['3.4.23', false],
      ['3.4.30', false],
      ['3.4.31', true],
      ['3.4.35', true],
      ['3.5.0', false],
      ['3.5.12', false],
      ['3.5.13', true],
      ['3.5.21', true],
      ['3.6.0', true],
      ['3.3.27', false],
      ['4.0.0', true],
      ['not a version', false],
    ];
    for (const [version, safe] of cases) assert.equal(progressRequestsSafe(version), safe, version);
  });

  describe('on a real etcd', () => {
    let etcd: EtcdCluster;
    const backends: EtcdBackend[] = [];
    const recorders: WatchRecorder[] = [];
    const open = (progressRequests: ProgressRequests) => {
      const b = openEtcdBackend({ endpoints: etcd.endpoints, requestTimeoutMs: 5000, progressRequests });
      backends.push(b);
      return b;
    };

    before(async () => {
      etcd = await startEtcd({ progressNotifyInterval: '1h' });
    });
    after(async () => {
      await etcd?.stop();
    });
    afterEach(async () => {
      for (const r of recorders.splice(0)) r.watch?.cancel();
      for (const b of backends.splice(0)) await b.close();
    });

    it('answer with the current revision, also when asked before the watcher exists', async () => {
      const backend = open('always');
      const p = `/progress-${randomUUID()}/`;
      const rec = new WatchRecorder().start(backend, p, await backend.currentRevision());
      recorders.push(rec);
      rec.watch?.requestProgress?.(); // before etcd has created the watcher
      await rec.until('the answer to the first progress request', () => rec.progress.length > 0, WAIT_MS);
      // Writes elsewhere move etcd's revision; this watch sees no event, only the answer.
      await backend.create(`/progress-${randomUUID()}/other`, Buffer.from('x'));
      const { revision } = await backend.create(`/progress-${randomUUID()}/other`, Buffer.from('y'));
      const answered = rec.progress.length;
      rec.watch?.requestProgress?.();
      await rec.until('the answer to the second progress request', () => rec.progress.length > answered, WAIT_MS);
      assert.ok((rec.progress.at(-1) ?? 0) >= revision, `progress ${rec.progress.at(-1)} after a write at ${revision}`);
      assert.equal(rec.events.length, 0);
    });

    it('are offered by default only when the etcd version answers them correctly', async () => {
      const backend = open('auto');
      const rec = new WatchRecorder().start(backend, `/progress-${randomUUID()}/`, await backend.currentRevision());
      recorders.push(rec);
      const version = await backend.connection.serverVersion();
      // The watch waited for the same answer first, so it has its requestProgress (or not) by now.
      assert.equal(await backend.progressRequestsOffered(), progressRequestsSafe(version), `etcd ${version}`);
      assert.equal(rec.watch?.requestProgress !== undefined, progressRequestsSafe(version), `etcd ${version}`);
      const never = open('never');
      const other = new WatchRecorder().start(never, `/progress-${randomUUID()}/`, await never.currentRevision());
      recorders.push(other);
      assert.equal(other.watch?.requestProgress, undefined);
    });

    for (const [mode, fromCache] of [
      ['always', true],
      ['never', false],
    ] as const) {
      it(`let the watch cache answer a consistent list after writes elsewhere: ${mode} -> ${fromCache ? 'from memory' : 'from etcd'}`, async () => {
        const backend = open(mode);
        const root = `/progress-cache-${randomUUID()}/`;
        const store = createStore(backend, { transformer: identityTransformer, resourcePrefix: root, objectTemplate: TEMPLATE });
        const cache = createCachedStorage(store, backend, { prefix: root, transformer: identityTransformer, objectTemplate: TEMPLATE, tooLargeWaitMs: WAIT_MS });
        try {
          for (let i = 0; i < 5; i++) await store.create(`${root}ns/o${i}`, thing(`o${i}`));
          await cache.list(root, { resourceVersion: '0' });
          assert.ok(await cache.whenReady());
          // Another resource is written: the cache, which saw none of it, is behind etcd's revision.
          await backend.create(`/progress-elsewhere-${randomUUID()}`, Buffer.from('x'));
          const before = await etcdRangeRequests(etcd.endpoints[0] ?? '');
          const list = await cache.list(root, {});
          const reads = (await etcdRangeRequests(etcd.endpoints[0] ?? '')) - before;
          assert.equal(list.items.length, 5);
          // One read for etcd's current revision; the list itself is a second one when etcd answers it.
          if (fromCache) assert.equal(reads, 1, `${reads} etcd range requests`);
          else assert.ok(reads >= 2, `${reads} etcd range requests`);
        } finally {
          cache.stop();
        }
      });
    }
  });
});
