/** The generic store's create paths that need a storage misbehaving on purpose. */
import assert from 'node:assert/strict';
import { isStatusError } from '../../apimachinery/errors.js';
import { KeyExistsError } from '../../storage/errors.js';
import type { Storage } from '../../storage/interface.js';
import { openSqliteBackend } from '../../storage/sqlite/backend.js';
import { createStore } from '../../storage/store/store.js';
import { identityTransformer } from '../../storage/transformer.js';
import { internalSecretResource as d } from '../internalsecret/descriptor.js';
import { ResourceStore } from './store.js';

describe('registry/generic store: generated names', () => {
  it('gives up after repeated collisions with Kubernetes\' generate-name conflict (409, retry after 1 s)', async () => {
    const backend = openSqliteBackend(':memory:');
    try {
      const real = createStore(backend, { transformer: identityTransformer, objectTemplate: { apiVersion: 'core.gardener.cloud/v1beta1', kind: 'InternalSecret' } });
      let attempts = 0;
      const colliding: Storage = Object.assign(Object.create(real) as Storage, {
        create: async (key: string) => {
          attempts++;
          throw new KeyExistsError('key exists', key);
        },
      });
      const store = new ResourceStore(d, colliding, '/registry-gardener');
      const ctx = { user: { name: 'admin', groups: ['system:masters'] }, namespace: 'ns', dryRun: false, warnings: [] };
      await assert.rejects(store.create(ctx, { apiVersion: 'core.gardener.cloud/v1beta1', kind: 'InternalSecret', metadata: { generateName: 'x-', namespace: 'ns' } }), (e: unknown) => {
        assert.ok(isStatusError(e));
        assert.equal(e.status.code, 409);
        assert.equal(e.status.reason, 'AlreadyExists');
        assert.match(e.status.message ?? '', /^internalsecrets\.core\.gardener\.cloud "x-[a-z0-9]{5}" already exists, the server was not able to generate a unique name for the object$/);
        assert.equal(e.status.details?.retryAfterSeconds, 1);
        return true;
      });
      assert.equal(attempts, 8);
    } finally {
      backend.close();
    }
  });
});
