/** Conformance of object store lists: resourceVersion semantics, paging, continue tokens, predicates. */
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../apimachinery/types.js';
import { encodeContinue } from '../../../storage/continue.js';
import { ExpiredError, FutureRevisionError, InvalidRequestError, TooLargeResourceVersionError } from '../../../storage/errors.js';
import type { ListOptions, Storage } from '../../../storage/interface.js';
import { everything, isBadResourceVersion, labelIs, rvOf, thing, type Harness } from './util.js';

const names = (items: KubeObject[]): string[] => items.map((o) => o.metadata.name ?? '');

/** Creates `n` objects `o00..` under `<root>ns/`; every third one is labelled `pick=yes`. */
async function seed(s: Storage, root: string, n: number): Promise<string[]> {
  const created: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = `o${String(i).padStart(2, '0')}`;
    await s.create(`${root}ns/${name}`, thing(name, { pick: i % 3 === 0 ? 'yes' : 'no' }));
    created.push(name);
  }
  return created;
}

/** Follows continue tokens until the list is complete. */
async function listAll(s: Storage, prefix: string, opts: ListOptions): Promise<{ pages: string[][]; rvs: string[] }> {
  const pages: string[][] = [];
  const rvs: string[] = [];
  let token: string | undefined;
  do {
    const page = await s.list(prefix, { ...opts, ...(token !== undefined && { continue: token }) });
    pages.push(names(page.items));
    rvs.push(page.resourceVersion);
    token = page.continue;
    assert.ok(pages.length < 100, 'too many pages');
  } while (token !== undefined && token !== '');
  return { pages, rvs };
}

