import assert from 'node:assert/strict';
import type { UserInfo } from '../../registry/types.js';
import { resolveRequestInfo } from '../requestinfo.js';
import { tableLookups } from '../../test/support/graph-lookups.js';
import { seedAuthorizer, seedOf, type ShootSeedRef } from './seed.js';
import type { AuthorizationResult } from './types.js';

const NS = 'garden-dev';
const BASE = `/apis/core.gardener.cloud/v1beta1/namespaces/${NS}/internalsecrets`;
const SHOOTS = `/apis/core.gardener.cloud/v1beta1/namespaces/${NS}/shoots`;
const ALL_SHOOTS = '/apis/core.gardener.cloud/v1beta1/shoots';
const SEED_A_LABEL = encodeURIComponent('name.seed.gardener.cloud/seed-a=true');

const shoots = new Map<string, ShootSeedRef>([
  [`${NS}/on-a`, { spec: { seedName: 'seed-a' }, status: { seedName: 'seed-a' } }],
  [`${NS}/on-b`, { spec: { seedName: 'seed-b' } }],
  [`${NS}/migrating`, { spec: { seedName: 'seed-b' }, status: { seedName: 'seed-a' } }], // control plane migration: source seed still holds it
  [`${NS}/unscheduled`, { spec: {} }],
]);
const lookups: string[] = [];
// Projects: dev holds shoots on A and B, other holds none, bare names no namespace.
const authz = seedAuthorizer(tableLookups(shoots, { dev: NS, other: 'garden-other' }, lookups));
const PROJECTS = '/apis/core.gardener.cloud/v1beta1/projects';

const gardenlet = (seed: string): UserInfo => ({ name: `gardener.cloud:system:seed:${seed}`, groups: ['gardener.cloud:system:seeds', 'system:authenticated'] });
const saGroups = (ns: string) => ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'];
const extension = (seed: string): UserInfo => ({ name: `system:serviceaccount:seed-${seed}:extension-provider-x`, groups: saGroups(`seed-${seed}`) });

async function decide(user: UserInfo, method: string, url: string): Promise<AuthorizationResult> {
  return authz.authorize({ user, info: resolveRequestInfo(method, url) });
}

