/**
 * Who may change what in a Project or mark a Shoot self-hosted, over HTTPS in standalone mode with the
 * built-in project roles: CustomVerbAuthorizer (`manage-members` for human members and the owner,
 * `modify-spec-tolerations-whitelist`, `mark-self-hosted`) and ResourceReferenceManager's check that a
 * Project does not claim another Project's namespace.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import supertest from 'supertest';
import { makeShoot } from '../support/shoot/fixtures.js';
import { startInProcess, tempDir, type InProcessServer } from '../support/server.js';

const BASE = '/apis/core.gardener.cloud/v1beta1';
const PROJECT = `${BASE}/projects/dev`;
const RBAC = 'rbac.authorization.k8s.io';
const MERGE = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';
const member = (name: string, role: string) => ({ apiGroup: RBAC, kind: 'User', name, role });

/** Mallory may create Projects, nothing else. */
const POLICY = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: project-creator}
rules:
- {apiGroups: [core.gardener.cloud], resources: [projects], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: mallory-creates-projects}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: project-creator}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: mallory}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: internalsecret-patcher}
rules:
- {apiGroups: [core.gardener.cloud], resources: [internalsecrets], verbs: [get, patch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: patcher-patches}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: internalsecret-patcher}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: patcher}
`;

describe('custom verbs and project namespaces over HTTPS', function () {
  let s: InProcessServer;
  let dir: string;
  const as = (name: string) => (method: 'get' | 'post' | 'patch', path: string) =>
    supertest(s.running.url)[method](path).ca(s.creds.ca).set('Authorization', `Bearer token-${name}`);
  const refused = async (req: supertest.Test, message: string) => {
    const r = await req.expect(403);
    assert.equal(r.body.reason, 'Forbidden');
    assert.equal(r.body.message, message);
  };
  const members = async () =>
    ((await s.request('get', PROJECT).expect(200)).body.spec.members as Array<{ name: string; role: string }>).map((m) => `${m.name}:${m.role}`).sort();

  before(async () => {
    dir = tempDir();
    writeFileSync(join(dir, 'tokens.csv'), ['olga', 'alice', 'ulla', 'mallory', 'patcher'].map((n, i) => `token-${n},${n},u${i}`).join('\n'));
    writeFileSync(join(dir, 'policy.yaml'), POLICY);
    s = await startInProcess([`--token-auth-file=${join(dir, 'tokens.csv')}`, `--authorization-policy-file=${join(dir, 'policy.yaml')}`]);
    const spec = { namespace: 'garden-dev', owner: { apiGroup: RBAC, kind: 'User', name: 'olga' }, members: [member('alice', 'admin'), member('ulla', 'uam')] };
    await s.request('post', `${BASE}/projects`).send({ metadata: { name: 'dev' }, spec }).expect(201);
  });
  after(async () => {
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets an admin member update the Project but not its human members, owner or tolerations whitelist', async () => {
    const alice = as('alice');
    await alice('patch', PROJECT).set('Content-Type', MERGE).send({ spec: { description: 'by alice' } }).expect(200);
    const forbidden = (what: string) => `projects.core.gardener.cloud "dev" is forbidden: user "alice" is not allowed to ${what} for "projects"`;
    await refused(alice('patch', PROJECT).set('Content-Type', JSON_PATCH).send([{ op: 'add', path: '/spec/members/-', value: member('eve', 'admin') }]), forbidden('manage human users or groups in .spec.members'));
    await refused(alice('patch', PROJECT).set('Content-Type', MERGE).send({ spec: { owner: { apiGroup: RBAC, kind: 'User', name: 'alice' } } }), forbidden('manage owner in .spec.owner'));
    await refused(alice('patch', PROJECT).set('Content-Type', MERGE).send({ spec: { tolerations: { whitelist: [{ key: 'x' }] } } }), forbidden('modify .spec.tolerations.whitelist'));
    const robot = { kind: 'ServiceAccount', name: 'robot', namespace: 'garden-dev', role: 'viewer' };
    await alice('patch', PROJECT).set('Content-Type', JSON_PATCH).send([{ op: 'add', path: '/spec/members/-', value: robot }]).expect(200);
    assert.deepEqual(await members(), ['alice:admin', 'olga:admin', 'robot:viewer', 'ulla:uam']);
  });

  it('lets a user-access manager manage members and the owner hand ownership on', async () => {
    await as('ulla')('patch', PROJECT).set('Content-Type', JSON_PATCH).send([{ op: 'add', path: '/spec/members/-', value: member('eve', 'viewer') }]).expect(200);
    assert.deepEqual(await members(), ['alice:admin', 'eve:viewer', 'olga:admin', 'robot:viewer', 'ulla:uam']);
    const handed = await as('olga')('patch', PROJECT).set('Content-Type', MERGE).send({ spec: { owner: { apiGroup: RBAC, kind: 'User', name: 'alice' } } }).expect(200);
    assert.equal(handed.body.spec.owner.name, 'alice');
    await as('alice')('patch', PROJECT).set('Content-Type', JSON_PATCH).send([{ op: 'add', path: '/spec/members/-', value: member('frank', 'viewer') }]).expect(200);
  });

  it("refuses a Project on another Project's namespace, whose creator would become a member there", async () => {
    const mallory = as('mallory');
    await refused(
      mallory('post', `${BASE}/projects`).send({ metadata: { name: 'evil' }, spec: { namespace: 'garden-dev' } }),
      'projects.core.gardener.cloud "evil" is forbidden: namespace "garden-dev" is already used by another project',
    );
    await s.request('get', `${BASE}/projects/evil`).expect(404);
    const denied = await mallory('get', `${BASE}/namespaces/garden-dev/shoots`).expect(403);
    assert.equal(denied.headers['x-content-type-options'], 'nosniff', "as kube-apiserver's Forbidden writer sets it");
    await mallory('post', `${BASE}/projects`).send({ metadata: { name: 'own' }, spec: { namespace: 'garden-own' } }).expect(201);
  });

  it('asks mark-self-hosted of who adds a control-plane worker pool to a Shoot', async () => {
    // Self-hosted Shoots live in the garden project's namespace.
    await s.request('post', `${BASE}/projects`).send({ metadata: { name: 'garden' }, spec: { namespace: 'garden', members: [member('alice', 'admin')] } }).expect(201);
    const gardenShoots = `${BASE}/namespaces/garden/shoots`;
    const selfHosted = makeShoot({ networking: { type: 'calico' } }, undefined, { name: 'sh', namespace: 'garden' });
    const machine = { type: 'local', image: { name: 'local', version: '1.0.0' } };
    (selfHosted.spec as Record<string, unknown>).provider = { type: 'local', workers: [{ name: 'cp', minimum: 1, maximum: 1, machine, controlPlane: {} }] };
    await refused(
      as('alice')('post', gardenShoots).send(selfHosted),
      'shoots.core.gardener.cloud "sh" is forbidden: user "alice" is not allowed to modify .spec.provider.workers[].controlPlane for "shoots"',
    );
    await s.request('post', gardenShoots).send(selfHosted).expect(201);
    await as('alice')('patch', `${gardenShoots}/sh`).set('Content-Type', MERGE).send({ metadata: { labels: { team: 'a' } } }).expect(200);
  });

  it('creates nothing through a server-side apply without the permission to create', async () => {
    const path = `${BASE}/namespaces/garden-dev/internalsecrets/planted?fieldManager=patcher`;
    const body = JSON.stringify({ apiVersion: 'core.gardener.cloud/v1beta1', kind: 'InternalSecret', metadata: { name: 'planted' }, data: { x: 'eA==' } });
    const apply = () => as('patcher')('patch', path).set('Content-Type', 'application/apply-patch+yaml').send(body);
    await refused(apply(), 'internalsecrets.core.gardener.cloud "planted" is forbidden: User "patcher" cannot create resource "internalsecrets" in API group "core.gardener.cloud" in the namespace "garden-dev"');
    await s.request('get', `${BASE}/namespaces/garden-dev/internalsecrets/planted`).expect(404);
    // Once it exists, the same apply is a patch, which the user may do.
    await s.request('post', `${BASE}/namespaces/garden-dev/internalsecrets`).send({ metadata: { name: 'planted' }, data: { y: 'eQ==' } }).expect(201);
    const applied = await apply().expect(200);
    assert.deepEqual(applied.body.data, { x: 'eA==', y: 'eQ==' });
  });

  it('keeps a deleted Project, and its namespace claimed, while Shoots remain there', async () => {
    const tmp = `${BASE}/projects/tmp`;
    const shoots = `${BASE}/namespaces/garden-tmp/shoots`;
    const confirm = { metadata: { annotations: { 'confirmation.gardener.cloud/deletion': 'true' } } };
    await s.request('post', `${BASE}/projects`).send({ metadata: { name: 'tmp' }, spec: { namespace: 'garden-tmp' } }).expect(201);
    const created = await s.request('post', shoots).send(makeShoot({}, undefined, { name: 't1', namespace: 'garden-tmp' }));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await s.request('patch', tmp).set('Content-Type', MERGE).send(confirm).expect(200);
    const deleting = await s.request('delete', tmp).expect(200);
    assert.deepEqual(deleting.body.metadata.finalizers, ['gardener'], "the project controller's finalizer holds it");
    assert.ok(deleting.body.metadata.deletionTimestamp);
    await s.request('get', tmp).expect(200);
    await refused(
      as('mallory')('post', `${BASE}/projects`).send({ metadata: { name: 'squat' }, spec: { namespace: 'garden-tmp' } }),
      'projects.core.gardener.cloud "squat" is forbidden: namespace "garden-tmp" is already used by another project',
    );
    await s.request('patch', `${shoots}/t1`).set('Content-Type', MERGE).send(confirm).expect(200);
    await s.request('delete', `${shoots}/t1`).expect(200);
    // The last Shoot's deletion releases the Project (in the background, as the controller does).
    for (let i = 0; (await s.request('get', tmp)).status !== 404; i++) {
      assert.ok(i < 300, 'the Project is still there 30 s after its last Shoot was deleted');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await as('mallory')('post', `${BASE}/projects`).send({ metadata: { name: 'squat' }, spec: { namespace: 'garden-tmp' } }).expect(201);
  });
});
