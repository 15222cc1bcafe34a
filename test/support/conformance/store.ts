/** Conformance of the object store on a backend: create, get, guaranteedUpdate, delete, transformers. */
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../apimachinery/types.js';
import {
  ConflictError,
  CorruptValueError,
  KeyExistsError,
  KeyNotFoundError,
  PreconditionError,
  TooLargeResourceVersionError,
} from '../../../storage/errors.js';
import { isBadResourceVersion, reversingTransformer, rvOf, text, thing, utf8, type Harness } from './util.js';

/** Stored plaintext of `key` through the identity transformer. */
async function rawJSON(h: Harness, key: string): Promise<string> {
  const { kv } = await h.backend.get(key);
  assert.ok(kv, `no value under ${key}`);
  return text(kv.value);
}

const counter = (obj: KubeObject | undefined): number => {
  const spec = obj?.['spec'];
  const value = typeof spec === 'object' && spec !== null ? (spec as Record<string, unknown>)['counter'] : undefined;
  return typeof value === 'number' ? value : 0;
};

const withCounter = (obj: KubeObject, value: number): KubeObject => ({ ...obj, spec: { ...(obj['spec'] as object), counter: value } });

export function storeSuite(h: Harness): void {
  describe('store: create and get', () => {
    it('stores JSON without resourceVersion and selfLink and returns the modRevision as resourceVersion', async () => {
      const s = h.store();
      const key = `${h.root}ns/a`;
      const input = thing('a');
      input.metadata.resourceVersion = '999';
      input.metadata.selfLink = '/apis/x';
      const created = await s.create(key, input);
      assert.equal(input.metadata.resourceVersion, '999', 'the input is not modified');
      const { kv } = await h.backend.get(key);
      assert.equal(rvOf(created), kv?.modRevision);
      const stored = await rawJSON(h, key);
      assert.ok(stored.endsWith('}\n'));
      const parsed = JSON.parse(stored) as KubeObject;
      assert.equal(parsed.metadata.resourceVersion, undefined);
      assert.equal(parsed.metadata.selfLink, undefined);
      assert.deepEqual(await s.get(key), created);
      assert.equal(created.metadata.selfLink, undefined);
    });

    it('refuses to create an existing key, also in dry run', async () => {
      const s = h.store();
      const key = `${h.root}ns/a`;
      await s.create(key, thing('a'));
      await assert.rejects(s.create(key, thing('a')), KeyExistsError);
      await assert.rejects(s.create(key, thing('a'), { dryRun: true }), KeyExistsError);
    });

    it('does not write in a dry-run create', async () => {
      const s = h.store();
      const before = await h.backend.currentRevision();
      const obj = await s.create(`${h.root}ns/a`, thing('a'), { dryRun: true });
      assert.equal(obj.metadata.name, 'a');
      assert.equal(await h.backend.currentRevision(), before);
      await assert.rejects(s.get(`${h.root}ns/a`), KeyNotFoundError);
    });

    it('gets with resourceVersion "", "0", an older and a too new one', async () => {
      const s = h.store({ tooLargeWaitMs: 100 });
      const key = `${h.root}ns/a`;
      const created = await s.create(key, thing('a'));
      const updated = await s.guaranteedUpdate(key, async (cur) => withCounter(cur ?? thing('a'), 1));
      for (const resourceVersion of ['', '0', created.metadata.resourceVersion ?? '']) {
        assert.deepEqual(await s.get(key, { resourceVersion }), updated);
      }
      const current = await h.backend.currentRevision();
      await assert.rejects(s.get(key, { resourceVersion: String(current + 5) }), (e: unknown) => {
        assert.ok(e instanceof TooLargeResourceVersionError);
        assert.equal(e.message, `Too large resource version: ${current + 5}, current: ${current}`);
        assert.equal(e.retryAfterSeconds, 1);
        return true;
      });
      await assert.rejects(s.get(key, { resourceVersion: 'abc' }), (e: unknown) => isBadResourceVersion(e, 'abc', h.cached));
    });

    it('waits briefly for a resourceVersion that is about to exist', async () => {
      const s = h.store({ tooLargeWaitMs: 2000 });
      const key = `${h.root}ns/a`;
      await s.create(key, thing('a'));
      const next = (await h.backend.currentRevision()) + 1;
      const read = s.get(key, { resourceVersion: String(next) });
      setTimeout(() => void s.create(`${h.root}ns/b`, thing('b')), 50);
      assert.equal((await read).metadata.name, 'a');
    });

    it('throws KeyNotFoundError for a missing key', async () => {
      await assert.rejects(h.store().get(`${h.root}ns/missing`), KeyNotFoundError);
    });

    it('counts the keys under a prefix and answers health checks', async () => {
      const s = h.store();
      for (const n of ['a', 'b', 'c']) await s.create(`${h.root}ns/${n}`, thing(n));
      await s.create(`${h.root}other/x`, thing('x'));
      assert.equal(await s.count(`${h.root}ns/`), 3);
      assert.equal(await s.count(h.root), 4);
      await s.checkHealth();
    });
  });

  describe('store: guaranteedUpdate', () => {
    it('updates, creates when allowed, and refuses missing keys otherwise', async () => {
      const s = h.store();
      const key = `${h.root}ns/a`;
      await assert.rejects(s.guaranteedUpdate(key, async (cur) => cur ?? thing('a')), KeyNotFoundError);
      const created = await s.guaranteedUpdate(key, async (cur) => {
        assert.equal(cur, undefined);
        return thing('a');
      }, { allowCreate: true });
      const updated = await s.guaranteedUpdate(key, async (cur) => {
        assert.ok(cur);
        assert.equal(cur.metadata.resourceVersion, created.metadata.resourceVersion);
        return withCounter(cur, 7);
      });
      assert.equal(counter(updated), 7);
      assert.ok(rvOf(updated) > rvOf(created));
      assert.deepEqual(await s.get(key), updated);
    });

    it('does not write an unchanged object', async () => {
      const s = h.store();
      const key = `${h.root}ns/a`;
      const created = await s.create(key, thing('a'));
      const before = await h.backend.currentRevision();
      const same = await s.guaranteedUpdate(key, async (cur) => cur ?? thing('a'));
      assert.equal(same.metadata.resourceVersion, created.metadata.resourceVersion);
      assert.equal(await h.backend.currentRevision(), before);
    });

    it('fails with ConflictError when the new object names another resourceVersion', async () => {
      const s = h.store();
      const key = `${h.root}ns/a`;
      const created = await s.create(key, thing('a'));
      await s.guaranteedUpdate(key, async (cur) => withCounter(cur ?? thing('a'), 1));
      let calls = 0;
      await assert.rejects(
        s.guaranteedUpdate(key, async (cur) => {
          calls++;
          return { ...withCounter(cur ?? thing('a'), 2), metadata: { ...created.metadata } };
        }),
        ConflictError,
      );
      assert.equal(calls, 1, 'a stale resourceVersion is not retried');
      assert.equal(counter(await s.get(key)), 1);
    });

    it('accepts the new object naming the current resourceVersion', async () => {
      const s = h.store();
      const key = `${h.root}ns/a`;
      const created = await s.create(key, thing('a'));
      const updated = await s.guaranteedUpdate(key, async () => withCounter(created, 3));
      assert.equal(counter(updated), 3);
    });

    it('retries lost races: 20 concurrent increments all land', async () => {
      const s = h.store();
      const key = `${h.root}ns/counter`;
      const created = await s.create(key, thing('counter'));
      await Promise.all(
        Array.from({ length: 20 }, () =>
          s.guaranteedUpdate(key, async (cur) => {
            assert.ok(cur);
            await new Promise((resolve) => setImmediate(resolve));
            return withCounter(cur, counter(cur) + 1);
          }),
        ),
      );
      const final = await s.get(key);
      assert.equal(counter(final), 20);
      assert.equal(rvOf(final) - rvOf(created) >= 20, true);
    });

    it('checks preconditions with Kubernetes messages', async () => {
      const s = h.store();
      const key = `${h.root}ns/a`;
      const created = await s.create(key, thing('a'));
      const rv = created.metadata.resourceVersion ?? '';
      const bump = async (cur: KubeObject | undefined): Promise<KubeObject> => withCounter(cur ?? thing('a'), counter(cur) + 1);
      await assert.rejects(s.guaranteedUpdate(key, bump, { preconditions: { uid: 'other' } }), {
        name: 'PreconditionError',
        message: 'Precondition failed: UID in precondition: other, UID in object meta: uid-a',
      });
      await assert.rejects(s.guaranteedUpdate(key, bump, { preconditions: { resourceVersion: '999999' } }), {
        name: 'PreconditionError',
        message: `Precondition failed: ResourceVersion in precondition: 999999, ResourceVersion in object meta: ${rv}`,
      });
      const ok = await s.guaranteedUpdate(key, bump, { preconditions: { uid: 'uid-a', resourceVersion: rv } });
      assert.equal(counter(ok), 1);
    });

    it('propagates errors of tryUpdate unchanged', async () => {
      const s = h.store();
      const key = `${h.root}ns/a`;
      await s.create(key, thing('a'));
      const boom = new RangeError('refused by admission');
      await assert.rejects(s.guaranteedUpdate(key, async () => Promise.reject(boom)), (e: unknown) => e === boom);
    });

    it('does not write in dry run', async () => {
      const s = h.store();
      const key = `${h.root}ns/a`;
      const created = await s.create(key, thing('a'));
      const before = await h.backend.currentRevision();
      const dry = await s.guaranteedUpdate(key, async (cur) => withCounter(cur ?? thing('a'), 5), { dryRun: true });
      assert.equal(counter(dry), 5);
      assert.equal(await h.backend.currentRevision(), before);
      assert.deepEqual(await s.get(key), created);
    });
  });

  describe('store: delete', () => {
    it('deletes and returns the last stored object at the delete revision', async () => {
      const s = h.store();
      const key = `${h.root}ns/a`;
      await s.create(key, withCounter(thing('a'), 4));
      const deleted = await s.delete(key);
      assert.equal(counter(deleted), 4);
      assert.equal(rvOf(deleted), await h.backend.currentRevision());
      await assert.rejects(s.get(key), KeyNotFoundError);
      await assert.rejects(s.delete(key), KeyNotFoundError);
    });

    it('checks preconditions and validateDeletion, and honours dry run', async () => {
      const s = h.store();
      const key = `${h.root}ns/a`;
      const created = await s.create(key, thing('a'));
      await assert.rejects(s.delete(key, { preconditions: { uid: 'x' } }), PreconditionError);
      await assert.rejects(s.delete(key, { preconditions: { resourceVersion: '999999' } }), PreconditionError);
      const refusal = new Error('has finalizers');
      await assert.rejects(s.delete(key, { validateDeletion: async () => Promise.reject(refusal) }), (e: unknown) => e === refusal);
      const dry = await s.delete(key, { dryRun: true });
      assert.deepEqual(dry, created);
      assert.deepEqual(await s.get(key), created);
      await s.delete(key, { preconditions: { uid: 'uid-a', resourceVersion: created.metadata.resourceVersion ?? '' } });
      await assert.rejects(s.get(key), KeyNotFoundError);
    });

    it('retries when the object changes between read and delete', async () => {
      const s = h.store();
      const key = `${h.root}ns/a`;
      await s.create(key, thing('a'));
      const seen: number[] = [];
      const deleted = await s.delete(key, {
        validateDeletion: async (cur) => {
          seen.push(counter(cur));
          if (seen.length === 1) await s.guaranteedUpdate(key, async (c) => withCounter(c ?? thing('a'), 9));
        },
      });
      assert.deepEqual(seen, [0, 9]);
      assert.equal(counter(deleted), 9);
      await assert.rejects(s.get(key), KeyNotFoundError);
    });
  });

  describe('store: value transformer', () => {
    it('passes every value through the transformer with the full key', async () => {
      const transformer = reversingTransformer('new');
      const s = h.store({ transformer });
      const key = `${h.root}ns/secret`;
      const created = await s.create(key, thing('secret', {}, { data: 'hunter2' }));
      const { kv } = await h.backend.get(key);
      assert.ok(kv);
      const stored = Buffer.from(kv.value).toString('latin1');
      assert.ok(stored.startsWith('new:'));
      assert.ok(!stored.includes('hunter2'), 'the stored value is transformed');
      assert.deepEqual(await s.get(key), created);
      assert.ok(transformer.keys.length >= 2 && transformer.keys.every((k) => k === key));
      const list = await s.list(`${h.root}ns/`);
      assert.deepEqual(list.items, [created]);
    });

    it('rewrites a stale value on a no-op update, and only then', async () => {
      const key = `${h.root}ns/a`;
      await h.store({ transformer: reversingTransformer('old') }).create(key, thing('a'));
      const s = h.store({ transformer: reversingTransformer('new', ['old']) });
      const before = await s.get(key);
      const rewritten = await s.guaranteedUpdate(key, async (cur) => cur ?? thing('a'));
      assert.ok(rvOf(rewritten) > rvOf(before), 'a stale value is written even if unchanged');
      const { kv } = await h.backend.get(key);
      assert.ok(kv && Buffer.from(kv.value).toString('latin1').startsWith('new:'));
      const again = await s.guaranteedUpdate(key, async (cur) => cur ?? thing('a'));
      assert.equal(again.metadata.resourceVersion, rewritten.metadata.resourceVersion);
    });

    it('reports values that cannot be transformed or decoded as CorruptValueError', async () => {
      const key = `${h.root}ns/a`;
      await h.store({ transformer: reversingTransformer('other') }).create(key, thing('a'));
      const s = h.store({ transformer: reversingTransformer('new') });
      await assert.rejects(s.get(key), (e: unknown) => e instanceof CorruptValueError && e.message.includes('no matching prefix found'));
      await assert.rejects(s.list(`${h.root}ns/`), CorruptValueError);
      const garbage = `${h.root}ns/garbage`;
      await h.backend.create(garbage, utf8('{not json'));
      await assert.rejects(h.store().get(garbage), CorruptValueError);
    });
  });
}