describe('SeedAuthorizer', () => {
  it('recognizes gardenlets and extension service accounts', () => {
    assert.equal(seedOf(gardenlet('seed-a')), 'seed-a');
    assert.equal(seedOf(extension('seed-a')), 'seed-a');
    assert.equal(seedOf({ name: 'gardener.cloud:system:seed:seed-a', groups: [] }), undefined, 'the group is required');
    assert.equal(seedOf({ name: 'system:serviceaccount:seed-a:other', groups: saGroups('seed-a') }), undefined, 'only extension-* accounts');
    assert.equal(seedOf({ name: 'system:serviceaccount:garden:extension-x', groups: saGroups('garden') }), undefined, 'only seed-* namespaces');
    // gardener's pkg/admissioncontroller/gardenletidentity/seed/identity_test.go: without the
    // ServiceAccount groups a user name that looks like an extension's is nobody's seed.
    assert.equal(seedOf({ name: 'system:serviceaccount:seed-a:extension-x', groups: [] }), undefined, 'a user name alone is no identity');
    assert.equal(seedOf({ name: 'system:serviceaccount:seed-a:extension-x', groups: ['system:serviceaccounts'] }), undefined, 'the namespace group is required');
    assert.equal(seedOf({ name: 'extension-x', groups: saGroups('seed-a') }), 'a', 'the namespace comes from the group');
    assert.equal(seedOf({ name: 'alice', groups: ['gardener.cloud:system:seeds'] }), undefined);
  });

  const A = gardenlet('seed-a');
  const table: Array<[string, UserInfo, string, string, 'allow' | 'noOpinion', string?]> = [
    ['A gets its own ca-client', A, 'GET', `${BASE}/on-a.ca-client`, 'allow'],
    ['A updates its own ca-client', A, 'PUT', `${BASE}/on-a.ca-client`, 'allow'],
    ['A patches its own ca-client', A, 'PATCH', `${BASE}/on-a.ca-client`, 'allow'],
    ['A deletes its own ca-client', A, 'DELETE', `${BASE}/on-a.ca-client`, 'allow'],
    ['A watches its own ca-client by name', A, 'GET', `${BASE}?watch=true&fieldSelector=metadata.name%3Don-a.ca-client`, 'allow'],
    ['A lists its own ca-client by name', A, 'GET', `${BASE}?fieldSelector=metadata.name%3Don-a.ca-client`, 'allow'],
    ['A cannot get B\'s ca-client', A, 'GET', `${BASE}/on-b.ca-client`, 'noOpinion', 'no relationship found'],
    ['A cannot update B\'s ca-client', A, 'PUT', `${BASE}/on-b.ca-client`, 'noOpinion', 'no relationship found'],
    ['A cannot delete B\'s ca-client', A, 'DELETE', `${BASE}/on-b.ca-client`, 'noOpinion', 'no relationship found'],
    ['A cannot list B\'s ca-client by name', A, 'GET', `${BASE}?fieldSelector=metadata.name%3Don-b.ca-client`, 'noOpinion', 'no relationship found'],
    ['A cannot watch B\'s ca-client by name', A, 'GET', `${BASE}?watch=1&fieldSelector=metadata.name%3Don-b.ca-client`, 'noOpinion', 'no relationship found'],
    ['status.seedName counts too', A, 'GET', `${BASE}/migrating.ca-client`, 'allow'],
    ['spec.seedName counts for B', gardenlet('seed-b'), 'GET', `${BASE}/migrating.ca-client`, 'allow'],
    ['a shoot without seed belongs to nobody', A, 'GET', `${BASE}/unscheduled.ca-client`, 'noOpinion', 'no relationship found'],
    ['list without a name', A, 'GET', BASE, 'noOpinion', 'must specify field or label selector for name seed-a'],
    ['watch without a name', A, 'GET', `${BASE}?watch=true`, 'noOpinion', 'must specify field or label selector for name seed-a'],
    ['list with another field selector only', A, 'GET', `${BASE}?fieldSelector=type%3DOpaque`, 'noOpinion', 'must specify field or label selector for name seed-a'],
    ['create is left to SeedRestriction', A, 'POST', BASE, 'allow'],
    ['create of B\'s name too (admission decides)', A, 'POST', BASE, 'allow'],
    ['deletecollection is not a seed verb', A, 'DELETE', BASE, 'noOpinion', 'only the following verbs are allowed for this resource type: [create delete get list patch update watch]'],
    ['subresources are not handled', A, 'GET', `${BASE}/on-a.ca-client/status`, 'noOpinion', 'only the following subresources are allowed for this resource type: []'],
    ['delete of an object not in the graph', A, 'DELETE', `${BASE}/gone.ca-client`, 'allow'],
    // Gardener's graph also holds the InternalSecrets of CredentialsBindings, which this server cannot see.
    ['delete of a name that is no ca-client', A, 'DELETE', `${BASE}/random`, 'noOpinion', 'no relationship found'],
    ['get of an unknown object', A, 'GET', `${BASE}/gone.ca-client`, 'noOpinion', 'no relationship found'],
    ['get of a name that is no ca-client', A, 'GET', `${BASE}/on-a`, 'noOpinion', 'no relationship found'],
    ['extension of seed A acts as A', extension('seed-a'), 'GET', `${BASE}/on-a.ca-client`, 'allow'],
    ['extension of seed A is still not B', extension('seed-a'), 'GET', `${BASE}/on-b.ca-client`, 'noOpinion', 'no relationship found'],
    ['other users: no opinion', { name: 'alice', groups: [] }, 'GET', `${BASE}/on-a.ca-client`, 'noOpinion'],
    // Shoots (upstream authorizeShoot): the seed's label selects lists and watches, the graph the rest.
    ['A watches its shoots cluster-wide by its label', A, 'GET', `${ALL_SHOOTS}?watch=true&sendInitialEvents=true&labelSelector=${SEED_A_LABEL}`, 'allow'],
    ['A lists its shoots by its label', A, 'GET', `${ALL_SHOOTS}?labelSelector=${SEED_A_LABEL}`, 'allow'],
    ['A lists with the label among others', A, 'GET', `${ALL_SHOOTS}?labelSelector=${encodeURIComponent('a=b,name.seed.gardener.cloud/seed-a in (true)')}`, 'allow'],
    ['A cannot list by B\'s label', A, 'GET', `${ALL_SHOOTS}?labelSelector=${encodeURIComponent('name.seed.gardener.cloud/seed-b=true')}`, 'noOpinion', 'must specify field or label selector for name seed-a'],
    ['A cannot list all shoots', A, 'GET', ALL_SHOOTS, 'noOpinion', 'must specify field or label selector for name seed-a'],
    // Requirements its label only does not contradict would select every seed's shoots.
    ['A cannot list by a requirement on another label', A, 'GET', `${ALL_SHOOTS}?labelSelector=${encodeURIComponent('!foo')}`, 'noOpinion', 'must specify field or label selector for name seed-a'],
    ['A cannot list by its label != false', A, 'GET', `${ALL_SHOOTS}?labelSelector=${encodeURIComponent('name.seed.gardener.cloud/seed-a!=false')}`, 'noOpinion', 'must specify field or label selector for name seed-a'],
    ['A lists by the presence of its label', A, 'GET', `${ALL_SHOOTS}?labelSelector=${encodeURIComponent('name.seed.gardener.cloud/seed-a')}`, 'allow'],
    ['A gets a shoot on its seed', A, 'GET', `${SHOOTS}/on-a`, 'allow'],
    ['A updates the status of a shoot on its seed', A, 'PUT', `${SHOOTS}/on-a/status`, 'allow'],
    ['A patches the status of a shoot on its seed', A, 'PATCH', `${SHOOTS}/on-a/status`, 'allow'],
    ['A patches finalizers of a shoot on its seed', A, 'PATCH', `${SHOOTS}/on-a`, 'allow'],
    ['A lists one shoot on its seed by name', A, 'GET', `${SHOOTS}?fieldSelector=metadata.name%3Don-a`, 'allow'],
    ['A cannot get a shoot on B', A, 'GET', `${SHOOTS}/on-b`, 'noOpinion', 'no relationship found'],
    ['A cannot patch a shoot on B', A, 'PATCH', `${SHOOTS}/on-b/status`, 'noOpinion', 'no relationship found'],
    ['A cannot delete shoots', A, 'DELETE', `${SHOOTS}/on-a`, 'noOpinion', 'only the following verbs are allowed for this resource type: [get list patch update watch]'],
    ['A cannot create shoots', A, 'POST', SHOOTS, 'noOpinion', 'only the following verbs are allowed for this resource type: [get list patch update watch]'],
    ['A cannot ask for kubeconfigs', A, 'POST', `${SHOOTS}/on-a/adminkubeconfig`, 'noOpinion', 'only the following subresources are allowed for this resource type: [finalizers status]'],
    ['a self-hosted seed reads its own shoot in garden', A, 'GET', '/apis/core.gardener.cloud/v1beta1/namespaces/garden/shoots/seed-a', 'allow'],
    // Projects (upstream CheckRead on the Project vertex): one by name, related through its namespace's shoots.
    ['A gets the project of a namespace with a shoot on A', A, 'GET', `${PROJECTS}/dev`, 'allow'],
    ['A lists and watches that project by name', A, 'GET', `${PROJECTS}?fieldSelector=metadata.name%3Ddev`, 'allow'],
    ['A watches that project by name', A, 'GET', `${PROJECTS}?watch=true&fieldSelector=metadata.name%3Ddev`, 'allow'],
    ['a shoot migrating away still relates its project', gardenlet('seed-b'), 'GET', `${PROJECTS}/dev`, 'allow'],
    ['A cannot get a project without shoots on A', A, 'GET', `${PROJECTS}/other`, 'noOpinion', 'no relationship found'],
    ['A cannot get a project that does not exist', A, 'GET', `${PROJECTS}/nope`, 'noOpinion', 'no relationship found'],
    ['C cannot get a project whose shoots are elsewhere', gardenlet('seed-c'), 'GET', `${PROJECTS}/dev`, 'noOpinion', 'no relationship found'],
    ['A cannot list all projects', A, 'GET', PROJECTS, 'noOpinion', 'must specify field or label selector for name seed-a'],
    ['A cannot update a project', A, 'PUT', `${PROJECTS}/dev`, 'noOpinion', 'only the following verbs are allowed for this resource type: [get list watch]'],
    ['A cannot delete a project', A, 'DELETE', `${PROJECTS}/dev`, 'noOpinion', 'only the following verbs are allowed for this resource type: [get list watch]'],
    ['A cannot read project subresources', A, 'GET', `${PROJECTS}/dev/status`, 'noOpinion', 'only the following subresources are allowed for this resource type: []'],
    ['extension of seed A reads the project too', extension('seed-a'), 'GET', `${PROJECTS}/dev`, 'allow'],
    ['other resources: no opinion', A, 'GET', `/apis/operator.gardener.cloud/v1alpha1/gardens/g`, 'noOpinion'],
    ['non-resource requests: no opinion', A, 'GET', '/healthz', 'noOpinion'],
  ];
  for (const [what, user, method, url, decision, reason] of table) {
    it(`${what}: ${decision}`, async () => {
      const r = await decide(user, method, url);
      assert.equal(r.decision, decision);
      assert.equal(r.reason, reason);
    });
  }

  it('never denies', async () => {
    for (const [, user, method, url] of table) assert.notEqual((await decide(user, method, url)).decision, 'deny');
  });

  it('looks up the shoot named by the secret', async () => {
    lookups.length = 0;
    await decide(A, 'GET', `${BASE}/on-b.ca-client`);
    assert.deepEqual(lookups, [`${NS}/on-b`]);
  });

  it('gives no opinion with an error when a lookup fails', async () => {
    const down = async (): Promise<never> => {
      throw new Error('store down');
    };
    const failing = seedAuthorizer({ getShoot: down, projectNamespace: async () => 'garden-dev', shootsIn: down });
    for (const url of [`${BASE}/on-a.ca-client`, `${PROJECTS}/dev`]) {
      const r = await failing.authorize({ user: A, info: resolveRequestInfo('GET', url) });
      assert.deepEqual(r, { decision: 'noOpinion', error: 'seed authorizer: cannot read the graph: store down' }, url);
    }
  });
});
