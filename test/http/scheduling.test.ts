/**
 * Scheduling over HTTPS: spec.seedName changes only through `shoots/binding` (gardener-scheduler's
 * call), with the ShootValidator's rules and messages of gardener's plugin/pkg/shoot/validator
 * (validateScheduling, b312835d17); a plain update or patch that changes it is refused, never dropped.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import supertest from 'supertest';
import { makeShoot } from '../support/shoot/fixtures.js';
import { startInProcess, tempDir, type InProcessServer } from '../support/server.js';

const BASE = '/apis/core.gardener.cloud/v1beta1';
const SHOOTS = `${BASE}/namespaces/garden-sched/shoots`;
const MERGE = 'application/merge-patch+json';

describe('Shoot scheduling over HTTPS', function () {
  let s: InProcessServer;
  let dir: string;

  before(async () => {
    dir = tempDir();
    writeFileSync(join(dir, 'tokens.csv'), 'token-bob,bob,u2\n');
    s = await startInProcess([`--token-auth-file=${join(dir, 'tokens.csv')}`]);
    const members = [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob', role: 'admin' }];
    await s.request('post', `${BASE}/projects`).send({ metadata: { name: 'sched' }, spec: { namespace: 'garden-sched', members } }).expect(201);
    await s.request('post', SHOOTS).send(makeShoot({}, undefined, { name: 'a', namespace: 'garden-sched' })).expect(201);
  });
  after(async () => {
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const patch = (path: string, body: object) => s.request('patch', path).set('Content-Type', MERGE).send(body);
  const refused = async (path: string, body: object, message: string) => {
    const r = await patch(path, body).expect(403);
    assert.equal(r.body.reason, 'Forbidden');
    assert.equal(r.body.message, message);
  };

  it('refuses a spec.seedName change on the main resource, with the way to do it', async () => {
    await refused(`${SHOOTS}/a`, { spec: { seedName: 'seed-a' } }, `shoots.core.gardener.cloud "a" is forbidden: spec.seedName 'nil' cannot be changed to 'seed-a' by patching the shoot, please use the shoots/binding subresource`);
    const stored = (await s.request('get', `${SHOOTS}/a`).expect(200)).body;
    assert.equal(stored.spec.seedName, undefined);
  });

  it('schedules through shoots/binding, labels the seed and bumps the generation', async () => {
    const before = (await s.request('get', `${SHOOTS}/a/binding`).expect(200)).body;
    const bound = (await patch(`${SHOOTS}/a/binding`, { spec: { seedName: 'seed-a' } }).expect(200)).body;
    assert.equal(bound.spec.seedName, 'seed-a');
    assert.equal(bound.metadata.labels['name.seed.gardener.cloud/seed-a'], 'true');
    assert.equal(bound.metadata.generation, before.metadata.generation + 1);
    await refused(`${SHOOTS}/a`, { spec: { seedName: 'seed-b' } }, `shoots.core.gardener.cloud "a" is forbidden: spec.seedName 'seed-a' cannot be changed to 'seed-b' by patching the shoot, please use the shoots/binding subresource`);
  });

  it('reschedules through shoots/binding only when nothing else changes, and never unsets the seed', async () => {
    await refused(
      `${SHOOTS}/a/binding`,
      { spec: { seedName: 'seed-b', purpose: 'testing' } },
      'shoots.core.gardener.cloud "a" is forbidden: only spec.seedName can be changed using the binding subresource when the shoot is being rescheduled to a new seed',
    );
    await refused(`${SHOOTS}/a/binding`, { spec: { seedName: null } }, `shoots.core.gardener.cloud "a" is forbidden: spec.seedName is already set to 'seed-a' and cannot be changed to 'nil'`);
    const moved = (await patch(`${SHOOTS}/a/binding`, { spec: { seedName: 'seed-b' } }).expect(200)).body;
    assert.equal(moved.spec.seedName, 'seed-b');
    assert.deepEqual(Object.keys(moved.metadata.labels).filter((k) => k.startsWith('name.seed.')), ['name.seed.gardener.cloud/seed-b']);
  });

  it('lets only who may update shoots/binding create a Shoot with spec.seedName', async () => {
    const bob = supertest(s.running.url).post(SHOOTS).ca(s.creds.ca).set('Authorization', 'Bearer token-bob');
    const r = await bob.send(makeShoot({ seedName: 'seed-a' }, undefined, { name: 'b', namespace: 'garden-sched' })).expect(403);
    assert.equal(r.body.message, 'shoots.core.gardener.cloud "b" is forbidden: user "bob" is not allowed to set .spec.seedName for "shoots"');
    await supertest(s.running.url).post(SHOOTS).ca(s.creds.ca).set('Authorization', 'Bearer token-bob').send(makeShoot({}, undefined, { name: 'b', namespace: 'garden-sched' })).expect(201);
    await s.request('post', SHOOTS).send(makeShoot({ seedName: 'seed-a' }, undefined, { name: 'c', namespace: 'garden-sched' })).expect(201);
  });
});
