import assert from 'node:assert/strict';
import type { KVBackend, TxnResult } from '../interface.js';
import { openSqliteBackend } from '../sqlite/backend.js';
import { identityTransformer } from '../transformer.js';
import { TEMPLATE, thing } from '../../test/support/conformance/util.js';
import { createStore } from './store.js';

const KEY = '/registry/things/ns/busy';

/** A backend where another writer changes the key right before each of the first `races` updates. */
function contended(inner: KVBackend, races: number): { backend: KVBackend; lost(): number } {
  let lost = 0;
  const update = async (key: string, value: Uint8Array, expected: number): Promise<TxnResult> => {
    if (lost < races) {
      lost++;
      await inner.update(key, Buffer.from(JSON.stringify(thing('busy', { rival: String(lost) }))), expected);
    }
    return inner.update(key, value, expected);
  };
  const backend = new Proxy(inner, {
    get: (target, prop) => {
      if (prop === 'update') return update;
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { backend, lost: () => lost };
}

describe('object store updates', () => {
  it('goes on through any number of lost compare-and-swap races, as Kubernetes GuaranteedUpdate does', async () => {
    const sqlite = openSqliteBackend(':memory:');
    try {
      const { backend, lost } = contended(sqlite, 250);
      const store = createStore(backend, { transformer: identityTransformer, objectTemplate: TEMPLATE });
      await store.create(KEY, thing('busy'));
      const updated = await store.guaranteedUpdate(KEY, async (current) => {
        assert.ok(current !== undefined);
        return { ...current, metadata: { ...current.metadata, annotations: { done: 'yes' } } };
      });
      assert.equal(lost(), 250);
      assert.deepEqual(updated.metadata.annotations, { done: 'yes' });
      assert.equal(updated.metadata.labels?.rival, '250', 'built on the last rival write');
    } finally {
      await sqlite.close();
    }
  });
});
