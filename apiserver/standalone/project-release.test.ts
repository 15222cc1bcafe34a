import assert from 'node:assert/strict';
import { isStatusError } from '../../apimachinery/errors.js';
import { openSqliteBackend, type SqliteBackend } from '../../storage/sqlite/backend.js';
import { createStore } from '../../storage/store/store.js';
import { identityTransformer } from '../../storage/transformer.js';
import { ResourceStore } from '../../registry/generic/store.js';
import { projectResource } from '../../registry/project/descriptor.js';
import { shootResource } from '../../registry/shoot/descriptor.js';
import type { RequestContext, ResourceDescriptor } from '../../registry/types.js';
import { makeShoot } from '../../test/support/shoot/fixtures.js';
import { until } from '../../test/support/wait.js';
import { PROJECT_FINALIZER, ProjectRelease } from './project-release.js';

const ROOT = '/registry-gardener';
const system: RequestContext = { user: { name: 'system', groups: ['system:masters'] }, namespace: '', dryRun: false, warnings: [] };

describe('apiserver/standalone/project-release', () => {
  let backend: SqliteBackend;
  let projects: ResourceStore;
  let shoots: ResourceStore;
  let release: ProjectRelease;
  const errors: Error[] = [];
  const storeOf = (d: ResourceDescriptor) =>
    new ResourceStore(d, createStore(backend, { transformer: identityTransformer, resourcePrefix: `${ROOT}/${d.group}/${d.resource}/`, objectTemplate: { apiVersion: `${d.group}/${d.version}`, kind: d.kind } }), ROOT);
  const inNamespace = { ...system, namespace: 'garden-tmp' };

  beforeEach(async () => {
    backend = openSqliteBackend(':memory:');
    projects = storeOf(projectResource);
    shoots = storeOf(shootResource);
    release = new ProjectRelease(projects, shoots, system, (e) => errors.push(e));
    await projects.create(system, { metadata: { name: 'tmp' }, spec: { namespace: 'garden-tmp' } });
  });
  afterEach(async () => backend.close());

  const gone = async (): Promise<boolean> =>
    projects.get(system, 'tmp').then(
      () => false,
      (e: unknown) => isStatusError(e) && e.code === 404,
    );

  it('deletes a Project without Shoots at once', async () => {
    assert.equal((await projects.delete(system, 'tmp', {})).deleted, true);
  });

  it('holds a Project with Shoots, and releases it once they are gone (also at the next start)', async () => {
    await shoots.create(inNamespace, makeShoot({}, undefined, { name: 's1', namespace: 'garden-tmp' }));
    const held = await projects.delete(system, 'tmp', {});
    assert.equal(held.deleted, false);
    assert.deepEqual(held.object.metadata.finalizers, [PROJECT_FINALIZER]);
    // Deleted behind the release's back (as while the server was down): the next start releases it.
    await shoots.delete(inNamespace, 's1', {});
    assert.equal(await gone(), false);
    await release.releaseAll();
    assert.equal(await gone(), true);
    assert.deepEqual(errors, []);
  });

  it('looks at held Projects again while running, for Shoots deleted through another replica', async () => {
    await shoots.create(inNamespace, makeShoot({}, undefined, { name: 's1', namespace: 'garden-tmp' }));
    await projects.delete(system, 'tmp', {});
    release.start(20);
    try {
      await shoots.delete(inNamespace, 's1', {});
      await until(gone, 'the held Project to be released');
    } finally {
      release.stop();
    }
    assert.deepEqual(errors, []);
  });

  it('keeps holding while any Shoot remains', async () => {
    for (const name of ['s1', 's2']) await shoots.create(inNamespace, makeShoot({}, undefined, { name, namespace: 'garden-tmp' }));
    await projects.delete(system, 'tmp', {});
    await shoots.delete(inNamespace, 's1', {});
    await release.releaseAll();
    assert.equal(await gone(), false);
  });
});
