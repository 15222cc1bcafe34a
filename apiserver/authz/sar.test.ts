import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGardenStandIn, type GardenStandIn, type SARSpec } from '../../test/support/garden-standin.js';
import type { UserInfo } from '../../registry/types.js';
import { loadGardenKubeConfig } from '../authn/kubeclient.js';
import { resolveRequestInfo } from '../requestinfo.js';
import { AccessCheckError, checkAccess, type AccessQuestion } from './access.js';
import { decisionOf, subjectAccessReviewAuthorizer } from './sar.js';
import type { Authorizer } from './types.js';

/** kube-apiserver's retry counts with short delays. */
const FAST_RETRY = { steps: 5, initialMs: 5, factor: 1.5, jitter: 0.2 };

const alice: UserInfo = { name: 'alice', uid: 'u-1', groups: ['devs', 'system:authenticated'], extra: { 'authentication.kubernetes.io/credential-id': ['X509SHA256=ab'] } };
const ADMIN_QUESTION: AccessQuestion = { verb: 'list', group: 'v1', resource: 'Secret' };
const VIEWER_QUESTION: AccessQuestion = { verb: 'list', group: 'core.gardener.cloud/v1beta1', resource: 'Project' };

describe('delegated SubjectAccessReview', () => {
  let garden: GardenStandIn;
  let dir: string;
  let kubeconfig: string;

  before(async () => {
    garden = await startGardenStandIn();
    dir = mkdtempSync(join(tmpdir(), 'sar-'));
    kubeconfig = garden.writeKubeconfig(join(dir, 'garden.kubeconfig'), 'token');
  });
  after(async () => {
    await garden.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    garden.requests.length = 0;
    garden.fault = undefined;
    garden.authorize = (spec: SARSpec) => {
      const r = spec.resourceAttributes ?? {};
      if (spec.user === 'alice' && r.resource === 'shoots') return { allowed: true, reason: 'RBAC: allowed by RoleBinding' };
      if (spec.user === 'alice' && r.resource === 'internalsecrets') return { allowed: false, denied: true, reason: 'internal secrets are off limits' };
      if (spec.nonResourceAttributes?.path === '/apis') return { allowed: true };
      return { allowed: false, reason: 'no RBAC policy matched' };
    };
  });

  const newAuthz = (allowTTLms = 10_000, denyTTLms = 10_000, timeoutMs = 10_000): Authorizer => {
    const kc = loadGardenKubeConfig(kubeconfig);
    assert.ok(kc);
    return subjectAccessReviewAuthorizer({ kubeConfig: kc, allowTTLms, denyTTLms, timeoutMs, retry: FAST_RETRY });
  };
  const sarBodies = () => garden.requests.filter((r) => r.path === '/apis/authorization.k8s.io/v1/subjectaccessreviews').map((r) => r.body);

  it('sends the resource attributes and the user exactly, and maps allowed', async () => {
    const info = resolveRequestInfo('GET', '/apis/core.gardener.cloud/v1beta1/namespaces/garden-dev/shoots/s1/status');
    assert.deepEqual(await newAuthz().authorize({ user: alice, info }), { decision: 'allow', reason: 'RBAC: allowed by RoleBinding' });
    assert.deepEqual(sarBodies(), [
      {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user: 'alice',
          uid: 'u-1',
          groups: ['devs', 'system:authenticated'],
          extra: { 'authentication.kubernetes.io/credential-id': ['X509SHA256=ab'] },
          resourceAttributes: { namespace: 'garden-dev', verb: 'get', group: 'core.gardener.cloud', version: 'v1beta1', resource: 'shoots', subresource: 'status', name: 's1' },
        },
      },
    ]);
  });

  it('sends non-resource attributes for paths', async () => {
    assert.equal((await newAuthz().authorize({ user: alice, info: resolveRequestInfo('GET', '/apis') })).decision, 'allow');
    assert.deepEqual((sarBodies()[0] as { spec: unknown }).spec, {
      user: 'alice',
      uid: 'u-1',
      groups: ['devs', 'system:authenticated'],
      extra: { 'authentication.kubernetes.io/credential-id': ['X509SHA256=ab'] },
      nonResourceAttributes: { path: '/apis', verb: 'get' },
    });
  });

  it('maps denied to deny and neither to no opinion, with the reasons', async () => {
    const authz = newAuthz();
    const secret = resolveRequestInfo('GET', '/apis/core.gardener.cloud/v1beta1/namespaces/garden-dev/internalsecrets/s1.ca-client');
    assert.deepEqual(await authz.authorize({ user: alice, info: secret }), { decision: 'deny', reason: 'internal secrets are off limits' });
    const other = resolveRequestInfo('GET', '/apis/core.gardener.cloud/v1beta1/gardens');
    assert.deepEqual(await authz.authorize({ user: alice, info: other }), { decision: 'noOpinion', reason: 'no RBAC policy matched' });
  });

  it('takes a review that both allows and denies as a denial, as kube-apiserver does', () => {
    assert.deepEqual(decisionOf({ allowed: true, denied: true, reason: 'r' }), { decision: 'deny', reason: 'r' });
  });

  it('caches allowed and denied answers per exact review (one call each within the TTL)', async () => {
    const authz = newAuthz();
    const shoot = resolveRequestInfo('GET', '/apis/core.gardener.cloud/v1beta1/namespaces/garden-dev/shoots/s1');
    const secret = resolveRequestInfo('GET', '/apis/core.gardener.cloud/v1beta1/namespaces/garden-dev/internalsecrets/x');
    for (let i = 0; i < 5; i++) {
      assert.equal((await authz.authorize({ user: alice, info: shoot })).decision, 'allow');
      assert.equal((await authz.authorize({ user: alice, info: secret })).decision, 'deny');
    }
    assert.equal(garden.count('subjectaccessreviews'), 2);
    await authz.authorize({ user: { ...alice, groups: ['other'] }, info: shoot });
    assert.equal(garden.count('subjectaccessreviews'), 3, 'another user is another review');
  });

  it('uses separate TTLs for allowed and unauthorized answers', async () => {
    const authz = newAuthz(10_000, 100);
    const shoot = resolveRequestInfo('GET', '/apis/core.gardener.cloud/v1beta1/namespaces/garden-dev/shoots/s1');
    const secret = resolveRequestInfo('GET', '/apis/core.gardener.cloud/v1beta1/namespaces/garden-dev/internalsecrets/x');
    await authz.authorize({ user: alice, info: shoot });
    await authz.authorize({ user: alice, info: secret });
    await new Promise((r) => setTimeout(r, 150));
    await authz.authorize({ user: alice, info: shoot });
    await authz.authorize({ user: alice, info: secret });
    assert.equal(garden.count('subjectaccessreviews'), 3, 'only the denied answer expired');
  });

  it('gives no opinion with an error when the garden cluster fails or is slow, and does not cache that', async () => {
    const authz = newAuthz(10_000, 10_000, 300);
    const shoot = resolveRequestInfo('GET', '/apis/core.gardener.cloud/v1beta1/namespaces/garden-dev/shoots/s1');
    garden.fault = () => ({ status: 500, message: 'etcd down' });
    const failed = await authz.authorize({ user: alice, info: shoot });
    assert.equal(failed.decision, 'noOpinion');
    assert.match(failed.error ?? '', /SubjectAccessReview failed: the server responded with HTTP 500: etcd down/);
    garden.fault = () => ({ delayMs: 600 });
    assert.match((await authz.authorize({ user: alice, info: shoot })).error ?? '', /SubjectAccessReview failed/);
    garden.fault = undefined;
    assert.equal((await authz.authorize({ user: alice, info: shoot })).decision, 'allow');
  });

  it('tries a throttled, failing or unavailable garden cluster again, up to five times, as kube-apiserver does', async () => {
    const authz = newAuthz(0, 0);
    const shoot = resolveRequestInfo('GET', '/apis/core.gardener.cloud/v1beta1/namespaces/garden-dev/shoots/s1');
    for (const status of [429, 500, 503, 504]) {
      let calls = 0;
      garden.fault = (req) => (req.path.endsWith('/subjectaccessreviews') && ++calls <= 2 ? { status } : undefined);
      assert.equal((await authz.authorize({ user: alice, info: shoot })).decision, 'allow', String(status));
      assert.equal(calls, 3, `${status}: two failures, then the answer`);
    }
    let calls = 0;
    garden.fault = (req) => (req.path.endsWith('/subjectaccessreviews') && ++calls > 0 ? { status: 429 } : undefined);
    assert.equal((await authz.authorize({ user: alice, info: shoot })).decision, 'noOpinion');
    assert.equal(calls, 5, 'five attempts in all');
    // A refusal that another attempt cannot change is not repeated.
    calls = 0;
    garden.fault = (req) => (req.path.endsWith('/subjectaccessreviews') && ++calls > 0 ? { status: 403 } : undefined);
    assert.equal((await authz.authorize({ user: alice, info: shoot })).decision, 'noOpinion');
    assert.equal(calls, 1);
  });

  it('answers the kubeconfig group questions with the literal attribute strings', async () => {
    garden.authorize = (spec) => ({ allowed: spec.user === 'root' && spec.resourceAttributes?.resource === 'Secret' });
    const authz = newAuthz();
    assert.equal(await checkAccess(authz, { name: 'root', groups: [] }, ADMIN_QUESTION), true);
    assert.equal(await checkAccess(authz, alice, ADMIN_QUESTION), false);
    assert.equal(await checkAccess(authz, alice, VIEWER_QUESTION), false);
    const specs = sarBodies().map((b) => (b as { spec: SARSpec }).spec.resourceAttributes);
    assert.deepEqual(specs, [
      { verb: 'list', group: 'v1', resource: 'Secret' },
      { verb: 'list', group: 'v1', resource: 'Secret' },
      { verb: 'list', group: 'core.gardener.cloud/v1beta1', resource: 'Project' },
    ]);
    garden.fault = () => ({ status: 500 });
    await assert.rejects(checkAccess(newAuthz(), alice, ADMIN_QUESTION), AccessCheckError);
  });
});
