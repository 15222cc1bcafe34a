import assert from 'node:assert/strict';
import { isStatusError } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { openSqliteBackend, type SqliteBackend } from '../../storage/sqlite/backend.js';
import { createStore } from '../../storage/store/store.js';
import { identityTransformer } from '../../storage/transformer.js';
import { ResourceStore } from '../generic/store.js';
import { checkDeletionConfirmation } from './deletion.js';
import { shootResource } from './descriptor.js';
import { shootStatusStrategy } from './strategy.js';
import { at, exampleShoot, setAt, testContext as ctx } from '../../test/support/shoot/fixtures.js';

const ROOT = '/registry-gardener';

/** The status of a Shoot nobody has reported on: gardener-apiserver writes ShootStatus{} with Go's JSON. */
const FRESH_STATUS = { gardener: { id: '', name: '', version: '' }, hibernated: false, technicalID: '', uid: '' };

/** The status a controller writes once the encryption configuration is rolled out. */
function rolledOut(shoot: KubeObject): KubeObject {
  const next = structuredClone(shoot);
  const config = 'spec.kubernetes.kubeAPIServer.encryptionConfig';
  setAt(next, 'status.credentials', { encryptionAtRest: { provider: { type: at(next, `${config}.provider.type`) }, resources: at(next, `${config}.resources`) ?? [] } });
  setAt(next, 'status.lastOperation', { type: 'Reconcile', state: 'Succeeded', progress: 100, description: 'done', lastUpdateTime: '2025-01-01T00:00:00Z' });
  return next;
}

/** Why a write was refused: the 422 causes as `field: message`. */
async function rejection(p: Promise<unknown>): Promise<string[]> {
  try {
    await p;
  } catch (e: unknown) {
    if (isStatusError(e) && e.code === 422) return (e.status.details?.causes ?? []).map((c) => `${c.field}: ${c.message}`);
    throw e;
  }
  assert.fail('the write was accepted');
}

