/**
 * Conformance of `guaranteedUpdate` and `delete` started from a guess of the stored object (the
 * `cachedExisting` option): a current guess saves the read, an outdated one never decides the
 * outcome — the stored object does.
 */
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../apimachinery/types.js';
import { ConflictError, KeyNotFoundError, PreconditionError } from '../../../storage/errors.js';
import { deepFreeze } from '../../../storage/cacher/state.js';
import type { KVBackend, Storage } from '../../../storage/interface.js';
import { createStore } from '../../../storage/store/store.js';
import { identityTransformer, type ValueTransformer } from '../../../storage/transformer.js';
import { reversingTransformer, rvOf, TEMPLATE, thing, type Harness } from './util.js';

/** An object store on `h`'s backend that counts the backend's reads. */
function countingStore(h: Harness, transformer: ValueTransformer = identityTransformer): { store: Storage; reads(): number } {
  let reads = 0;
  const backend = new Proxy(h.backend, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (prop === 'get' || prop === 'range') {
        return (...args: unknown[]) => {
          reads++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  }) as KVBackend;
  const store = createStore(backend, { transformer, tooLargeWaitMs: 200, objectTemplate: TEMPLATE });
  return { store, reads: () => reads };
}

const label = (obj: KubeObject | undefined, key: string): string | undefined => obj?.metadata.labels?.[key];

const withLabel = (obj: KubeObject, key: string, value: string): KubeObject => ({
  ...obj,
  metadata: { ...obj.metadata, labels: { ...obj.metadata.labels, [key]: value } },
});

export function guessSuite(h: Harness): void {
  describe('store: guaranteedUpdate from a cached object', () => {
    it('writes on a current guess without reading storage', async () => {
      const { store, reads } = countingStore(h);
      const key = `${h.root}ns/a`;
      const created = await store.create(key, thing('a'));
      const before = reads();
      const seen: KubeObject[] = [];
      const updated = await store.guaranteedUpdate(key, async (cur) => {
        assert.ok(cur);
        seen.push(cur);
        return withLabel(cur, 'x', '1');
      }, { cachedExisting: created });
      assert.equal(reads() - before, 0, 'no read before the write');
      assert.equal(seen.length, 1);
      assert.equal(seen[0]?.metadata.resourceVersion, created.metadata.resourceVersion);
      assert.ok(rvOf(updated) > rvOf(created));
      assert.deepEqual(await store.get(key), updated);
    });

    it('retries an outdated guess on the stored object: no update is lost', async () => {
      const { store } = countingStore(h);
      const key = `${h.root}ns/a`;
      const created = await store.create(key, thing('a'));
      const meanwhile = await store.guaranteedUpdate(key, async (cur) => withLabel(cur ?? thing('a'), 'y', '1'));
      const seen: string[] = [];
      const updated = await store.guaranteedUpdate(key, async (cur) => {
        assert.ok(cur);
        seen.push(cur.metadata.resourceVersion ?? '');
        return withLabel(cur, 'x', '1');
      }, { cachedExisting: created });
      assert.deepEqual(seen, [created.metadata.resourceVersion, meanwhile.metadata.resourceVersion]);
      assert.equal(label(updated, 'y'), '1', 'the change made meanwhile is kept');
      assert.equal(label(updated, 'x'), '1');
      assert.deepEqual(await store.get(key), updated);
    });

    it('writes a change that is none against an outdated guess', async () => {
      const { store } = countingStore(h);
      const key = `${h.root}ns/a`;
      const created = await store.create(key, withLabel(thing('a'), 'x', 'old'));
      await store.guaranteedUpdate(key, async (cur) => withLabel(cur ?? thing('a'), 'x', 'new'));
      const updated = await store.guaranteedUpdate(key, async (cur) => withLabel(cur ?? thing('a'), 'x', 'old'), { cachedExisting: created });
      assert.equal(label(updated, 'x'), 'old');
      assert.equal(label(await store.get(key), 'x'), 'old');
    });

    it('leaves an unchanged object unwritten when the guess is current', async () => {
      const { store } = countingStore(h);
      const key = `${h.root}ns/a`;
      const created = await store.create(key, thing('a'));
      const revision = await h.backend.currentRevision();
      let calls = 0;
      const same = await store.guaranteedUpdate(key, async (cur) => {
        calls++;
        return cur ?? thing('a');
      }, { cachedExisting: deepFreeze(structuredClone(created)) });
      assert.equal(calls, 1);
      assert.deepEqual(same, created);
      assert.ok(!Object.isFrozen(same), 'a copy the caller may change');
      assert.equal(await h.backend.currentRevision(), revision);
    });

    it('rewrites a stale value on an update that changes nothing against a current guess', async () => {
      const key = `${h.root}ns/a`;
      const created = await countingStore(h, reversingTransformer('old')).store.create(key, thing('a'));
      const { store } = countingStore(h, reversingTransformer('new', ['old']));
      const rewritten = await store.guaranteedUpdate(key, async (cur) => cur ?? thing('a'), { cachedExisting: created });
      assert.ok(rvOf(rewritten) > rvOf(created), 'a stale value is written even if unchanged');
      const { kv } = await h.backend.get(key);
      assert.ok(kv && Buffer.from(kv.value).toString('latin1').startsWith('new:'));
      const again = await store.guaranteedUpdate(key, async (cur) => cur ?? thing('a'), { cachedExisting: rewritten });
      assert.equal(again.metadata.resourceVersion, rewritten.metadata.resourceVersion);
    });

    it('checks preconditions and resourceVersions against the stored object, not an outdated guess', async () => {
      const { store } = countingStore(h);
      const key = `${h.root}ns/a`;
      const created = await store.create(key, thing('a'));
      const current = await store.guaranteedUpdate(key, async (cur) => withLabel(cur ?? thing('a'), 'y', '1'));
      const rv = current.metadata.resourceVersion ?? '';
      const byPrecondition = await store.guaranteedUpdate(key, async (cur) => withLabel(cur ?? thing('a'), 'x', '1'), {
        cachedExisting: created,
        preconditions: { resourceVersion: rv },
      });
      assert.equal(label(byPrecondition, 'x'), '1');
      // The new object names the stored resourceVersion, which the guess does not have.
      const named = byPrecondition.metadata.resourceVersion ?? '';
      const byVersion = await store.guaranteedUpdate(key, async (cur) => {
        assert.ok(cur);
        return { ...withLabel(cur, 'x', '2'), metadata: { ...withLabel(cur, 'x', '2').metadata, resourceVersion: named } };
      }, { cachedExisting: current });
      assert.equal(label(byVersion, 'x'), '2');
    });

    it('fails as storage does when the guess is current', async () => {
      const { store, reads } = countingStore(h);
      const key = `${h.root}ns/a`;
      const created = await store.create(key, thing('a'));
      await assert.rejects(
        store.guaranteedUpdate(key, async (cur) => withLabel(cur ?? thing('a'), 'x', '1'), {
          cachedExisting: created,
          preconditions: { resourceVersion: `${rvOf(created)}0` },
        }),
        PreconditionError,
      );
      let calls = 0;
      const before = reads();
      await assert.rejects(
        store.guaranteedUpdate(key, async () => {
          calls++;
          throw new Error('refused');
        }, { cachedExisting: created }),
        /refused/,
      );
      assert.equal(calls, 1, 'an error on the current object is not retried');
      assert.equal(reads() - before, 1, 'one read confirms the guess was current');
      const stale = { ...created, metadata: { ...created.metadata, resourceVersion: String(rvOf(created) - 1) } };
      await assert.rejects(
        store.guaranteedUpdate(key, async (cur) => ({ ...withLabel(cur ?? thing('a'), 'x', '1'), metadata: { ...stale.metadata } }), {
          cachedExisting: created,
        }),
        ConflictError,
      );
      assert.deepEqual(await store.get(key), created);
    });

    it('retries an error raised on an outdated guess with the stored object', async () => {
      const { store } = countingStore(h);
      const key = `${h.root}ns/a`;
      const created = await store.create(key, thing('a'));
      await store.guaranteedUpdate(key, async (cur) => withLabel(cur ?? thing('a'), 'ready', 'yes'));
      const updated = await store.guaranteedUpdate(key, async (cur) => {
        if (label(cur, 'ready') !== 'yes') throw new Error('not ready');
        return withLabel(cur ?? thing('a'), 'x', '1');
      }, { cachedExisting: created });
      assert.equal(label(updated, 'x'), '1');
    });

    it('treats a guess of a deleted key as the missing key it is', async () => {
      const { store } = countingStore(h);
      const key = `${h.root}ns/a`;
      const created = await store.create(key, thing('a'));
      await store.delete(key);
      await assert.rejects(
        store.guaranteedUpdate(key, async (cur) => withLabel(cur ?? thing('a'), 'x', '1'), { cachedExisting: created }),
        KeyNotFoundError,
      );
      const seen: Array<string | undefined> = [];
      const recreated = await store.guaranteedUpdate(key, async (cur) => {
        seen.push(cur?.metadata.resourceVersion);
        return withLabel(cur ?? thing('a'), 'x', '2');
      }, { cachedExisting: created, allowCreate: true });
      assert.deepEqual(seen, [created.metadata.resourceVersion, undefined]);
      assert.equal(label(await store.get(key), 'x'), '2');
      assert.ok(rvOf(recreated) > rvOf(created));
    });

    it('answers a dry run from storage, not from the guess', async () => {
      const { store } = countingStore(h);
      const key = `${h.root}ns/a`;
      const created = await store.create(key, thing('a'));
      const current = await store.guaranteedUpdate(key, async (cur) => withLabel(cur ?? thing('a'), 'y', '1'));
      const dry = await store.guaranteedUpdate(key, async (cur) => withLabel(cur ?? thing('a'), 'x', '1'), {
        cachedExisting: created,
        dryRun: true,
      });
      assert.equal(label(dry, 'y'), '1');
      assert.equal(dry.metadata.resourceVersion, current.metadata.resourceVersion);
      assert.deepEqual(await store.get(key), current);
    });
  });

  describe('store: delete from a guessed object', () => {
    it('deletes on a current guess without reading storage', async () => {
      const { store, reads } = countingStore(h);
      const key = `${h.root}ns/a`;
      const created = await store.create(key, thing('a'));
      const before = reads();
      const gone = await store.delete(key, { cachedExisting: deepFreeze(structuredClone(created)) });
      assert.equal(reads() - before, 0, 'no read before the delete');
      assert.ok(!Object.isFrozen(gone), 'a copy the caller may change');
      assert.ok(rvOf(gone) > rvOf(created), 'at the revision of the delete');
      assert.deepEqual({ ...gone, metadata: { ...gone.metadata, resourceVersion: created.metadata.resourceVersion } }, created);
      await assert.rejects(store.get(key), KeyNotFoundError);
    });

    it('deletes the stored object when the guess is outdated, checked as stored', async () => {
      const { store } = countingStore(h);
      const key = `${h.root}ns/a`;
      const created = await store.create(key, thing('a'));
      const current = await store.guaranteedUpdate(key, async (cur) => withLabel(cur ?? thing('a'), 'y', '1'));
      await assert.rejects(store.delete(key, { cachedExisting: created, preconditions: { resourceVersion: created.metadata.resourceVersion ?? '' } }), PreconditionError);
      const validated: string[] = [];
      const validateDeletion = async (obj: KubeObject): Promise<void> => {
        validated.push(obj.metadata.resourceVersion ?? '');
        if (label(obj, 'y') !== '1') throw new Error('not yet');
      };
      // Refused on the guess by validateDeletion, accepted on the stored object.
      const gone = await store.delete(key, { cachedExisting: created, validateDeletion });
      assert.deepEqual(validated, [created.metadata.resourceVersion, current.metadata.resourceVersion]);
      assert.equal(label(gone, 'y'), '1', 'the stored object is the one answered');
      await assert.rejects(store.get(key), KeyNotFoundError);
      // A precondition naming the stored version holds though the guess has another.
      const again = await store.create(key, thing('a'));
      const latest = await store.guaranteedUpdate(key, async (cur) => withLabel(cur ?? thing('a'), 'z', '1'));
      await store.delete(key, { cachedExisting: again, preconditions: { resourceVersion: latest.metadata.resourceVersion ?? '' } });
      await assert.rejects(store.get(key), KeyNotFoundError);
    });

    it('fails as storage does when the guess is current or the key is gone', async () => {
      const { store } = countingStore(h);
      const key = `${h.root}ns/a`;
      const created = await store.create(key, thing('a'));
      await assert.rejects(
        store.delete(key, { cachedExisting: created, validateDeletion: async () => Promise.reject(new Error('refused')) }),
        /refused/,
      );
      assert.deepEqual(await store.get(key), created);
      await store.delete(key);
      await assert.rejects(store.delete(key, { cachedExisting: created }), KeyNotFoundError);
    });

    it('answers a dry run from storage, not from the guess', async () => {
      const { store } = countingStore(h);
      const key = `${h.root}ns/a`;
      const created = await store.create(key, thing('a'));
      const current = await store.guaranteedUpdate(key, async (cur) => withLabel(cur ?? thing('a'), 'y', '1'));
      const dry = await store.delete(key, { cachedExisting: created, dryRun: true });
      assert.deepEqual(dry, current);
      assert.deepEqual(await store.get(key), current);
    });
  });
}
