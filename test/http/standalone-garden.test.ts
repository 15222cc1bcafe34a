/**
 * Standalone mode as a garden: discovery of `/api` and authorization.k8s.io, the Projects' namespaces
 * and the cluster-CA directory's ConfigMaps (read-only), SelfSubjectAccessReviews, and Gardener's project
 * roles granted by Project membership without a policy file, changing with the members at once. In
 * aggregated mode none of it is served.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type supertest from 'supertest';
import { isUUID } from '../../apimachinery/uid.js';
import { makeShoot } from '../support/shoot/fixtures.js';
import { startGardenStandIn, type GardenStandIn } from '../support/garden-standin.js';
import { projectFor, PROJECTS_PATH } from '../support/projects.js';
import { startInProcess, tempDir, type InProcessServer } from '../support/server.js';

const TOKENS = { alice: 'alice-token', bob: 'bob-token', carol: 'carol-token', eve: 'eve-token' } as const;
type Who = keyof typeof TOKENS;
const CORE = '/apis/core.gardener.cloud/v1beta1';
const SSAR = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';
const AGGREGATED_ACCEPT = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';
const RBAC = 'rbac.authorization.k8s.io';
const CA_PEM = '-----BEGIN CERTIFICATE-----\nQUFB\n-----END CERTIFICATE-----\n';

describe('standalone mode as a garden for gardenctl and kubectl', function () {
  let s: InProcessServer;
  let dir: string;

  before(async () => {
    dir = tempDir();
    writeFileSync(join(dir, 'tokens.csv'), Object.entries(TOKENS).map(([name, token], i) => `${token},${name},u${i}`).join('\n'));
    const caDir = join(dir, 'cluster-ca');
    mkdirSync(caDir);
    const configMap = (ns: string, name: string, uid?: string) =>
      JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels: { 'gardener.cloud/role': 'ca-cluster' }, ...(uid !== undefined && { uid }) }, data: { 'ca.crt': CA_PEM } });
    writeFileSync(join(caDir, 'dev.json'), configMap('garden-dev', 'crazy-botany.ca-cluster'));
    writeFileSync(join(caDir, 'ops.json'), configMap('garden-ops', 'infra.ca-cluster', '1b4e28ba-2fa1-11d2-883f-0016d3cca427'));
    writeFileSync(join(caDir, 'other.json'), configMap('garden-ops', 'not-a-ca'));
    s = await startInProcess([`--token-auth-file=${join(dir, 'tokens.csv')}`, `--cluster-ca-dir=${caDir}`]);
    const members = [
      { kind: 'User', name: 'alice', role: 'admin' },
      { kind: 'User', name: 'bob', role: 'viewer' },
    ];
    await s.request('post', PROJECTS_PATH).send(projectFor('garden-dev', { members })).expect(201);
    await s.request('post', PROJECTS_PATH).send(projectFor('garden-ops')).expect(201);
    await s.request('post', `${CORE}/namespaces/garden-dev/shoots`).send(makeShoot()).expect(201);
  });
  after(async () => {
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const as = (who: Who, method: 'get' | 'post' | 'patch' | 'delete' | 'put', path: string): supertest.Test =>
    s.request(method, path, true).set('Authorization', `Bearer ${TOKENS[who]}`);
  const status = async (who: Who, method: 'get' | 'post', path: string, body?: object) => (await (body === undefined ? as(who, method, path) : as(who, method, path).send(body))).status;

  it('discovers the core group at /api and authorization.k8s.io next to the Gardener groups', async () => {
    const api = await as('eve', 'get', '/api').expect(200);
    assert.equal(api.body.kind, 'APIVersions');
    assert.deepEqual(api.body.versions, ['v1']);
    const v1 = await as('eve', 'get', '/api/v1').expect(200);
    assert.deepEqual(
      v1.body.resources.map((r: { name: string; verbs: string[]; namespaced: boolean }) => [r.name, r.namespaced, r.verbs]),
      [['namespaces', false, ['get', 'list']], ['configmaps', true, ['get', 'list']]],
    );
    const aggregated = await as('eve', 'get', '/api').set('Accept', AGGREGATED_ACCEPT).expect(200);
    assert.deepEqual(aggregated.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['']);
    const apis = await as('eve', 'get', '/apis').expect(200);
    assert.deepEqual(apis.body.groups.map((g: { name: string }) => g.name), ['core.gardener.cloud', 'operator.gardener.cloud', 'authorization.k8s.io']);
    const authz = await as('eve', 'get', '/apis/authorization.k8s.io/v1').expect(200);
    assert.deepEqual(authz.body.resources, [{ name: 'selfsubjectaccessreviews', singularName: 'selfsubjectaccessreview', namespaced: false, kind: 'SelfSubjectAccessReview', verbs: ['create'] }]);
    await s.request('get', '/api', true).expect(403);
  });

  it('serves the namespaces of Projects, labelled as gardener-controller-manager labels them', async () => {
    const ns = await as('alice', 'get', '/api/v1/namespaces/garden-dev').expect(200);
    assert.ok(isUUID(ns.body.metadata.uid));
    assert.deepEqual(ns.body.metadata.labels, { 'gardener.cloud/role': 'project', 'project.gardener.cloud/name': 'dev' });
    const project = await s.request('get', `${PROJECTS_PATH}/dev`).expect(200);
    assert.equal(ns.body.metadata.annotations['namespace.gardener.cloud/project'], project.body.metadata.uid);
    assert.equal(ns.body.status.phase, 'Active');
    const list = await s.request('get', '/api/v1/namespaces?labelSelector=project.gardener.cloud/name=ops').expect(200);
    assert.deepEqual(list.body.items.map((n: { metadata: { name: string } }) => n.metadata.name), ['garden-ops']);
    assert.deepEqual([list.body.kind, list.body.items[0].kind, list.body.items[0].apiVersion], ['NamespaceList', undefined, undefined], 'items of a built-in kind name no kind');
    assert.deepEqual([ns.body.kind, ns.body.apiVersion], ['Namespace', 'v1']);
    const missing = await s.request('get', '/api/v1/namespaces/garden-none').expect(404);
    assert.equal(missing.body.message, 'namespaces "garden-none" not found');
    const bad = await s.request('get', '/api/v1/namespaces?fieldSelector=spec.x=1').expect(400);
    assert.equal(bad.body.message, 'field label not supported: spec.x');
  });

  it('serves the <shoot>.ca-cluster ConfigMaps of the cluster-CA directory', async () => {
    const cm = await as('alice', 'get', '/api/v1/namespaces/garden-dev/configmaps/crazy-botany.ca-cluster').expect(200);
    assert.equal(cm.body.data['ca.crt'], CA_PEM);
    assert.ok(isUUID(cm.body.metadata.uid));
    const ops = await s.request('get', '/api/v1/namespaces/garden-ops/configmaps').expect(200);
    assert.deepEqual(ops.body.items.map((c: { metadata: { name: string; uid: string } }) => [c.metadata.name, c.metadata.uid]), [['infra.ca-cluster', '1b4e28ba-2fa1-11d2-883f-0016d3cca427']]);
    const table = await s.request('get', '/api/v1/configmaps').set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io').expect(200);
    assert.deepEqual(table.body.rows.map((r: { cells: unknown[] }) => r.cells.slice(0, 2)), [['crazy-botany.ca-cluster', 1], ['infra.ca-cluster', 1]]);
  });

  it('is read-only', async () => {
    const post = await s.request('post', '/api/v1/namespaces').send({ metadata: { name: 'garden-x' } }).expect(405);
    assert.equal(post.body.reason, 'MethodNotAllowed');
    await s.request('delete', '/api/v1/namespaces/garden-dev/configmaps/crazy-botany.ca-cluster').expect(405);
    await s.request('get', '/api/v1/namespaces?watch=true').expect(405);
    await s.request('get', '/api/v1/namespaces/garden-dev/secrets').expect(404);
  });

  it("grants members Gardener's project roles in their namespace, and nothing elsewhere", async () => {
    assert.equal(await status('alice', 'get', `${CORE}/namespaces/garden-dev/shoots`), 200);
    assert.equal(await status('alice', 'post', `${CORE}/namespaces/garden-dev/shoots`, makeShoot({}, undefined, { name: 'by-alice' })), 201);
    assert.equal(await status('alice', 'get', `${PROJECTS_PATH}/dev`), 200);
    assert.equal(await status('alice', 'get', '/api/v1/namespaces/garden-dev/configmaps/crazy-botany.ca-cluster'), 200);
    assert.equal(await status('alice', 'get', `${CORE}/namespaces/garden-dev/internalsecrets`), 403, 'never InternalSecrets');
    assert.equal(await status('alice', 'get', `${CORE}/namespaces/garden-ops/shoots`), 403);
    assert.equal(await status('alice', 'get', '/api/v1/namespaces/garden-ops'), 403);
    assert.equal(await status('alice', 'get', '/api/v1/namespaces'), 403, 'no cluster-wide list, as in Gardener');
    assert.equal(await status('alice', 'get', PROJECTS_PATH), 403);
    assert.equal(await status('bob', 'get', `${CORE}/namespaces/garden-dev/shoots/crazy-botany`), 200);
    assert.equal(await status('bob', 'post', `${CORE}/namespaces/garden-dev/shoots`, makeShoot({}, undefined, { name: 'by-bob' })), 403);
    const denied = await as('eve', 'get', `${CORE}/namespaces/garden-dev/shoots`).expect(403);
    assert.equal(denied.body.message, 'shoots.core.gardener.cloud is forbidden: User "eve" cannot list resource "shoots" in API group "core.gardener.cloud" in the namespace "garden-dev"');
  });

  it('applies a change of the members with the next request', async () => {
    const patch = (members: object[]) =>
      s.request('patch', `${PROJECTS_PATH}/dev`).set('Content-Type', 'application/merge-patch+json').send({ spec: { members } }).expect(200);
    const current = (await s.request('get', `${PROJECTS_PATH}/dev`).expect(200)).body.spec.members as object[];
    await patch([...current, { kind: 'User', apiGroup: RBAC, name: 'carol', role: 'viewer' }]);
    assert.equal(await status('carol', 'get', `${CORE}/namespaces/garden-dev/shoots`), 200);
    await patch(current);
    assert.equal(await status('carol', 'get', `${CORE}/namespaces/garden-dev/shoots`), 403);
  });

  it('answers SelfSubjectAccessReviews with the same decisions', async () => {
    const review = async (who: Who, spec: object) => (await as(who, 'post', SSAR).send({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec }).expect(201)).body.status;
    const create = { resourceAttributes: { namespace: 'garden-dev', verb: 'create', group: 'core.gardener.cloud', resource: 'shoots' } };
    const allowed = await review('alice', create);
    assert.equal(allowed.allowed, true);
    assert.match(allowed.reason, /RoleBinding "gardener\.cloud:system:project-member" in "garden-dev" of ClusterRole "gardener\.cloud:system:project-member" to User "alice"/);
    assert.deepEqual(await review('bob', create), { allowed: false });
    assert.equal((await review('bob', { resourceAttributes: { namespace: 'garden-dev', verb: 'create', group: 'core.gardener.cloud', resource: 'shoots', subresource: 'viewerkubeconfig', name: 'crazy-botany' } })).allowed, true);
    assert.equal((await review('eve', { nonResourceAttributes: { path: '/apis', verb: 'get' } })).allowed, true);
    const neither = await as('eve', 'post', SSAR).send({ spec: {} }).expect(422);
    assert.equal(neither.body.message, 'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified');
    await s.request('post', SSAR, true).send({ spec: create }).expect(403);
  });
});

describe('aggregated mode leaves core/v1 and RBAC to the garden', function () {
  let garden: GardenStandIn;
  let s: InProcessServer;
  let dir: string;

  before(async () => {
    garden = await startGardenStandIn();
    dir = tempDir();
    const kubeconfig = garden.writeKubeconfig(join(dir, 'garden.kubeconfig'));
    s = await startInProcess([`--authorization-kubeconfig=${kubeconfig}`, '--authentication-skip-lookup', `--client-ca-file=${join(dir, 'data', 'pki', 'ca.crt')}`], join(dir, 'data'));
  });
  after(async () => {
    await s?.stop();
    await garden?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves no /api, no namespaces or ConfigMaps, no SelfSubjectAccessReviews', async () => {
    await s.request('get', '/api').expect(404);
    await s.request('get', '/api/v1/namespaces').expect(404);
    await s.request('post', SSAR).send({ spec: { nonResourceAttributes: { path: '/apis', verb: 'get' } } }).expect(404);
    const apis = await s.request('get', '/apis').expect(200);
    assert.deepEqual(apis.body.groups.map((g: { name: string }) => g.name), ['core.gardener.cloud', 'operator.gardener.cloud']);
  });
});
