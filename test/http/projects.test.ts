/**
 * Projects over HTTPS: Gardener's defaulting, the ProjectMutator, validation with upstream's messages,
 * owner canonicalization, immutable fields, the status subresource, field selectors, the table, deletion
 * confirmation, protobuf and strategic merge patch, and the project check of Shoot creation.
 */
import assert from 'node:assert/strict';
import { PROTOBUF_MEDIA_TYPE } from '../../apimachinery/protobuf/index.js';
import { makeShoot } from '../support/shoot/fixtures.js';
import { binary, CORE, decodePb, pbBody, PROTOBUF_ACCEPT } from '../support/protobuf.js';
import { startInProcess, type InProcessServer } from '../support/server.js';

const BASE = '/apis/core.gardener.cloud/v1beta1';
const PROJECTS = `${BASE}/projects`;
const RBAC = 'rbac.authorization.k8s.io';
const user = (name: string) => ({ kind: 'User', apiGroup: RBAC, name });
const CONFIRM = { 'confirmation.gardener.cloud/deletion': 'true' };
const shoot = (name: string, namespace: string) => makeShoot({}, undefined, { name, namespace });

describe('Projects over HTTPS', function () {
  let s: InProcessServer;
  before(async () => {
    s = await startInProcess();
  });
  after(async () => s.stop());

  const create = (body: object) => s.request('post', PROJECTS).send(body);
  const invalid = async (body: object, message: string) => {
    const r = await create(body).expect(422);
    assert.equal(r.body.message, message);
    assert.equal(r.body.details.kind, 'Project');
  };

  it('defaults members, sets createdBy and the owner from the requesting user', async () => {
    const r = await create({ metadata: { name: 'dev' }, spec: { namespace: 'garden-dev', members: [{ kind: 'User', name: 'bob' }] } }).expect(201);
    assert.match(r.body.metadata.uid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(r.body.metadata.generation, 1);
    assert.deepEqual(r.body.spec, {
      namespace: 'garden-dev',
      members: [
        { ...user('bob'), role: 'viewer' },
        { ...user('garden-admin'), role: 'admin', roles: ['owner'] },
      ],
      createdBy: user('garden-admin'),
      owner: user('garden-admin'),
    });
    assert.deepEqual(r.body.status, {}, 'ProjectStatus{} as Go writes it');
  });

  it('stores role and roles as Gardener converts them: role first, without duplicates of it', async () => {
    const members = [{ ...user('a'), role: 'admin', roles: ['admin', 'uam'] }, { ...user('b'), roles: ['viewer', 'serviceaccountmanager'] }];
    const r = await create({ metadata: { name: 'roles' }, spec: { members, owner: user('a') } }).expect(201);
    assert.deepEqual(r.body.spec.members, [
      { ...user('a'), role: 'admin', roles: ['uam', 'owner'] },
      { ...user('b'), role: 'viewer', roles: ['serviceaccountmanager'] },
    ]);
    // Without an owner too; and without `role`, repeated roles are seen (and refused).
    const ownerless = await create({ metadata: { name: 'roles2' }, spec: { members: [{ ...user('c'), roles: ['admin', 'uam'] }] } }).expect(201);
    assert.deepEqual(ownerless.body.spec.members.find((m: { name: string }) => m.name === 'c'), { ...user('c'), role: 'admin', roles: ['uam'] });
    const twice = await create({ metadata: { name: 'roles3' }, spec: { members: [{ ...user('c'), roles: ['admin', 'admin'] }] } }).expect(422);
    assert.match(twice.body.message, /spec\.members\[0\]\.roles\[1\]: Duplicate value: "admin"/);
  });

  it('gives the owner role to the owner only, when the owner changes', async () => {
    const r = await s
      .request('patch', `${PROJECTS}/dev`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ spec: { owner: user('bob') } })
      .expect(200);
    assert.deepEqual(r.body.spec.members, [
      { ...user('bob'), role: 'viewer', roles: ['owner'] },
      { ...user('garden-admin'), role: 'admin' },
    ]);
    assert.equal(r.body.metadata.generation, 2);
  });

  it('validates names, namespaces, members, texts and tolerations with upstream messages', async () => {
    await invalid(
      { metadata: { name: 'much-too-long' } },
      'Project.core.gardener.cloud "much-too-long" is invalid: metadata.name: Too long: may not be more than 10 bytes',
    );
    await invalid({ metadata: { name: 'a--b' } }, 'Project.core.gardener.cloud "a--b" is invalid: metadata.name: Invalid value: "a--b": name may not contain two consecutive hyphens');
    await invalid({ metadata: { name: 'ns' }, spec: { namespace: 'dev' } }, 'Project.core.gardener.cloud "ns" is invalid: spec.namespace: Invalid value: "dev": must start with garden-');
    await invalid(
      { metadata: { name: 'ns' }, spec: { namespace: 'gardener-system-public', description: '!' } },
      'Project.core.gardener.cloud "ns" is invalid: spec.namespace: Invalid value: "gardener-system-public": Project namespaces [gardener-system-seed-lease, gardener-system-shoot-issuer, gardener-system-public] are reserved by Gardener',
    );
    await invalid(
      { metadata: { name: 'm' }, spec: { members: [{ ...user('x'), role: 'boss' }] } },
      'Project.core.gardener.cloud "m" is invalid: spec.members[0].roles[0]: Unsupported value: "boss": supported values: "admin", "owner", "serviceaccountmanager", "uam", "viewer", "extension:*"',
    );
    await invalid(
      { metadata: { name: 'm' }, spec: { members: [{ ...user('x'), roles: ['extension:this-name-is-far-too-long'] }] } },
      'Project.core.gardener.cloud "m" is invalid: spec.members[0].roles[0]: Too long: may not be more than 20 bytes',
    );
    await invalid(
      { metadata: { name: 'm' }, spec: { members: [user('x'), { ...user('x'), role: 'admin' }] } },
      'Project.core.gardener.cloud "m" is invalid: spec.members[1]: Duplicate value: {"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"x","Roles":["admin"]}',
    );
    await invalid(
      { metadata: { name: 'm' }, spec: { members: [{ ...user('x'), role: 'owner' }, { ...user('y'), role: 'owner' }] } },
      'Project.core.gardener.cloud "m" is invalid: spec.members[1].roles[0]: Forbidden: cannot have more than one member having the owner role',
    );
    await invalid(
      { metadata: { name: 'm' }, spec: { members: [{ kind: 'ServiceAccount', name: 'robot' }, { kind: 'Robot', name: 'r2' }] } },
      'Project.core.gardener.cloud "m" is invalid: [spec.members[0].namespace: Required value, spec.members[1].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"]',
    );
    await invalid(
      { metadata: { name: 't' }, spec: { description: 'ok, fine', purpose: 'no <html> & "quotes"' } },
      `Project.core.gardener.cloud "t" is invalid: spec.purpose: Forbidden: must not contain invalid character: ['<' '>' '&' '"' '"']`,
    );
    await invalid(
      { metadata: { name: 't' }, spec: { tolerations: { defaults: [{ key: 'a' }, { key: 'a' }], whitelist: [{ key: 'b' }] } } },
      'Project.core.gardener.cloud "t" is invalid: [spec.tolerations.defaults[1]: Duplicate value: "a", spec.tolerations.defaults[0]: Forbidden: only the following tolerations are allowed: [b], spec.tolerations.defaults[1]: Forbidden: only the following tolerations are allowed: [b]]',
    );
  });

  it('defaults the tolerations of the garden project', async () => {
    const r = await create({ metadata: { name: 'garden' }, spec: { namespace: 'garden' } }).expect(201);
    assert.deepEqual(r.body.spec.tolerations, { whitelist: [{ key: 'seed.gardener.cloud/protected' }], defaults: [{ key: 'seed.gardener.cloud/protected' }] });
  });

  it('keeps namespace and creator, and an owner once set', async () => {
    const patch = (body: object) => s.request('patch', `${PROJECTS}/dev`).set('Content-Type', 'application/merge-patch+json').send(body);
    const ns = await patch({ spec: { namespace: 'garden-other' } }).expect(422);
    assert.equal(ns.body.message, 'Project.core.gardener.cloud "dev" is invalid: spec.namespace: Invalid value: "garden-other": field is immutable');
    const by = await patch({ spec: { createdBy: { kind: 'User', name: 'mallory' } } }).expect(422);
    assert.equal(
      by.body.message,
      'Project.core.gardener.cloud "dev" is invalid: spec.createdBy: Invalid value: {"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"mallory"}: field is immutable',
    );
    const owner = await patch({ spec: { owner: null } }).expect(422);
    assert.equal(owner.body.message, 'Project.core.gardener.cloud "dev" is invalid: spec.owner: Invalid value: null: owner cannot be reset');
  });

  it('changes only the status through projects/status, where a phase cannot be emptied', async () => {
    const status = (body: object) => s.request('patch', `${PROJECTS}/dev/status`).set('Content-Type', 'application/merge-patch+json').send(body);
    const r = await status({ spec: { purpose: 'ignored' }, status: { phase: 'Ready' } }).expect(200);
    assert.equal(r.body.status.phase, 'Ready');
    assert.equal(r.body.spec.purpose, undefined);
    const empty = await status({ status: { phase: '' } }).expect(422);
    assert.equal(empty.body.message, 'Project.core.gardener.cloud "dev" is invalid: status.phase: Invalid value: "": phase cannot be updated to an empty string');
    const put = await s.request('put', `${PROJECTS}/dev`).send({ ...r.body, status: { phase: 'Failed' } }).expect(200);
    assert.equal(put.body.status.phase, 'Ready', 'the main resource keeps the status');
  });

  it('selects by metadata.name and spec.namespace only, and prints Gardener\'s columns', async () => {
    const byNs = await s.request('get', `${PROJECTS}?fieldSelector=spec.namespace=garden-dev&limit=1`).expect(200);
    assert.deepEqual(byNs.body.items.map((p: { metadata: { name: string } }) => p.metadata.name), ['dev']);
    assert.equal(byNs.body.metadata.remainingItemCount, undefined);
    const byName = await s.request('get', `${PROJECTS}?fieldSelector=metadata.name=garden`).expect(200);
    assert.equal(byName.body.items.length, 1);
    const bad = await s.request('get', `${PROJECTS}?fieldSelector=metadata.namespace=x`).expect(400);
    assert.equal(bad.body.message, 'field label not supported: metadata.namespace');
    const table = await s.request('get', `${PROJECTS}/dev`).set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io').expect(200);
    assert.deepEqual(table.body.columnDefinitions.map((c: { name: string }) => c.name), ['Name', 'Namespace', 'Status', 'Owner', 'Creator', 'Age']);
    assert.deepEqual(table.body.rows[0].cells.slice(0, 5), ['dev', 'garden-dev', 'Ready', 'bob', 'garden-admin']);
  });

  it('speaks protobuf and merges tolerations by key in strategic merge patches', async () => {
    const body = pbBody(`${CORE}.Project`, 'core.gardener.cloud/v1beta1', 'Project', {
      metadata: { name: 'pb' },
      spec: { namespace: 'garden-pb', tolerations: { whitelist: [{ key: 'a' }, { key: 'b', value: 'x' }] } },
    });
    const created = await binary(s.request('post', PROJECTS).set('Content-Type', PROTOBUF_MEDIA_TYPE).set('Accept', PROTOBUF_ACCEPT).send(body)).expect(201);
    const decoded = decodePb(created.body as Buffer);
    assert.equal(decoded.kind, 'Project');
    assert.equal(decoded.value.spec.createdBy.name, 'garden-admin');
    const r = await s
      .request('patch', `${PROJECTS}/pb`)
      .set('Content-Type', 'application/strategic-merge-patch+json')
      .send({ spec: { tolerations: { whitelist: [{ key: 'b', value: 'y' }, { key: 'c' }] } } })
      .expect(200);
    assert.deepEqual(r.body.spec.tolerations.whitelist, [{ key: 'a' }, { key: 'b', value: 'y' }, { key: 'c' }]);
  });

  it('deletes a Project only with the deletion confirmation', async () => {
    const denied = await s.request('delete', `${PROJECTS}/pb`).expect(403);
    assert.equal(denied.body.message, 'projects.core.gardener.cloud "pb" is forbidden: must have a "confirmation.gardener.cloud/deletion" annotation to delete');
    await s.request('patch', `${PROJECTS}/pb`).set('Content-Type', 'application/merge-patch+json').send({ metadata: { annotations: CONFIRM } }).expect(200);
    await s.request('delete', `${PROJECTS}/pb`).expect(200);
    await s.request('get', `${PROJECTS}/pb`).expect(404);
  });

  it('creates Shoots only in the namespace of a Project that is not being deleted', async () => {
    await s.request('post', `${BASE}/namespaces/garden-dev/shoots`).send(shoot('crazy-botany', 'garden-dev')).expect(201);
    const none = await s.request('post', `${BASE}/namespaces/garden-none/shoots`).send(shoot('s', 'garden-none')).expect(404);
    assert.equal(none.body.message, 'namespaces "garden-none" not found');
    const long = await s.request('post', `${BASE}/namespaces/garden-dev/shoots`).send(shoot('abcdefghijklmnopqrs', 'garden-dev')).expect(422);
    assert.match(long.body.message, /the length of the shoot name and the project name must not exceed 21 characters \(project: dev; shoot: abcdefghijklmnopqrs\)$/);
    assert.deepEqual(long.body.details.causes.map((c: { field: string }) => c.field), ['name'], "ShootValidator's check, on its own");
    // The strategy's validation comes first: an invalid Shoot with a long name is told about the Shoot.
    const bad = shoot('abcdefghijklmnopqrs', 'garden-dev');
    (bad.spec as Record<string, unknown>).region = '';
    const first = await s.request('post', `${BASE}/namespaces/garden-dev/shoots`).send(bad).expect(422);
    assert.deepEqual(first.body.details.causes.map((c: { field: string }) => c.field), ['spec.region']);
    await create({ metadata: { name: 'old', finalizers: ['gardener'], annotations: CONFIRM }, spec: { namespace: 'garden-old' } }).expect(201);
    await s.request('delete', `${PROJECTS}/old`).expect(200);
    const gone = await s.request('post', `${BASE}/namespaces/garden-old/shoots`).send(shoot('late', 'garden-old')).expect(403);
    assert.equal(gone.body.message, "shoots.core.gardener.cloud \"late\" is forbidden: cannot create shoot 'late' in project 'old' that is already marked for deletion");
  });

  it("selects Shoots by their CloudProfile reference with Gardener's field labels (capitalized)", async () => {
    const names = async (selector: string) =>
      (await s.request('get', `${BASE}/shoots?fieldSelector=${encodeURIComponent(selector)}`).expect(200)).body.items.map((i: { metadata: { name: string } }) => i.metadata.name);
    assert.deepEqual(await names('spec.cloudProfile.Name=cloudprofile1,spec.cloudProfile.Kind=CloudProfile'), ['crazy-botany']);
    assert.deepEqual(await names('spec.cloudProfile.Name=other'), []);
    const lower = await s.request('get', `${BASE}/shoots?fieldSelector=spec.cloudProfile.name%3Dcloudprofile1`).expect(400);
    assert.equal(lower.body.message, 'field label not supported: spec.cloudProfile.name');
  });
});
