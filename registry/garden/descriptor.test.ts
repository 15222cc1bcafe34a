import assert from 'node:assert/strict';
import { invalid, isStatusError } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { openSqliteBackend, type SqliteBackend } from '../../storage/sqlite/backend.js';
import { createStore } from '../../storage/store/store.js';
import { identityTransformer } from '../../storage/transformer.js';
import { ResourceStore } from '../generic/store.js';
import { at, exampleGarden, setAt, testContext } from '../../test/support/shoot/fixtures.js';
import { apiVersionOf } from '../types.js';
import { gardenResource as d } from './descriptor.js';
import { gardenStatusStrategy, gardenStrategy } from './strategy.js';
import { gardenTableConvertor } from './table.js';
import { validateGardenUpdate } from './validation/index.js';

const ctx = { ...testContext, namespace: '' };

describe('registry/garden descriptor', () => {
  it('registers gardens.operator.gardener.cloud/v1alpha1', () => {
    assert.equal(apiVersionOf(d), 'operator.gardener.cloud/v1alpha1');
    assert.deepEqual([d.kind, d.listKind, d.resource, d.singular, d.namespaced], ['Garden', 'GardenList', 'gardens', 'garden', false]);
    assert.deepEqual(d.shortNames, ['grdn']);
    assert.deepEqual(d.subresources.map((s) => [s.name, s.verbs]), [['status', ['get', 'patch', 'update']]]);
    assert.equal(d.subresources[0]?.strategy, gardenStatusStrategy);
    assert.equal(d.strategy, gardenStrategy);
    assert.equal(gardenStatusStrategy.applyDefaults, undefined);
    assert.deepEqual(d.selectableFields(exampleGarden()), { 'metadata.name': 'local' });
  });

  it('prints the CRD columns', () => {
    const table = gardenTableConvertor(() => Date.parse('2025-06-01T12:00:00Z'));
    assert.deepEqual(
      table.columns.map((c) => c.name),
      ['Name', 'K8S Version', 'Gardener Version', 'Last Operation', 'Runtime', 'Virtual', 'API Server', 'Observability', 'Age'],
    );
    const g = exampleGarden();
    g.metadata.creationTimestamp = '2025-06-01T11:58:00Z';
    assert.deepEqual(table.cells(g), ['local', '1.33.0', null, null, null, null, null, null, '2m']);
    g.status = {
      gardener: { version: 'v1.120.0' },
      lastOperation: { state: 'Succeeded' },
      conditions: [
        { type: 'RuntimeComponentsHealthy', status: 'True' },
        { type: 'VirtualGardenAPIServerAvailable', status: 'False' },
      ],
    };
    assert.deepEqual(table.cells(g).slice(2, 8), ['v1.120.0', 'Succeeded', 'True', null, 'False', null]);
  });
});

describe('registry/garden through the generic store', () => {
  let backend: SqliteBackend;
  let store: ResourceStore;
  beforeEach(() => {
    backend = openSqliteBackend(':memory:');
    const storage = createStore(backend, { transformer: identityTransformer, objectTemplate: { apiVersion: 'operator.gardener.cloud/v1alpha1', kind: 'Garden' } });
    store = new ResourceStore(d, storage, '/registry-gardener');
  });
  afterEach(async () => backend.close());

  /** The operator webhook's update rules, as the GardenValidator admission plugin runs them (main resource only). */
  const webhook = {
    validate: async (obj: KubeObject, old: KubeObject | undefined) => {
      const errs = old === undefined ? [] : validateGardenUpdate(obj, old);
      if (errs.length > 0) throw invalid({ group: 'operator.gardener.cloud', kind: 'Garden' }, obj.metadata.name ?? '', errs);
    },
  };
  const put = (obj: KubeObject, status = false): Promise<{ object: KubeObject }> =>
    store.update(ctx, obj.metadata.name ?? '', async () => structuredClone(obj), status ? {} : webhook, status ? { strategy: gardenStatusStrategy } : {});

  it('defaults, keeps status and spec apart, and checks the combined encryption status', async () => {
    const input = exampleGarden();
    input.status = { observedGeneration: 7 };
    const created = await store.create(ctx, input);
    assert.equal(created.status, undefined, 'status is dropped on create');
    assert.equal(created.metadata.generation, 1);
    assert.deepEqual(at(created, 'spec.virtualCluster.kubernetes.kubeAPIServer.encryptionConfig'), { provider: { type: 'aescbc' } });
    assert.deepEqual(at(created, 'spec.virtualCluster.gardener.gardenerAPIServer.encryptionConfig'), { provider: { type: 'aescbc' } });

    // The operator reports what is encrypted; spec changes in that request are ignored.
    const report = structuredClone(created);
    report.status = { credentials: { encryptionAtRest: { provider: { type: 'aescbc' } } }, lastOperation: { type: 'Reconcile', state: 'Succeeded', progress: 100, description: 'Garden reconciled.', lastUpdateTime: '2025-06-01T12:00:00Z' } };
    setAt(report, 'spec.virtualCluster.kubernetes.version', '1.99.0');
    const reported = (await put(report, true)).object;
    assert.equal(at(reported, 'spec.virtualCluster.kubernetes.version'), '1.33.0');
    assert.equal(reported.metadata.generation, 1);

    // Both API servers get new resources; the status written before stays.
    const next = structuredClone(reported);
    setAt(next, 'spec.virtualCluster.kubernetes.kubeAPIServer.encryptionConfig.resources', ['configmaps']);
    setAt(next, 'spec.virtualCluster.gardener.gardenerAPIServer.encryptionConfig.resources', ['shoots.core.gardener.cloud']);
    next.status = {};
    const changed = (await put(next)).object;
    assert.equal(changed.metadata.generation, 2);
    assert.deepEqual(changed.status, reported.status);

    // Until the status lists them, the next change of either is refused.
    const again = structuredClone(changed);
    setAt(again, 'spec.virtualCluster.gardener.gardenerAPIServer.encryptionConfig.resources', []);
    await assert.rejects(put(again), (e: unknown) => isStatusError(e) && e.code === 422 && (e.status.message ?? '').includes('currently being rolled out'));
    const caughtUp = structuredClone(changed);
    setAt(caughtUp, 'status.credentials.encryptionAtRest.resources', ['configmaps', 'shoots.core.gardener.cloud']);
    const afterStatus = (await put(caughtUp, true)).object;
    const rv = afterStatus.metadata.resourceVersion;
    if (rv !== undefined) again.metadata.resourceVersion = rv;
    const final = (await put(again)).object;
    assert.deepEqual(at(final, 'spec.virtualCluster.gardener.gardenerAPIServer.encryptionConfig.resources'), []);
  });
});
