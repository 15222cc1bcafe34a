/** Conformance of a {@link KVBackend} itself: revisions, compare-and-swap, ranges, watches, compaction. */
import assert from 'node:assert/strict';
import { ExpiredError } from '../../../storage/errors.js';
import type { KVBackend, TxnResult } from '../../../storage/interface.js';
import { compareKeys, prefixEnd } from '../../../storage/keys.js';
import { KVEventLog, text, utf8, type Harness } from './util.js';

function committed(result: TxnResult): number {
  assert.equal(result.succeeded, true, `write failed: ${JSON.stringify(result)}`);
  return result.revision;
}

async function put(backend: KVBackend, key: string, value: string): Promise<number> {
  const { kv } = await backend.get(key);
  return committed(kv === undefined ? await backend.create(key, utf8(value)) : await backend.update(key, utf8(value), kv.modRevision));
}

export function backendSuite(h: Harness): void {
  describe('backend: revisions and compare-and-swap', () => {
    it('advances the revision by exactly one per successful write', async () => {
      const b = h.backend;
      const r0 = await b.currentRevision();
      const a = `${h.root}a`;
      assert.equal(committed(await b.create(a, utf8('1'))), r0 + 1);
      assert.equal(committed(await b.update(a, utf8('2'), r0 + 1)), r0 + 2);
      assert.equal(committed(await b.create(`${h.root}b`, utf8('x'))), r0 + 3);
      assert.equal(committed(await b.delete(a, r0 + 2)), r0 + 4);
      assert.equal(await b.currentRevision(), r0 + 4);
      const failed = await b.create(`${h.root}b`, utf8('y'));
      assert.equal(failed.succeeded, false);
      assert.equal(await b.currentRevision(), r0 + 4, 'a failed write does not advance the revision');
    });

    it('gives concurrent writes distinct consecutive revisions', async () => {
      const b = h.backend;
      const r0 = await b.currentRevision();
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => b.create(`${h.root}k${i}`, utf8(String(i)))));
      const revisions = results.map(committed).sort((x, y) => x - y);
      assert.deepEqual(revisions, Array.from({ length: 40 }, (_, i) => r0 + i + 1));
    });

    it('reports create and mod revisions', async () => {
      const b = h.backend;
      const key = `${h.root}k`;
      const created = committed(await b.create(key, utf8('v1')));
      const updated = committed(await b.update(key, utf8('v2'), created));
      const { kv, revision } = await b.get(key);
      assert.ok(kv);
      assert.equal(text(kv.value), 'v2');
      assert.equal(kv.createRevision, created);
      assert.equal(kv.modRevision, updated);
      assert.equal(revision, await b.currentRevision());
      assert.equal((await b.get(`${h.root}missing`)).kv, undefined);
      assert.deepEqual(await b.modRevision(key), { modRevision: updated, revision }, 'the modRevision alone');
      assert.deepEqual(await b.modRevision(`${h.root}missing`), { revision });
      const deleted = committed(await b.delete(key, updated));
      assert.deepEqual(await b.modRevision(key), { revision: deleted }, 'none once deleted');
    });

    it('fails create on an existing key with the current value', async () => {
      const b = h.backend;
      const key = `${h.root}k`;
      const rev = committed(await b.create(key, utf8('v1')));
      const result = await b.create(key, utf8('v2'));
      assert.equal(result.succeeded, false);
      assert.equal(result.succeeded === false && result.current?.modRevision, rev);
      assert.equal(result.revision, await b.currentRevision());
    });

    it('fails update and delete on a stale or missing modRevision', async () => {
      const b = h.backend;
      const key = `${h.root}k`;
      const r1 = committed(await b.create(key, utf8('v1')));
      const r2 = committed(await b.update(key, utf8('v2'), r1));
      const staleUpdate = await b.update(key, utf8('v3'), r1);
      assert.equal(staleUpdate.succeeded, false);
      assert.equal(staleUpdate.succeeded === false && staleUpdate.current?.modRevision, r2);
      assert.equal(staleUpdate.succeeded === false && text(staleUpdate.current?.value ?? utf8('')), 'v2');
      const staleDelete = await b.delete(key, r1);
      assert.equal(staleDelete.succeeded, false);
      assert.equal(staleDelete.succeeded === false && staleDelete.current?.modRevision, r2);
      committed(await b.delete(key, r2));
      const missingUpdate = await b.update(key, utf8('v4'), r2);
      assert.equal(missingUpdate.succeeded, false);
      assert.equal(missingUpdate.succeeded === false && missingUpdate.current, undefined);
      const missingDelete = await b.delete(key, r2);
      assert.equal(missingDelete.succeeded, false);
      assert.equal((await b.get(key)).kv, undefined);
    });

    it('restarts createRevision when a deleted key is created again', async () => {
      const b = h.backend;
      const key = `${h.root}k`;
      const r1 = committed(await b.create(key, utf8('v1')));
      committed(await b.delete(key, r1));
      const r3 = committed(await b.create(key, utf8('v2')));
      assert.equal((await b.get(key)).kv?.createRevision, r3);
    });
  });

  describe('backend: ranges', () => {
    it('returns keys in UTF-8 byte order within [start, end)', async () => {
      const b = h.backend;
      const names = ['a', 'B', 'a-b', 'a/b', 'ab', 'z', '~', 'é', '日本', 'a.b', '0'];
      for (const n of names) await put(b, `${h.root}p/${n}`, n);
      await put(b, `${h.root}p0`, 'outside');
      await put(b, `${h.root}o`, 'outside');
      const { kvs, more, count } = await b.range(`${h.root}p/`, prefixEnd(`${h.root}p/`), { count: true });
      const expected = names.map((n) => `${h.root}p/${n}`).sort(compareKeys);
      assert.deepEqual(kvs.map((kv) => kv.key), expected);
      assert.equal(more, false);
      assert.equal(count, names.length);
    });

    it('limits with more and count', async () => {
      const b = h.backend;
      for (let i = 0; i < 5; i++) await put(b, `${h.root}k${i}`, String(i));
      const end = prefixEnd(h.root);
      const page = await b.range(h.root, end, { limit: 2, count: true });
      assert.deepEqual(page.kvs.map((kv) => text(kv.value)), ['0', '1']);
      assert.equal(page.more, true);
      assert.equal(page.count, 5);
      const rest = await b.range(`${h.root}k1\u0000`, end, { limit: 10 });
      assert.deepEqual(rest.kvs.map((kv) => text(kv.value)), ['2', '3', '4']);
      assert.equal(rest.more, false);
      const exact = await b.range(h.root, end, { limit: 5 });
      assert.equal(exact.more, false);
      assert.equal(exact.kvs.length, 5);
    });

    it('reads the state as of an older revision', async () => {
      const b = h.backend;
      const end = prefixEnd(h.root);
      const r1 = await put(b, `${h.root}a`, 'a1');
      const r2 = await put(b, `${h.root}b`, 'b1');
      await put(b, `${h.root}a`, 'a2');
      const bKV = (await b.get(`${h.root}b`)).kv;
      assert.ok(bKV);
      committed(await b.delete(`${h.root}b`, bKV.modRevision));
      await put(b, `${h.root}c`, 'c1');
      const at = await b.range(h.root, end, { revision: r2, count: true });
      assert.equal(at.revision, r2);
      assert.deepEqual(at.kvs.map((kv) => [kv.key.slice(h.root.length), text(kv.value), kv.modRevision]), [['a', 'a1', r1], ['b', 'b1', r2]]);
      assert.equal(at.count, 2);
      const paged = await b.range(h.root, end, { revision: r2, limit: 1, count: true });
      assert.equal(paged.more, true);
      assert.equal(paged.count, 2);
      const latest = await b.range(h.root, end);
      assert.deepEqual(latest.kvs.map((kv) => text(kv.value)), ['a2', 'c1']);
      assert.equal(text((await b.get(`${h.root}a`, r1)).kv?.value ?? utf8('')), 'a1');
      assert.equal((await b.get(`${h.root}c`, r2)).kv, undefined);
    });
  });

  describe('backend: watch', () => {
    it('replays history after a revision, then follows live changes, with prevKv', async () => {
      const b = h.backend;
      const key = `${h.root}w/a`;
      const r1 = await put(b, key, 'v1');
      const r2 = await put(b, key, 'v2');
      const r3 = committed(await b.delete(key, r2));
      const r4 = await put(b, `${h.root}w/b`, 'b1');
      await put(b, `${h.root}other`, 'x');
      const log = new KVEventLog();
      h.trackKV(b.watch(`${h.root}w/`, r1, log.handlers));
      const r5 = await put(b, `${h.root}w/b`, 'b2');
      const events = await log.waitEvents(4);
      assert.deepEqual(
        events.map((e) => [e.type, e.revision, e.kv.key.slice(h.root.length), text(e.kv.value), e.prevKv && text(e.prevKv.value), e.prevKv?.modRevision]),
        [
          ['put', r2, 'w/a', 'v2', 'v1', r1],
          ['delete', r3, 'w/a', '', 'v2', r2],
          ['put', r4, 'w/b', 'b1', undefined, undefined],
          ['put', r5, 'w/b', 'b2', 'b1', r4],
        ],
      );
      assert.equal(events[1]?.kv.modRevision, r3);
      assert.equal(events[3]?.kv.modRevision, r5);
      assert.equal(events[3]?.kv.createRevision, r4);
      assert.deepEqual(log.errors, []);
    });

    it('delivers only keys with the prefix and stops after cancel', async () => {
      const b = h.backend;
      const log = new KVEventLog();
      const watch = h.trackKV(b.watch(`${h.root}a/`, await b.currentRevision(), log.handlers));
      await put(b, `${h.root}ab`, 'no');
      await put(b, `${h.root}a/x`, 'yes');
      await log.waitEvents(1);
      watch.cancel();
      await put(b, `${h.root}a/y`, 'late');
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(log.events.map((e) => e.kv.key), [`${h.root}a/x`]);
    });

    it('starts after a future revision', async () => {
      const b = h.backend;
      const log = new KVEventLog();
      const r0 = await b.currentRevision();
      h.trackKV(b.watch(h.root, r0 + 1, log.handlers));
      await put(b, `${h.root}a`, '1');
      const r2 = await put(b, `${h.root}a`, '2');
      await log.waitEvents(1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(log.events.map((e) => e.revision), [r2]);
    });

    it('reports progress: on request where offered, otherwise periodically', async function () {
      this.timeout(15_000);
      const b = h.backend;
      const log = new KVEventLog();
      const watch = h.trackKV(b.watch(h.root, await b.currentRevision(), log.handlers));
      const rev = await put(b, `${h.root}a`, '1');
      await log.waitEvents(1);
      // etcd 3.4 answers progress requests unreliably, so its adapter relies on etcd's periodic
      // progress notifications (the test etcd sends one every second) instead.
      watch.requestProgress?.();
      await log.until(() => log.progress.some((p) => p >= rev), 'a progress notification covering the last write', 10_000);
      assert.ok(Math.max(...log.progress) >= rev);
    });
  });

  describe('backend: compaction', () => {
    it('expires reads and watches before the compacted revision and keeps the latest values', async () => {
      const b = h.backend;
      const end = prefixEnd(h.root);
      const r1 = await put(b, `${h.root}a`, 'a1');
      const r2 = await put(b, `${h.root}a`, 'a2');
      const r3 = await put(b, `${h.root}b`, 'b1');
      const r4 = committed(await b.delete(`${h.root}b`, r3));
      const r5 = await put(b, `${h.root}c`, 'c1');
      await b.compact(r4);
      assert.equal(await b.compactedRevision(), r4);
      await assert.rejects(b.get(`${h.root}a`, r1), ExpiredError);
      await assert.rejects(b.range(h.root, end, { revision: r3 }), ExpiredError);
      const atCompacted = await b.range(h.root, end, { revision: r4 });
      assert.deepEqual(atCompacted.kvs.map((kv) => [text(kv.value), kv.modRevision]), [['a2', r2]]);
      const latest = await b.range(h.root, end);
      assert.deepEqual(latest.kvs.map((kv) => text(kv.value)), ['a2', 'c1']);

      const expired = new KVEventLog();
      h.trackKV(b.watch(h.root, r1, expired.handlers));
      await expired.until(() => expired.errors.length > 0, 'an ExpiredError');
      assert.ok(expired.errors[0] instanceof ExpiredError);
      assert.deepEqual(expired.events, []);

      const live = new KVEventLog();
      h.trackKV(b.watch(h.root, r4, live.handlers));
      const r6 = await put(b, `${h.root}a`, 'a3');
      const events = await live.waitEvents(2);
      assert.deepEqual(events.map((e) => [e.revision, e.prevKv && text(e.prevKv.value)]), [[r5, undefined], [r6, 'a2']]);

      await b.compact(r2); // older than the current compaction: no-op
      assert.equal(await b.compactedRevision(), r4);
    });
  });

  describe('backend: health', () => {
    it('answers health checks', async () => {
      await h.backend.checkHealth();
    });
  });
}
