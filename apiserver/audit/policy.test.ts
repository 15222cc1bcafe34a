import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UserInfo } from '../../registry/types.js';
import { resolveRequestInfo } from '../requestinfo.js';
import { AuditPolicyError, isSensitiveRequest, loadAuditPolicy, parseAuditPolicy, type AuditAttributes } from './policy.js';

const alice: UserInfo = { name: 'alice', groups: ['devs', 'system:authenticated'] };
const bob: UserInfo = { name: 'bob', groups: ['system:authenticated'] };
const G = '/apis/core.gardener.cloud/v1beta1';

function attrs(method: string, url: string, user: UserInfo | null = alice): AuditAttributes {
  return { user: user ?? undefined, info: resolveRequestInfo(method, url) };
}

const POLICY = `
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: None
    users: [system:kube-proxy]
  - level: None
    nonResourceURLs: [/healthz, /readyz, /livez*]
  - level: Metadata
    nonResourceURLs: ["*"]
  - level: Request
    userGroups: [devs]
    verbs: [create, update]
    resources:
      - group: core.gardener.cloud
        resources: [shoots]
  - level: RequestResponse
    namespaces: [prod]
    resources:
      - group: core.gardener.cloud
        resources: [shoots/status]
        resourceNames: [special]
  - level: Metadata
    namespaces: [prod]
    omitStages: [ResponseStarted]
  - level: Request
    resources:
      - group: core.gardener.cloud
        resources: ["*/status"]
  - level: RequestResponse
    resources:
      - group: core.gardener.cloud
        resources: ["gardens/*"]
  - level: Request
    users: [bob]
    resources:
      - group: core.gardener.cloud
`;

describe('audit policy matching', () => {
  const policy = parseAuditPolicy(POLICY);
  const cases: [string, AuditAttributes, string][] = [
    ['user rule matches by name', attrs('GET', `${G}/namespaces/a/shoots`, { name: 'system:kube-proxy', groups: [] }), 'None'],
    ['exact non-resource URL', attrs('GET', '/healthz'), 'None'],
    ['prefix non-resource URL', attrs('GET', '/livez/ping'), 'None'],
    ['wildcard non-resource URL', attrs('GET', '/openapi/v2'), 'Metadata'],
    ['group + verb + resource', attrs('POST', `${G}/namespaces/a/shoots`), 'Request'],
    ['verb not listed falls through to no rule', attrs('GET', `${G}/namespaces/a/shoots/x`), 'None'],
    ['group not held falls through', attrs('POST', `${G}/namespaces/a/shoots`, bob), 'Request'],
    ['resource/subresource with resourceNames', attrs('PUT', `${G}/namespaces/prod/shoots/special/status`, bob), 'RequestResponse'],
    ['resourceNames mismatch falls to the namespace rule', attrs('PUT', `${G}/namespaces/prod/shoots/other/status`, bob), 'Metadata'],
    ['namespace-only rule', attrs('GET', `${G}/namespaces/prod/gardens`, bob), 'Metadata'],
    ['*/subresource', attrs('PATCH', `${G}/namespaces/a/shoots/x/status`, bob), 'Request'],
    ['*/subresource does not match the main resource', attrs('GET', `${G}/namespaces/a/shoots/x`, { name: 'carol', groups: [] }), 'None'],
    ['resource/* matches the resource', attrs('GET', `${G}/gardens/g1`, { name: 'carol', groups: [] }), 'RequestResponse'],
    ['resource/* matches subresources', attrs('PUT', `${G}/gardens/g1/status`, { name: 'carol', groups: [] }), 'Request'],
    ['group with no resources matches all of the group', attrs('DELETE', `${G}/namespaces/a/shoots/x`, bob), 'Request'],
    ['no rule: None', attrs('GET', `${G}/namespaces/a/shoots/x`, { name: 'carol', groups: [] }), 'None'],
    ['unauthenticated: user rules do not match', attrs('POST', `${G}/namespaces/a/shoots`, null), 'None'],
    ['unauthenticated: catch-all non-resource rule matches', attrs('GET', '/version', null), 'Metadata'],
  ];
  for (const [name, a, level] of cases) {
    it(name, () => assert.equal(policy.levelFor(a), level));
  }

  it('unites the policy\'s and the rule\'s omitStages', () => {
    const c = policy.evaluate(attrs('GET', `${G}/namespaces/prod/gardens`, bob));
    assert.deepEqual([...c.omitStages].sort(), ['RequestReceived', 'ResponseStarted']);
    const none = policy.evaluate(attrs('GET', `${G}/namespaces/a/shoots/x`, { name: 'carol', groups: [] }));
    assert.deepEqual([...none.omitStages], ['RequestReceived']);
  });

  it('takes omitManagedFields from the rule, else the policy', () => {
    const p = parseAuditPolicy(`{"apiVersion":"audit.k8s.io/v1","kind":"Policy","omitManagedFields":true,"rules":[{"level":"Metadata","verbs":["get"],"omitManagedFields":false},{"level":"Metadata"}]}`);
    assert.equal(p.evaluate(attrs('GET', `${G}/namespaces/a/shoots/x`)).omitManagedFields, false);
    assert.equal(p.evaluate(attrs('GET', `${G}/namespaces/a/shoots`)).omitManagedFields, true);
  });
});

