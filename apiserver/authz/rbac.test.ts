import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { UserInfo } from '../../registry/types.js';
import { resolveRequestInfo, type RequestInfo } from '../requestinfo.js';
import { questionInfo } from './access.js';
import { evaluate, loadPolicyFile, parsePolicy, rbacAuthorizer } from './rbac.js';

const POLICY_FILE = fileURLToPath(new URL('../../deploy/policy/gardener-roles.yaml', import.meta.url));
const CORE = '/apis/core.gardener.cloud/v1beta1';

const user = (name: string, ...groups: string[]): UserInfo => ({ name, groups: [...groups, 'system:authenticated'] });
const res = (verb: string, resource: string, o: { ns?: string; name?: string; sub?: string; group?: string } = {}): RequestInfo =>
  questionInfo({ verb, group: o.group ?? 'core.gardener.cloud', resource, ...(o.ns && { namespace: o.ns }), ...(o.name && { name: o.name }), ...(o.sub && { subresource: o.sub }) });
const path = (verb: string, p: string): RequestInfo => ({ ...resolveRequestInfo(verb.toUpperCase(), p), verb });

describe('RBAC semantics', () => {
  const policy = parsePolicy(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: rules}
rules:
- {apiGroups: [core.gardener.cloud], resources: [shoots], verbs: [get, list]}
- {apiGroups: [core.gardener.cloud], resources: [shoots/status], verbs: [update]}
- {apiGroups: ["*"], resources: ["*/scale"], verbs: [patch]}
- {apiGroups: [core.gardener.cloud], resources: [internalsecrets], resourceNames: [a.ca-client], verbs: ["*"]}
- {nonResourceURLs: [/healthz, "/metrics/*"], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: rules-to-u}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: rules}
subjects: [{kind: User, name: u}]
`);
  const u = user('u');
  const table: Array<[string, RequestInfo, boolean]> = [
    ['verb listed', res('get', 'shoots', { ns: 'x', name: 's' }), true],
    ['verb not listed', res('delete', 'shoots', { ns: 'x', name: 's' }), false],
    ['other group', res('get', 'shoots', { group: 'other.io', ns: 'x', name: 's' }), false],
    ['resource does not cover a subresource', res('get', 'shoots', { ns: 'x', name: 's', sub: 'status' }), false],
    ['resource/subresource', res('update', 'shoots', { ns: 'x', name: 's', sub: 'status' }), true],
    ['*/subresource', res('patch', 'deployments', { group: 'apps', ns: 'x', name: 'd', sub: 'scale' }), true],
    ['*/subresource needs that subresource', res('patch', 'deployments', { group: 'apps', ns: 'x', name: 'd' }), false],
    ['resourceNames match', res('get', 'internalsecrets', { ns: 'x', name: 'a.ca-client' }), true],
    ['resourceNames other name', res('get', 'internalsecrets', { ns: 'x', name: 'b.ca-client' }), false],
    ['resourceNames: a list has no name', res('list', 'internalsecrets', { ns: 'x' }), false],
    ['resourceNames: a create has no name', res('create', 'internalsecrets', { ns: 'x' }), false],
    ['nonResourceURL exact', path('get', '/healthz'), true],
    ['nonResourceURL exact only', path('get', '/healthz/etcd'), false],
    ['nonResourceURL prefix*', path('get', '/metrics/cadvisor'), true],
    ['nonResourceURL verb', path('post', '/healthz'), false],
    ['resource rules do not grant paths', path('get', '/apis'), false],
  ];
  for (const [what, info, allowed] of table) {
    it(`${what}: ${allowed ? 'allow' : 'no opinion'}`, () => assert.equal(evaluate(policy, u, info).decision, allowed ? 'allow' : 'noOpinion'));
  }
  it('never denies', () => {
    for (const [, info] of table) assert.notEqual(evaluate(policy, user('nobody'), info).decision, 'deny');
  });
});

describe('RBAC subjects and bindings', () => {
  const policy = parsePolicy(`
kind: List
apiVersion: v1
items:
- apiVersion: rbac.authorization.k8s.io/v1
  kind: Role
  metadata: {name: reader, namespace: ns1}
  rules: [{apiGroups: [core.gardener.cloud], resources: [shoots], verbs: [get]}]
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata: {name: lister}
  rules: [{apiGroups: [core.gardener.cloud], resources: [shoots], verbs: [list]}]
- apiVersion: rbac.authorization.k8s.io/v1
  kind: RoleBinding
  metadata: {name: rb, namespace: ns1}
  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
  subjects:
  - {kind: Group, name: readers}
  - {kind: ServiceAccount, name: robot}
  - {kind: ServiceAccount, name: other-robot, namespace: ns2}
- apiVersion: rbac.authorization.k8s.io/v1
  kind: RoleBinding
  metadata: {name: rb-cluster-role, namespace: ns1}
  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: lister}
  subjects: [{kind: User, name: lisa}]
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRoleBinding
  metadata: {name: crb-sa}
  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: lister}
  subjects: [{kind: ServiceAccount, name: lister, namespace: tools}, {kind: ServiceAccount, name: no-namespace}]
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRoleBinding
  metadata: {name: dangling}
  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: missing}
  subjects: [{kind: User, name: dan}]