export function listSuite(h: Harness): void {
  describe('store: list', () => {
    it('lists everything in key order at the current revision; an empty list has no items', async () => {
      const s = h.store();
      assert.deepEqual((await s.list(`${h.root}ns/`)).items, []);
      const all = await seed(s, h.root, 5);
      await s.create(`${h.root}other/x`, thing('x'));
      const list = await s.list(`${h.root}ns/`);
      assert.deepEqual(names(list.items), all);
      assert.equal(list.resourceVersion, String(await h.backend.currentRevision()));
      assert.equal(list.continue, undefined);
      assert.equal(list.remainingItemCount, undefined);
      assert.equal(names((await s.list(h.root)).items).length, 6);
    });

    it('restricts to a single key', async () => {
      const s = h.store();
      await seed(s, h.root, 3);
      await s.create(`${h.root}ns/o01-suffix`, thing('o01-suffix'));
      assert.deepEqual(names((await s.list(`${h.root}ns/`, { singleKey: `${h.root}ns/o01` })).items), ['o01']);
      assert.deepEqual((await s.list(`${h.root}ns/`, { singleKey: `${h.root}ns/none` })).items, []);
    });

    it('pages with limit and continue, pinned to the first page revision', async () => {
      const s = h.store();
      const all = await seed(s, h.root, 7);
      const first = await s.list(`${h.root}ns/`, { limit: 3 });
      assert.deepEqual(names(first.items), all.slice(0, 3));
      assert.equal(first.remainingItemCount, 4);
      assert.ok(first.continue);
      const decoded = JSON.parse(Buffer.from(first.continue, 'base64url').toString()) as unknown;
      assert.deepEqual(decoded, { v: 'meta.k8s.io/v1', rv: Number(first.resourceVersion), start: 'o02\u0000' });
      await s.delete(`${h.root}ns/o04`);
      await s.create(`${h.root}ns/o03a`, thing('o03a'));
      const second = await s.list(`${h.root}ns/`, { limit: 3, continue: first.continue });
      assert.deepEqual(names(second.items), ['o03', 'o04', 'o05'], 'later pages see the first page revision');
      assert.equal(second.resourceVersion, first.resourceVersion);
      assert.equal(second.remainingItemCount, 1);
      const third = await s.list(`${h.root}ns/`, { limit: 3, continue: second.continue ?? '' });
      assert.deepEqual(names(third.items), ['o06']);
      assert.equal(third.continue, undefined);
      assert.equal(third.remainingItemCount, undefined);
    });

    it('does not hand out a continue token when the page ends exactly at the last item', async () => {
      const s = h.store();
      await seed(s, h.root, 4);
      const page = await s.list(`${h.root}ns/`, { limit: 4 });
      assert.equal(page.items.length, 4);
      assert.equal(page.continue, undefined);
    });

    it('fills pages through a selective predicate and continues after the last examined key', async () => {
      const s = h.store();
      const all = await seed(s, h.root, 20);
      const picked = all.filter((_, i) => i % 3 === 0);
      const { pages, rvs } = await listAll(s, `${h.root}ns/`, { limit: 2, predicate: labelIs('pick', 'yes') });
      assert.deepEqual(pages.flat(), picked);
      assert.ok(pages.slice(0, -1).every((p) => p.length === 2), `full pages: ${JSON.stringify(pages)}`);
      assert.equal(new Set(rvs).size, 1);
      const first = await s.list(`${h.root}ns/`, { limit: 2, predicate: labelIs('pick', 'yes') });
      assert.equal(first.remainingItemCount, undefined, 'no remainingItemCount with a selector');
      assert.deepEqual(names(first.items), ['o00', 'o03']);
      const start = (JSON.parse(Buffer.from(first.continue ?? '', 'base64url').toString()) as { start: string }).start;
      assert.equal(start, 'o03\u0000');
      const empty = await s.list(`${h.root}ns/`, { limit: 2, predicate: everything });
      assert.equal(empty.remainingItemCount, 18, 'an empty predicate still counts');
    });

    it('reads resourceVersion N with Exact at N and NotOlderThan at N or later', async () => {
      const s = h.store({ tooLargeWaitMs: 100 });
      await seed(s, h.root, 2);
      const rv = await h.backend.currentRevision();
      const o02 = await s.create(`${h.root}ns/o02`, thing('o02'));
      const exact = await s.list(`${h.root}ns/`, { resourceVersion: String(rv), resourceVersionMatch: 'Exact' });
      assert.deepEqual(names(exact.items), ['o00', 'o01']);
      assert.equal(exact.resourceVersion, String(rv));
      const legacyPaged = await s.list(`${h.root}ns/`, { resourceVersion: String(rv), limit: 5 });
      assert.deepEqual(names(legacyPaged.items), ['o00', 'o01'], 'N with a limit reads exactly at N');
      // The store reads the latest revision; a watch cache may answer at any revision from N on.
      for (const opts of [{ resourceVersion: String(rv) }, { resourceVersion: String(rv), resourceVersionMatch: 'NotOlderThan' as const }]) {
        const list = await s.list(`${h.root}ns/`, opts);
        assert.ok(Number(list.resourceVersion) >= rv, `${list.resourceVersion} >= ${rv}`);
        const sawO02 = Number(list.resourceVersion) >= rvOf(o02);
        assert.deepEqual(names(list.items), sawO02 ? ['o00', 'o01', 'o02'] : ['o00', 'o01'], JSON.stringify(opts));
      }
    });

    it('answers a resourceVersion from the future as kube-apiserver does, waiting only where its watch cache waits', async () => {
      const s = h.store({ tooLargeWaitMs: 300 });
      await seed(s, h.root, 2);
      const p = `${h.root}ns/`;
      const single = `${p}o00`;
      const future = String((await h.backend.currentRevision()) + 10);
      const timed = async (opts: ListOptions): Promise<{ error: unknown; ms: number }> => {
        const started = Date.now();
        const error = await s.list(p, opts).then(() => undefined, (e: unknown) => e);
        return { error, ms: Date.now() - started };
      };
      // Pinned to the future revision: failed by the read itself, with etcd's error.
      for (const opts of [
        { resourceVersion: future, resourceVersionMatch: 'Exact' as const },
        { resourceVersion: future, resourceVersionMatch: 'Exact' as const, singleKey: single },
        { resourceVersion: future, limit: 5 },
      ]) {
        const { error } = await timed(opts);
        assert.ok(error instanceof FutureRevisionError, `${JSON.stringify(opts)}: ${String(error)}`);
        assert.match(error.message, /mvcc: required revision is a future revision$/);
      }
      // A legacy page of one key reads the latest state and compares its revision: 504 at once, no retry.
      const page = await timed({ resourceVersion: future, limit: 5, singleKey: single });
      assert.ok(page.error instanceof TooLargeResourceVersionError, String(page.error));
      assert.match(page.error.message, new RegExp(`^Too large resource version: ${future}, current: \\d+$`));
      assert.equal(page.error.retryAfterSeconds, 0);
      // NotOlderThan waits (the watch cache's wait) and then asks for a retry.
      for (const opts of [{ resourceVersion: future }, { resourceVersion: future, resourceVersionMatch: 'NotOlderThan' as const, limit: 5 }, { resourceVersion: future, singleKey: single }]) {
        const { error, ms } = await timed(opts);
        assert.ok(error instanceof TooLargeResourceVersionError, `${JSON.stringify(opts)}: ${String(error)}`);
        assert.equal(error.retryAfterSeconds, 1);
        assert.ok(ms >= 250, `${JSON.stringify(opts)} waited ${ms} ms`);
      }
    });

    it('rejects invalid resourceVersions, continue tokens and combinations', async () => {
      const s = h.store();
      await seed(s, h.root, 3);
      const p = `${h.root}ns/`;
      const token = (await s.list(p, { limit: 1 })).continue ?? '';
      const bad = (opts: ListOptions, message: RegExp) => assert.rejects(s.list(p, opts), (e: unknown) => e instanceof InvalidRequestError && message.test(e.message));
      await assert.rejects(s.list(p, { resourceVersion: 'x1' }), (e: unknown) => isBadResourceVersion(e, 'x1', h.cached));
      // A legacy exact page: the store's answer, also behind a watch cache.
      await bad({ resourceVersion: '-1', limit: 1 }, /^invalid resource version: resourceVersion: Invalid value: "-1": strconv.ParseUint: parsing "-1": invalid syntax$/);
      await bad({ continue: token, resourceVersion: '5' }, /^specifying resource version is not allowed when using continue$/);
      // The token is read before the resourceVersion is looked at.
      await bad({ continue: 'abc', resourceVersion: '5' }, /^invalid continue token: continue key is not valid: invalid character 'i' looking for beginning of value$/);
      await bad({ continue: 'garbage!' }, /^invalid continue token: continue key is not valid/);
      await bad({ continue: token, resourceVersionMatch: 'NotOlderThan' }, /resourceVersionMatch/);
      await bad({ resourceVersionMatch: 'Exact' }, /resourceVersionMatch/);
      await bad({ resourceVersion: '0', resourceVersionMatch: 'Exact' }, /Exact/);
      const withZero = await s.list(p, { continue: token, resourceVersion: '0', limit: 5 });
      assert.deepEqual(names(withZero.items), ['o01', 'o02']);
    });

    it('expires lists at compacted revisions, with a continue token at rv -1 for paged lists', async () => {
      const s = h.store();
      await seed(s, h.root, 4);
      const old = await h.backend.currentRevision();
      const first = await s.list(`${h.root}ns/`, { limit: 2 });
      await s.delete(`${h.root}ns/o03`);
      await s.create(`${h.root}ns/o04`, thing('o04'));
      await h.backend.compact(await h.backend.currentRevision());
      await assert.rejects(s.list(`${h.root}ns/`, { resourceVersion: String(old - 1), resourceVersionMatch: 'Exact' }), (e: unknown) => {
        assert.ok(e instanceof ExpiredError);
        assert.equal(e.message, 'The resourceVersion for the provided list is too old.');
        return true;
      });
      let fresh = '';
      await assert.rejects(s.list(`${h.root}ns/`, { limit: 2, continue: first.continue ?? '' }), (e: unknown) => {
        assert.ok(e instanceof ExpiredError);
        assert.match(e.message, /^The provided continue parameter is too old to display a consistent list result\. You can start a new list without the continue parameter, or use the continue token in this response/);
        assert.equal(e.continueToken, encodeContinue(`${h.root}ns/o01\u0000`, `${h.root}ns/`, -1));
        fresh = e.continueToken ?? '';
        return true;
      });
      const resumed = await s.list(`${h.root}ns/`, { limit: 2, continue: fresh });
      assert.deepEqual(names(resumed.items), ['o02', 'o04'], 'rv -1 continues at the latest revision');
      assert.equal(resumed.resourceVersion, String(await h.backend.currentRevision()));
      assert.equal(resumed.continue, undefined);
      assert.ok(rvOf(resumed.items[1]) > old);
    });
  });
}