describe('audit policy cap on secret material', () => {
  const everything = parseAuditPolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: RequestResponse\n');
  const capped: [string, string][] = [
    ['POST', `${G}/namespaces/a/internalsecrets`],
    ['GET', `${G}/namespaces/a/internalsecrets/s`],
    ['PUT', `${G}/namespaces/a/internalsecrets/s`],
    ['GET', `${G}/internalsecrets`],
    ['GET', `${G}/namespaces/a/internalsecrets?watch=1`],
    ['DELETE', `${G}/namespaces/a/internalsecrets`],
    ['POST', `${G}/namespaces/a/shoots/s/adminkubeconfig`],
    ['POST', `${G}/namespaces/a/shoots/s/viewerkubeconfig`],
    ['POST', '/apis/other.group/v1/namespaces/a/InternalSecrets'],
  ];
  for (const [method, url] of capped) {
    it(`records ${method} ${url} at Metadata only`, () => {
      const c = everything.evaluate(attrs(method, url));
      assert.equal(c.level, 'Metadata');
      assert.equal(c.sensitive, true);
    });
  }

  it('keeps lower levels and leaves other resources alone', () => {
    const none = parseAuditPolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n');
    assert.equal(none.levelFor(attrs('GET', `${G}/namespaces/a/internalsecrets/s`)), 'None');
    assert.equal(everything.levelFor(attrs('GET', `${G}/namespaces/a/shoots/s`)), 'RequestResponse');
    assert.equal(everything.levelFor(attrs('PATCH', `${G}/namespaces/a/shoots/s/status`)), 'RequestResponse');
    assert.equal(isSensitiveRequest(resolveRequestInfo('GET', '/internalsecrets')), false, 'non-resource paths are not capped');
  });
});

describe('audit policy validation', () => {
  const bad: [string, string, RegExp][] = [
    ['unknown top-level field', '{"apiVersion":"audit.k8s.io/v1","kind":"Policy","rulez":[]}', /rulez: unknown field/],
    ['unknown rule field', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  user: [a]\n', /rules\[0\]\.user: unknown field/],
    ['unknown group-resource field', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  resources: [{group: "", resource: [pods]}]\n', /rules\[0\]\.resources\[0\]\.resource: unknown field/],
    ['wrong apiVersion', 'apiVersion: audit.k8s.io/v1beta1\nkind: Policy\n', /apiVersion: Unsupported value/],
    ['wrong kind', 'apiVersion: audit.k8s.io/v1\nkind: Polic\n', /kind: Unsupported value/],
    ['missing level', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- verbs: [get]\n', /rules\[0\]\.level: Required value/],
    ['bad level', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Everything\n', /rules\[0\]\.level: Unsupported value: "Everything"/],
    ['bad stage', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [Received]\n', /omitStages\[0\]: Invalid value: "Received"/],
    ['URL without slash', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  nonResourceURLs: [healthz]\n', /must begin with a '\/' character/],
    ['inner wildcard', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  nonResourceURLs: ["/api/*/x"]\n', /must be the final character/],
    ['URLs and resources', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  nonResourceURLs: [/x]\n  namespaces: [a]\n', /cannot apply to both/],
    ['resourceNames without resources', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  resources: [{group: "", resourceNames: [a]}]\n', /requires at least one resource/],
    ['group/version as group', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  resources: [{group: rbac.authorization.k8s.io/v1}]\n', /group: Invalid value/],
    ['users not a list', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  users: alice\n', /users: must be a list of strings/],
    ['not YAML', 'a: [', /cannot parse/],
    ['not an object', '[]', /must be an audit.k8s.io\/v1 Policy object/],
  ];
  for (const [name, text, message] of bad) {
    it(`rejects: ${name}`, () => {
      assert.throws(() => parseAuditPolicy(text), (e: unknown) => e instanceof AuditPolicyError && message.test(e.message));
    });
  }

  it('lists every problem at once', () => {
    assert.throws(
      () => parseAuditPolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: X\n- level: None\n  foo: 1\n'),
      /rules\[0\]\.level: Unsupported value.*; rules\[1\]\.foo: unknown field/,
    );
  });

  it('accepts metadata and an empty policy; loads files', () => {
    assert.equal(parseAuditPolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nmetadata: {name: x}\n').rules.length, 0);
    const dir = mkdtempSync(join(tmpdir(), 'audit-policy-'));
    try {
      writeFileSync(join(dir, 'p.yaml'), POLICY);
      assert.equal(loadAuditPolicy(join(dir, 'p.yaml')).rules.length, 9);
      assert.throws(() => loadAuditPolicy(join(dir, 'missing.yaml')), /cannot read audit policy file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
