/** Conformance of object store watches: start revisions, selector transitions, bookmarks, errors. */
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../apimachinery/types.js';
import { InvalidResourceVersionError } from '../../../storage/errors.js';
import type { WatchEvent } from '../../../storage/interface.js';
import { labelIs, reversingTransformer, rvOf, TEMPLATE, thing, utf8, type Harness } from './util.js';

const summary = (events: WatchEvent[]): string[][] =>
  events.map((e) => [e.type, e.object.metadata.name ?? '', e.object.metadata.resourceVersion ?? '']);

const relabel = (obj: KubeObject | undefined, pick: string): KubeObject => {
  assert.ok(obj);
  return { ...obj, metadata: { ...obj.metadata, labels: { pick } } };
};

export function watchSuite(h: Harness): void {
  describe('store: watch', () => {
    for (const resourceVersion of ['', '0']) {
      it(`starts with ADDED events for the current state for resourceVersion ${JSON.stringify(resourceVersion)}`, async () => {
        const s = h.store();
        const a = await s.create(`${h.root}ns/a`, thing('a'));
        const b = await s.create(`${h.root}ns/b`, thing('b'));
        const w = h.track(s.watch(`${h.root}ns/`, { resourceVersion }));
        assert.deepEqual(await w.take(2), [{ type: 'ADDED', object: a }, { type: 'ADDED', object: b }]);
        const c = await s.create(`${h.root}ns/c`, thing('c'));
        assert.deepEqual(await w.next(), { type: 'ADDED', object: c });
      });
    }

    it('delivers only changes after resourceVersion N, with the right types and versions', async () => {
      const s = h.store();
      const key = `${h.root}ns/a`;
      const a1 = await s.create(key, thing('a'));
      const a2 = await s.guaranteedUpdate(key, async (cur) => relabel(cur, 'x'));
      const w = h.track(s.watch(`${h.root}ns/`, { resourceVersion: a1.metadata.resourceVersion ?? '' }));
      const deleted = await s.delete(key);
      const events = await w.take(2);
      assert.deepEqual(events[0], { type: 'MODIFIED', object: a2 });
      assert.equal(events[1]?.type, 'DELETED');
      assert.equal(rvOf(events[1]?.object), rvOf(deleted), 'DELETED carries the revision of the delete');
      assert.deepEqual(events[1]?.object.metadata.labels, { pick: 'x' }, 'DELETED carries the last state');
      await w.expectQuiet(100);
    });

    it('turns selector transitions into ADDED, MODIFIED and DELETED', async () => {
      const s = h.store();
      const key = `${h.root}ns/a`;
      await s.create(`${h.root}ns/other`, thing('other', { pick: 'no' }));
      const w = h.track(s.watch(`${h.root}ns/`, { resourceVersion: String(await h.backend.currentRevision()), predicate: labelIs('pick', 'yes') }));
      await s.create(key, thing('a', { pick: 'no' }));
      const in1 = await s.guaranteedUpdate(key, async (cur) => relabel(cur, 'yes'));
      const in2 = await s.guaranteedUpdate(key, async (cur) => ({ ...relabel(cur, 'yes'), spec: { n: 1 } }));
      const out = await s.guaranteedUpdate(key, async (cur) => relabel(cur, 'no'));
      await s.guaranteedUpdate(key, async (cur) => ({ ...relabel(cur, 'no'), spec: { n: 2 } }));
      const back = await s.guaranteedUpdate(key, async (cur) => relabel(cur, 'yes'));
      const gone = await s.delete(key);
      const events = await w.take(5);
      assert.deepEqual(summary(events), [
        ['ADDED', 'a', in1.metadata.resourceVersion ?? ''],
        ['MODIFIED', 'a', in2.metadata.resourceVersion ?? ''],
        ['DELETED', 'a', out.metadata.resourceVersion ?? ''],
        ['ADDED', 'a', back.metadata.resourceVersion ?? ''],
        ['DELETED', 'a', gone.metadata.resourceVersion ?? ''],
      ]);
      assert.deepEqual(events[2]?.object.metadata.labels, { pick: 'yes' }, 'leaving the selection shows the last selected state');
      await w.expectQuiet(100);
    });

    it('watches a single key', async () => {
      const s = h.store();
      const w = h.track(s.watch(`${h.root}ns/`, { resourceVersion: '0', singleKey: `${h.root}ns/a` }));
      await s.create(`${h.root}ns/ab`, thing('ab'));
      const a = await s.create(`${h.root}ns/a`, thing('a'));
      assert.deepEqual(await w.next(), { type: 'ADDED', object: a });
      await w.expectQuiet(100);
    });

    it('sends BOOKMARK events with the current revision when allowed', async () => {
      const s = h.store({ bookmarkIntervalMs: 40 });
      const quiet = h.track(s.watch(`${h.root}ns/`, { resourceVersion: '0' }));
      const w = h.track(s.watch(`${h.root}ns/`, { resourceVersion: '0', allowBookmarks: true }));
      await s.create(`${h.root}other/x`, thing('x'));
      const rev = await h.backend.currentRevision();
      let bookmark = await w.next();
      while (bookmark !== undefined && rvOf(bookmark.object) < rev) bookmark = await w.next();
      assert.deepEqual(bookmark, { type: 'BOOKMARK', object: { ...TEMPLATE, metadata: { resourceVersion: String(rev) } } });
      await quiet.expectQuiet(100);
    });

    it('sends initial events and an initial-events-end bookmark for sendInitialEvents', async () => {
      const s = h.store();
      const a = await s.create(`${h.root}ns/a`, thing('a'));
      const rev = await h.backend.currentRevision();
      const w = h.track(s.watch(`${h.root}ns/`, { resourceVersion: String(rev), sendInitialEvents: true, allowBookmarks: true }));
      const [added, end] = await w.take(2);
      assert.deepEqual(added, { type: 'ADDED', object: a });
      assert.deepEqual(end, {
        type: 'BOOKMARK',
        object: { ...TEMPLATE, metadata: { resourceVersion: String(rev), annotations: { 'k8s.io/initial-events-end': 'true' } } },
      });
      const b = await s.create(`${h.root}ns/b`, thing('b'));
      assert.deepEqual(await w.next(), { type: 'ADDED', object: b });
    });

    it('sends no initial-events-end bookmark to a watcher that does not allow bookmarks', async () => {
      const s = h.store();
      const a = await s.create(`${h.root}ns/a`, thing('a'));
      const rev = await h.backend.currentRevision();
      const w = h.track(s.watch(`${h.root}ns/`, { resourceVersion: String(rev), sendInitialEvents: true }));
      assert.deepEqual(await w.next(), { type: 'ADDED', object: a });
      const b = await s.create(`${h.root}ns/b`, thing('b'));
      assert.deepEqual(await w.next(), { type: 'ADDED', object: b }, 'the next change follows the initial events directly');
    });

    it('ends with a 410 ERROR event for a compacted resourceVersion', async () => {
      const s = h.store();
      const a = await s.create(`${h.root}ns/a`, thing('a'));
      await s.guaranteedUpdate(`${h.root}ns/a`, async (cur) => relabel(cur, 'x'));
      await s.guaranteedUpdate(`${h.root}ns/a`, async (cur) => relabel(cur, 'y'));
      const compacted = await h.backend.currentRevision();
      await h.backend.compact(compacted);
      const w = h.track(s.watch(`${h.root}ns/`, { resourceVersion: a.metadata.resourceVersion ?? '' }));
      assert.deepEqual(await w.next(), {
        type: 'ERROR',
        object: {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `too old resource version: ${a.metadata.resourceVersion ?? ''} (${compacted})`,
          reason: 'Expired',
          code: 410,
        },
      });
      await w.expectEnd();
    });

    it('ends with a 500 ERROR event when a value cannot be decrypted', async () => {
      const s = h.store({ transformer: reversingTransformer('new') });
      const w = h.track(s.watch(`${h.root}ns/`, { resourceVersion: String(await h.backend.currentRevision()) }));
      await h.backend.create(`${h.root}ns/bad`, utf8('{"metadata":{}}'));
      const event = await w.next();
      assert.equal(event?.type, 'ERROR');
      assert.equal(event?.object['code'], 500);
      await w.expectEnd();
    });

    it('ends promptly on stop(), also while waiting', async () => {
      const s = h.store();
      const w = h.track(s.watch(`${h.root}ns/`, { resourceVersion: '0' }));
      const pending = w.next(1000);
      setTimeout(() => w.watch.stop(), 20);
      assert.equal(await pending, undefined);
      await s.create(`${h.root}ns/a`, thing('a'));
      await w.expectEnd(100);
    });

    it('ends when the consumer leaves a for-await loop', async () => {
      const s = h.store();
      await s.create(`${h.root}ns/a`, thing('a'));
      await s.create(`${h.root}ns/b`, thing('b'));
      const watch = s.watch(`${h.root}ns/`, { resourceVersion: '0' });
      const seen: string[] = [];
      for await (const event of watch) {
        seen.push(event.object.metadata.name ?? '');
        break;
      }
      assert.deepEqual(seen, ['a']);
      const rest: WatchEvent[] = [];
      for await (const event of watch) rest.push(event);
      assert.deepEqual(rest, []);
    });

    it("rejects an invalid resourceVersion synchronously, with the versioner's untranslated error", () => {
      assert.throws(
        () => h.store().watch(`${h.root}ns/`, { resourceVersion: 'x' }),
        (e: unknown) => e instanceof InvalidResourceVersionError && e.message === 'resourceVersion: Invalid value: "x": strconv.ParseUint: parsing "x": invalid syntax',
      );
    });
  });
}