describe('registry/shoot through the generic store', () => {
  let backend: SqliteBackend;
  let store: ResourceStore;
  beforeEach(() => {
    backend = openSqliteBackend(':memory:');
    const storage = createStore(backend, {
      transformer: identityTransformer,
      resourcePrefix: `${ROOT}/core.gardener.cloud/shoots/`,
      objectTemplate: { apiVersion: 'core.gardener.cloud/v1beta1', kind: 'Shoot' },
    });
    store = new ResourceStore(shootResource, storage, ROOT);
  });
  afterEach(async () => backend.close());

  const put = (obj: KubeObject, status = false): Promise<{ object: KubeObject }> =>
    store.update(ctx, obj.metadata.name ?? '', async () => structuredClone(obj), {}, status ? { strategy: shootStatusStrategy } : {});

  it('runs the controller round trip: spec change, status catches up, next change allowed', async () => {
    const created = await store.create(ctx, exampleShoot(true));
    assert.equal(created.metadata.generation, 1);
    assert.deepEqual(created.status, FRESH_STATUS, "a fresh status as Go's JSON writes it");
    assert.deepEqual(at(created, 'spec.kubernetes.kubeAPIServer.encryptionConfig'), { resources: ['configmaps', 'customresource.fancyoperator.io'], provider: { type: 'aescbc' } });
    assert.equal(at(created, 'spec.maintenance.autoRotation.credentials.etcdEncryptionKey.rotationPeriod'), '168h0m0s', 'durations come back as Go prints them');
    assert.deepEqual(created.metadata.labels, { 'name.seed.gardener.cloud/my-seed': 'true' });

    const change = (obj: KubeObject, resources: string[]): KubeObject => {
      const next = structuredClone(obj);
      setAt(next, 'spec.kubernetes.kubeAPIServer.encryptionConfig.resources', resources);
      return next;
    };
    const rollingOut =
      'spec.kubernetes.kubeAPIServer.encryptionConfig.resources: Forbidden: resources cannot be changed because a previous encryption configuration change is currently being rolled out';

    // Nothing is rolled out yet: the status does not show the configuration of the creation.
    assert.deepEqual(await rejection(put(change(created, ['configmaps']))), [rollingOut]);

    // The controller reports the configuration as rolled out; the spec in that request is ignored.
    const reported = rolledOut(created);
    setAt(reported, 'spec.region', 'ignored');
    const afterStatus = (await put(reported, true)).object;
    assert.equal(at(afterStatus, 'spec.region'), 'europe-central-1');
    assert.equal(afterStatus.metadata.generation, 1, 'status writes do not bump the generation');

    // Now the change goes through and bumps the generation; the status written before stays.
    const changed = (await put(change(afterStatus, ['configmaps']))).object;
    assert.equal(changed.metadata.generation, 2);
    assert.deepEqual(at(changed, 'status.credentials.encryptionAtRest.resources'), ['configmaps', 'customresource.fancyoperator.io']);

    // The next change has to wait for the status again.
    assert.deepEqual(await rejection(put(change(changed, []))), [rollingOut]);
    const caughtUp = (await put(rolledOut(changed), true)).object;
    const final = (await put(change(caughtUp, []))).object;
    assert.equal(at(final, 'spec.kubernetes.kubeAPIServer.encryptionConfig.resources'), undefined, 'an empty list with omitempty is left out, as Go writes it');
    assert.equal(final.metadata.generation, 3);
  });

  it('ignores status in writes of the main resource', async () => {
    const created = await store.create(ctx, exampleShoot());
    const next = structuredClone(created);
    next.status = { hibernated: true };
    const updated = (await put(next)).object;
    assert.deepEqual(updated.status, FRESH_STATUS);
    assert.equal(updated.metadata.generation, 1);
  });

  it("stores Go's zero values of unset fields, and an update that leaves them out changes nothing", async () => {
    const shoot = exampleShoot();
    setAt(shoot, 'spec.kubernetes.verticalPodAutoscaler', {});
    const created = await store.create(ctx, shoot);
    assert.equal(at(created, 'spec.kubernetes.verticalPodAutoscaler.enabled'), false, 'VerticalPodAutoscaler.Enabled has no omitempty');
    // A client that does not know the field sends the object without it: no spec change, no new generation.
    const next = structuredClone(created);
    setAt(next, 'spec.kubernetes.verticalPodAutoscaler', {});
    next.metadata.labels = { ...next.metadata.labels, team: 'a' };
    const updated = (await put(next)).object;
    assert.equal(at(updated, 'spec.kubernetes.verticalPodAutoscaler.enabled'), false);
    assert.equal(updated.metadata.generation, 1);
  });

  it("validates a create as Go's decoded struct: the bad value of an empty time window shows its zero fields", async () => {
    const shoot = exampleShoot();
    setAt(shoot, 'spec.maintenance.timeWindow', {});
    const [cause] = await rejection(store.create(ctx, shoot));
    assert.match(cause ?? '', /^spec\.maintenance\.timeWindow\.begin\/end: Invalid value: \{"begin":"","end":""\}: could not parse begin time/);
  });

  it('lets a client that leaves zero values out release the finalizers of a Shoot being deleted', async () => {
    const shoot = exampleShoot();
    setAt(shoot, 'spec.kubernetes.verticalPodAutoscaler', {});
    shoot.metadata.finalizers = ['example.com/keep'];
    await store.create(ctx, shoot);
    const deleting = (await store.delete(ctx, shoot.metadata.name ?? '', {})).object;
    assert.ok(deleting.metadata.deletionTimestamp !== undefined);
    // The spec of a Shoot in deletion may not change: a body without the stored zero values is no change.
    const release = structuredClone(deleting);
    setAt(release, 'spec.kubernetes.verticalPodAutoscaler', {});
    release.metadata.finalizers = [];
    await put(release);
    await assert.rejects(store.get(ctx, shoot.metadata.name ?? ''), /not found/);
  });

  it('needs a resourceVersion for updates, and checks it before validating, as the Kubernetes store does', async () => {
    const created = await store.create(ctx, exampleShoot());
    const next = structuredClone(created);
    delete next.metadata.resourceVersion;
    next.spec = { ...(next.spec as object), region: '' };
    const missing = await put(next).then(() => assert.fail('accepted'), (e: unknown) => e);
    assert.ok(isStatusError(missing));
    assert.equal(missing.status.message, `shoots.core.gardener.cloud "${created.metadata.name}" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update`);
    assert.deepEqual(missing.status.details, {
      name: created.metadata.name,
      group: 'core.gardener.cloud',
      kind: 'shoots',
      causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: 0x0: must be specified for an update', field: 'metadata.resourceVersion' }],
    });
    // A stale version hears 409 even when its change is invalid too.
    next.metadata.resourceVersion = String(Number(created.metadata.resourceVersion) + 1000);
    const stale = await put(next).then(() => assert.fail('accepted'), (e: unknown) => e);
    assert.ok(isStatusError(stale));
    assert.equal(stale.code, 409, stale.status.message);
    assert.equal(stale.status.message, `Operation cannot be fulfilled on shoots.core.gardener.cloud "${created.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`);
  });

  it('lets the deletion confirmation decide on deletes', async () => {
    const created = await store.create(ctx, exampleShoot());
    const err = checkDeletionConfirmation(created);
    assert.ok(err !== undefined);
    assert.equal(err.code, 403);
    assert.equal(err.status.message, 'shoots.core.gardener.cloud "crazy-botany" is forbidden: must have a "confirmation.gardener.cloud/deletion" annotation to delete');
  });
});
