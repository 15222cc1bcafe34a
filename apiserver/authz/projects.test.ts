/** The project roles standalone mode derives from Projects, and the built-in rules behind them. */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { KubeObject } from '../../apimachinery/types.js';
import type { UserInfo } from '../../registry/types.js';
import { questionInfo } from './access.js';
import { BOOTSTRAP_POLICY } from './bootstrap.js';
import { PROJECT_MEMBER_ROLE, PROJECT_MEMBER_RULES, PROJECT_VIEWER_ROLE, PROJECT_VIEWER_RULES } from './project-roles.js';
import { projectAuthorizer, projectPolicy } from './projects.js';
import { evaluate, loadPolicyFile, type PolicyRule } from './rbac.js';

const POLICY_FILE = fileURLToPath(new URL('../../deploy/policy/gardener-roles.yaml', import.meta.url));
const RBAC = 'rbac.authorization.k8s.io';
const user = (name: string, ...groups: string[]): UserInfo => ({ name, groups: [...groups, 'system:authenticated'] });

function project(name: string, namespace: string | undefined, owner: string, members: object[]): KubeObject {
  return { metadata: { name }, spec: { ...(namespace !== undefined && { namespace }), owner: { kind: 'User', apiGroup: RBAC, name: owner }, members } };
}

const PROJECTS = [
  project('dev', 'garden-dev', 'olivia', [
    { kind: 'User', apiGroup: RBAC, name: 'olivia', role: 'admin', roles: ['owner'] },
    { kind: 'User', apiGroup: RBAC, name: 'uma', role: 'uam' },
    { kind: 'Group', apiGroup: RBAC, name: 'viewers', role: 'viewer' },
    { kind: 'ServiceAccount', name: 'robot', namespace: 'garden-dev', role: 'serviceaccountmanager' },
    { kind: 'User', apiGroup: RBAC, name: 'xena', role: 'extension:foo' },
  ]),
  project('nons', undefined, 'nina', [{ kind: 'User', apiGroup: RBAC, name: 'nina', role: 'admin' }]),
];

describe('apiserver/authz project roles', () => {
  const policy = projectPolicy(PROJECTS);
  const may = (u: UserInfo, q: Parameters<typeof questionInfo>[0]) => evaluate(policy, u, questionInfo(q)).decision === 'allow';

  it('carries the rules of deploy/policy/gardener-roles.yaml (after aggregation, in any order)', () => {
    const file = loadPolicyFile(POLICY_FILE);
    const normal = (rules: PolicyRule[] | undefined) =>
      (rules ?? []).map((r) => JSON.stringify({ g: [...(r.apiGroups ?? [])].sort(), r: [...(r.resources ?? [])].sort(), v: [...r.verbs].sort() })).sort();
    assert.deepEqual(normal(file.clusterRoles.get(PROJECT_MEMBER_ROLE)), normal(PROJECT_MEMBER_RULES));
    assert.deepEqual(normal(file.clusterRoles.get(PROJECT_VIEWER_ROLE)), normal(PROJECT_VIEWER_RULES));
  });

  it('gives the owner the project (with manage-members) and the namespace', () => {
    const olivia = user('olivia');
    assert.ok(may(olivia, { verb: 'manage-members', group: 'core.gardener.cloud', resource: 'projects', name: 'dev' }));
    assert.ok(may(olivia, { verb: 'delete', group: 'core.gardener.cloud', resource: 'projects', name: 'dev' }));
    assert.ok(may(olivia, { verb: 'get', group: '', resource: 'namespaces', name: 'garden-dev' }));
    assert.ok(may(olivia, { verb: 'create', group: 'core.gardener.cloud', resource: 'shoots', subresource: 'adminkubeconfig', namespace: 'garden-dev', name: 's' }));
    assert.ok(may(olivia, { verb: 'create', group: '', resource: 'serviceaccounts', subresource: 'token', namespace: 'garden-dev', name: 'sa' }));
    assert.ok(!may(olivia, { verb: 'get', group: 'core.gardener.cloud', resource: 'projects', name: 'other' }));
    assert.ok(!may(olivia, { verb: 'list', group: 'core.gardener.cloud', resource: 'projects' }));
  });

  it('gives user-access managers the members, viewers read access, service accounts their role', () => {
    const uma = user('uma');
    assert.ok(may(uma, { verb: 'manage-members', group: 'core.gardener.cloud', resource: 'projects', name: 'dev' }));
    assert.ok(!may(uma, { verb: 'list', group: 'core.gardener.cloud', resource: 'shoots', namespace: 'garden-dev' }));
    const viewer = user('vic', 'viewers');
    assert.ok(may(viewer, { verb: 'list', group: 'core.gardener.cloud', resource: 'shoots', namespace: 'garden-dev' }));
    assert.ok(may(viewer, { verb: 'get', group: '', resource: 'namespaces', name: 'garden-dev' }));
    assert.ok(!may(viewer, { verb: 'create', group: 'core.gardener.cloud', resource: 'shoots', subresource: 'adminkubeconfig', namespace: 'garden-dev', name: 's' }));
    const robot = user('system:serviceaccount:garden-dev:robot');
    assert.ok(may(robot, { verb: 'create', group: '', resource: 'serviceaccounts', namespace: 'garden-dev' }));
    assert.ok(!may(robot, { verb: 'list', group: 'core.gardener.cloud', resource: 'shoots', namespace: 'garden-dev' }));
  });

  it('grants nothing for extension roles without their ClusterRoles, nor for projects without a namespace', () => {
    assert.ok(!may(user('xena'), { verb: 'get', group: 'core.gardener.cloud', resource: 'projects', name: 'dev' }));
    assert.ok(!may(user('nina'), { verb: 'get', group: 'core.gardener.cloud', resource: 'projects', name: 'nons' }));
  });

  it('rebuilds the policy only when the Projects change', async () => {
    let lists = 0;
    const source = { generation: 1, list: async () => (lists++, PROJECTS) };
    const authz = projectAuthorizer(source);
    const ask = () => authz.authorize({ user: user('olivia'), info: questionInfo({ verb: 'get', group: 'core.gardener.cloud', resource: 'projects', name: 'dev' }) });
    assert.equal((await ask()).decision, 'allow');
    await ask();
    assert.equal(lists, 1);
    source.generation = 2;
    await ask();
    assert.equal(lists, 2);
  });

  it('lets every authenticated user discover and review itself (bootstrap roles)', () => {
    const eve = user('eve');
    assert.equal(evaluate(BOOTSTRAP_POLICY, eve, { ...questionInfo({ verb: 'get', group: '', resource: '' }), isResourceRequest: false, path: '/api/v1' }).decision, 'allow');
    assert.equal(evaluate(BOOTSTRAP_POLICY, eve, questionInfo({ verb: 'create', group: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews' })).decision, 'allow');
    const anonymous = { name: 'system:anonymous', groups: ['system:unauthenticated'] };
    assert.equal(evaluate(BOOTSTRAP_POLICY, anonymous, { ...questionInfo({ verb: 'get', group: '', resource: '' }), isResourceRequest: false, path: '/apis' }).decision, 'noOpinion');
  });
});