`);
  const get1 = res('get', 'shoots', { ns: 'ns1', name: 's' });
  const table: Array<[string, UserInfo, RequestInfo, boolean]> = [
    ['group subject', user('x', 'readers'), get1, true],
    ['RoleBinding grants only in its namespace', user('x', 'readers'), res('get', 'shoots', { ns: 'ns2', name: 's' }), false],
    ['SA defaults to the RoleBinding namespace', user('system:serviceaccount:ns1:robot'), get1, true],
    ['SA in another namespace does not match the default', user('system:serviceaccount:ns2:robot'), get1, false],
    ['SA with explicit namespace', user('system:serviceaccount:ns2:other-robot'), get1, true],
    ['RoleBinding to a ClusterRole is namespaced', user('lisa'), res('list', 'shoots', { ns: 'ns1' }), true],
    ['... and not cluster-wide', user('lisa'), res('list', 'shoots'), false],
    ['ClusterRoleBinding SA', user('system:serviceaccount:tools:lister'), res('list', 'shoots'), true],
    ['ClusterRoleBinding SA without namespace matches nobody', user('system:serviceaccount::no-namespace'), res('list', 'shoots'), false],
    ['user name is not a group', user('readers'), get1, false],
  ];
  for (const [what, u, info, allowed] of table) {
    it(`${what}: ${allowed ? 'allow' : 'no opinion'}`, () => assert.equal(evaluate(policy, u, info).decision, allowed ? 'allow' : 'noOpinion'));
  }
  it('reports a missing role like Kubernetes', () => {
    assert.deepEqual(evaluate(policy, user('dan'), get1), { decision: 'noOpinion', reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "missing" not found' });
  });
});

describe('RBAC aggregation and policy parsing', () => {
  const agg = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: top}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {agg: top}}]
rules: [{apiGroups: [x], resources: [ignored], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: middle, labels: {agg: top}}
aggregationRule:
  clusterRoleSelectors: [{matchExpressions: [{key: tier, operator: In, values: [a, b]}]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: leaf-a, labels: {tier: a}}
rules: [{apiGroups: [x], resources: [as], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: leaf-c, labels: {tier: c}}
rules: [{apiGroups: [x], resources: [cs], verbs: [get]}]
`;
  it('collects rules through nested aggregation; the aggregated role\'s own rules are replaced', () => {
    const p = parsePolicy(agg);
    assert.deepEqual(p.clusterRoles.get('middle'), [{ verbs: ['get'], apiGroups: ['x'], resources: ['as'] }]);
    assert.deepEqual(p.clusterRoles.get('top'), [{ verbs: ['get'], apiGroups: ['x'], resources: ['as'] }]);
  });
  const bad: Array<[string, string, RegExp]> = [
    ['unknown kind', 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Pod\nmetadata: {name: p}', /unsupported kind/],
    ['wrong apiVersion', 'apiVersion: v1\nkind: ClusterRole\nmetadata: {name: p}', /apiVersion must be rbac.authorization.k8s.io\/v1/],
    ['rule without verbs', 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: p}\nrules: [{apiGroups: [""], resources: [a], verbs: []}]', /at least one verb/],
    ['namespaced non-resource rule', 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: p, namespace: n}\nrules: [{nonResourceURLs: [/x], verbs: [get]}]', /cannot apply to non-resource URLs/],
    ['ClusterRoleBinding to a Role', 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: p}\nroleRef: {kind: Role, name: r}', /cannot reference "Role"/],
    ['bad subject kind', 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: p}\nroleRef: {kind: ClusterRole, name: r}\nsubjects: [{kind: Robot, name: r}]', /unsupported subject kind/],
    ['invalid YAML', 'kind: [', /document 1/],
  ];
  for (const [what, text, message] of bad) it(`rejects ${what}`, () => assert.throws(() => parsePolicy(text, 'p.yaml'), message));
});

describe('deploy/policy/gardener-roles.yaml', () => {
  const authz = rbacAuthorizer(loadPolicyFile(POLICY_FILE));
  const ask = async (u: UserInfo, info: RequestInfo) => (await authz.authorize({ user: u, info })).decision;
  const alice = user('alice');
  const bob = user('bob');
  const olga = user('olga');
  const eve = user('eve');
  const ns = 'garden-dev';
  const table: Array<[string, UserInfo, RequestInfo, boolean]> = [
    ['member creates shoots', alice, res('create', 'shoots', { ns }), true],
    ['member deletes a shoot', alice, res('delete', 'shoots', { ns, name: 's' }), true],
    ['member creates an adminkubeconfig', alice, res('create', 'shoots', { ns, name: 's', sub: 'adminkubeconfig' }), true],
    ['member creates a viewerkubeconfig', alice, res('create', 'shoots', { ns, name: 's', sub: 'viewerkubeconfig' }), true],
    ['member cannot get InternalSecrets', alice, res('get', 'internalsecrets', { ns, name: 's.ca-client' }), false],
    ['member cannot list InternalSecrets', alice, res('list', 'internalsecrets', { ns }), false],
    ['member cannot create InternalSecrets', alice, res('create', 'internalsecrets', { ns }), false],
    ['member has nothing in another project', alice, res('get', 'shoots', { ns: 'garden-other', name: 's' }), false],
    ['member cannot update shoots/status', alice, res('update', 'shoots', { ns, name: 's', sub: 'status' }), false],
    ['viewer reads shoots', bob, res('list', 'shoots', { ns }), true],
    ['viewer cannot change shoots', bob, res('patch', 'shoots', { ns, name: 's' }), false],
    ['viewer creates a viewerkubeconfig', bob, res('create', 'shoots', { ns, name: 's', sub: 'viewerkubeconfig' }), true],
    ['viewer cannot create an adminkubeconfig', bob, res('create', 'shoots', { ns, name: 's', sub: 'adminkubeconfig' }), false],
    ['viewer cannot read InternalSecrets', bob, res('get', 'internalsecrets', { ns, name: 's.ca-client' }), false],
    ['admin reads InternalSecrets anywhere', olga, res('list', 'internalsecrets', { ns: 'garden-other' }), true],
    ['admin creates adminkubeconfigs anywhere', olga, res('create', 'shoots', { ns: 'x', name: 's', sub: 'adminkubeconfig' }), true],
    ['admin custom verbs', olga, res('manage-members', 'projects', { name: 'dev' }), true],
    ['admin is only core.gardener.cloud', olga, res('get', 'secrets', { group: '', ns, name: 's' }), false],
    ['any authenticated user: discovery', eve, path('get', '/apis'), true],
    ['any authenticated user: group discovery', eve, path('get', '/apis/core.gardener.cloud'), true],
    ['any authenticated user: openapi', eve, path('get', '/openapi/v3/apis/core.gardener.cloud/v1beta1'), true],
    ['any authenticated user: version and health', eve, path('get', '/version'), true],
    ['health', eve, path('get', '/readyz'), true],
    ['no writes to paths', eve, path('post', '/apis'), false],
    ['unauthenticated users get nothing', { name: 'system:anonymous', groups: ['system:unauthenticated'] }, path('get', '/apis'), false],
    ['stranger has no shoots', eve, res('list', 'shoots', { ns }), false],
  ];
  for (const [what, u, info, allowed] of table) {
    it(`${what}: ${allowed ? 'allow' : 'no opinion'}`, async () => assert.equal(await ask(u, info), allowed ? 'allow' : 'noOpinion'));
  }
  it('a real request path resolves the same way (member adminkubeconfig POST)', async () => {
    assert.equal(await ask(alice, resolveRequestInfo('POST', `${CORE}/namespaces/${ns}/shoots/s/adminkubeconfig`)), 'allow');
    assert.equal(await ask(bob, resolveRequestInfo('POST', `${CORE}/namespaces/${ns}/shoots/s/adminkubeconfig`)), 'noOpinion');
  });
});
