import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isStatusError } from '../../apimachinery/errors.js';
import { startGardenStandIn, type GardenStandIn } from '../../test/support/garden-standin.js';
import type { UserInfo } from '../../registry/types.js';
import { resolveRequestInfo, type RequestInfo } from '../requestinfo.js';
import { buildAuthorization, type AuthorizationStack } from './delegating.js';
import { tableLookups } from '../../test/support/graph-lookups.js';
import { forbiddenError } from './message.js';
import type { ShootSeedRef } from './seed.js';
import { authorizerUnion, type AuthorizationResult, type Authorizer } from './types.js';

const POLICY_FILE = fileURLToPath(new URL('../../deploy/policy/gardener-roles.yaml', import.meta.url));
const CORE = '/apis/core.gardener.cloud/v1beta1';
const u = (name: string, ...groups: string[]): UserInfo => ({ name, groups: [...groups, 'system:authenticated'] });
const gardenletA = u('gardener.cloud:system:seed:seed-a', 'gardener.cloud:system:seeds');
const shoots = new Map<string, ShootSeedRef>([['garden-dev/s1', { spec: { seedName: 'seed-a' } }], ['garden-dev/s2', { spec: { seedName: 'seed-b' } }]]);
const graph = tableLookups(shoots, { dev: 'garden-dev' });

async function decide(stack: AuthorizationStack, user: UserInfo, method: string, url: string): Promise<AuthorizationResult> {
  return stack.authorizer.authorize({ user, info: resolveRequestInfo(method, url) });
}

describe('authorizer union', () => {
  const fixed = (r: AuthorizationResult): Authorizer => ({ authorize: async () => r });
  const attrs = { user: u('x'), info: resolveRequestInfo('GET', '/x') };
  it('stops at the first allow or deny', async () => {
    assert.equal((await authorizerUnion([fixed({ decision: 'noOpinion' }), fixed({ decision: 'deny', reason: 'no' }), fixed({ decision: 'allow' })]).authorize(attrs)).decision, 'deny');
  });
  it('joins no-opinion reasons with newlines and keeps the first error', async () => {
    const r = await authorizerUnion([fixed({ decision: 'noOpinion', reason: 'a' }), fixed({ decision: 'noOpinion', error: 'e1' }), fixed({ decision: 'noOpinion', reason: 'b', error: 'e2' })]).authorize(attrs);
    assert.deepEqual(r, { decision: 'noOpinion', reason: 'a\nb', error: 'e1' });
  });
});

describe('403 messages', () => {
  const msg = (user: UserInfo, info: RequestInfo, reason?: string) => {
    const e = forbiddenError(user, info, reason);
    assert.ok(isStatusError(e));
    return e.status;
  };
  it('reads like Kubernetes for namespaced, cluster-scoped, collection and path requests', () => {
    const s = msg(u('bob'), resolveRequestInfo('POST', `${CORE}/namespaces/garden-dev/shoots/s1/adminkubeconfig`));
    assert.equal(s.message, 'shoots.core.gardener.cloud "s1" is forbidden: User "bob" cannot create resource "shoots/adminkubeconfig" in API group "core.gardener.cloud" in the namespace "garden-dev"');
    assert.deepEqual(s.details, { name: 's1', group: 'core.gardener.cloud', kind: 'shoots' });
    assert.equal(s.code, 403);
    assert.equal(s.reason, 'Forbidden');
    assert.equal(
      msg(u('bob'), resolveRequestInfo('GET', `${CORE}/namespaces/garden-dev/internalsecrets`), 'must specify field or label selector for name seed-a').message,
      'internalsecrets.core.gardener.cloud is forbidden: User "bob" cannot list resource "internalsecrets" in API group "core.gardener.cloud" in the namespace "garden-dev": must specify field or label selector for name seed-a',
    );
    assert.equal(msg(u('bob'), resolveRequestInfo('GET', `${CORE}/gardens`)).message, 'gardens.core.gardener.cloud is forbidden: User "bob" cannot list resource "gardens" in API group "core.gardener.cloud" at the cluster scope');
    assert.equal(msg({ name: 'system:anonymous', groups: [] }, resolveRequestInfo('GET', '/openapi/v2')).message, 'forbidden: User "system:anonymous" cannot get path "/openapi/v2"');
    assert.equal(msg(u('<b>'), resolveRequestInfo('GET', '/x')).message, 'forbidden: User "&lt;b&gt;" cannot get path "/x"');
  });
});

describe('buildAuthorization', () => {
  describe('standalone (policy file, no garden cluster)', () => {
    const stack = buildAuthorization({ alwaysAllowPaths: ['/healthz', '/readyz', '/livez'], policyFile: POLICY_FILE, graph, env: {} });
    after(() => stack.stop());

    const table: Array<[string, UserInfo, string, string, 'allow' | 'noOpinion']> = [
      ['health for anyone', { name: 'system:anonymous', groups: ['system:unauthenticated'] }, 'GET', '/healthz', 'allow'],
      ['system:masters everything', u('admin', 'system:masters'), 'DELETE', `${CORE}/namespaces/x/internalsecrets/y`, 'allow'],
      ['member: adminkubeconfig', u('alice'), 'POST', `${CORE}/namespaces/garden-dev/shoots/s1/adminkubeconfig`, 'allow'],
      ['member: no InternalSecrets', u('alice'), 'GET', `${CORE}/namespaces/garden-dev/internalsecrets/s1.ca-client`, 'noOpinion'],
      ['viewer: viewerkubeconfig only', u('bob'), 'POST', `${CORE}/namespaces/garden-dev/shoots/s1/viewerkubeconfig`, 'allow'],
      ['viewer: no adminkubeconfig', u('bob'), 'POST', `${CORE}/namespaces/garden-dev/shoots/s1/adminkubeconfig`, 'noOpinion'],
      ['gardenlet A: own ca-client', gardenletA, 'GET', `${CORE}/namespaces/garden-dev/internalsecrets/s1.ca-client`, 'allow'],
      ['gardenlet A: not seed B\'s', gardenletA, 'GET', `${CORE}/namespaces/garden-dev/internalsecrets/s2.ca-client`, 'noOpinion'],
      ['gardenlet A: no unnamed list', gardenletA, 'GET', `${CORE}/namespaces/garden-dev/internalsecrets`, 'noOpinion'],
      ['gardenlet A: create (SeedRestriction decides)', gardenletA, 'POST', `${CORE}/namespaces/garden-dev/internalsecrets`, 'allow'],
    ];
    for (const [what, user, method, url, decision] of table) {
      it(`${what}: ${decision}`, async () => assert.equal((await decide(stack, user, method, url)).decision, decision));
    }
    it('carries the seed authorizer reason into the 403', async () => {
      const r = await decide(stack, gardenletA, 'GET', `${CORE}/namespaces/garden-dev/internalsecrets`);
      assert.equal(r.reason, 'must specify field or label selector for name seed-a');
    });
    it('answers the kubeconfig group questions from the policy', async () => {
      assert.equal(await stack.checkAccess(u('admin', 'system:masters'), { verb: 'list', group: 'v1', resource: 'Secret' }), true);
      assert.equal(await stack.checkAccess(u('olga'), { verb: 'list', group: 'v1', resource: 'Secret' }), false);
      assert.equal(await stack.checkAccess(u('alice'), { verb: 'list', group: 'core.gardener.cloud/v1beta1', resource: 'Project' }), false);
      assert.equal(stack.delegated, false);
    });
  });

  describe('aggregated (SubjectAccessReview to the garden cluster)', () => {
    let garden: GardenStandIn;
    let dir: string;
    let stack: AuthorizationStack;
    before(async () => {
      garden = await startGardenStandIn();
      dir = mkdtempSync(join(tmpdir(), 'authz-'));
      const kubeconfig = garden.writeKubeconfig(join(dir, 'garden.kubeconfig'));
      garden.authorize = (spec) => ({ allowed: spec.user === 'alice' || (spec.user === 'root' && spec.resourceAttributes?.resource === 'Secret') });
      stack = buildAuthorization({ alwaysAllowPaths: ['/healthz'], authorizationKubeconfig: kubeconfig, graph });
    });
    after(async () => {
      stack.stop();
      await garden.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('asks the garden cluster only when the local authorizers have no opinion', async () => {
      garden.requests.length = 0;
      assert.equal((await decide(stack, u('admin', 'system:masters'), 'GET', `${CORE}/gardens`)).decision, 'allow');
      assert.equal((await decide(stack, gardenletA, 'GET', `${CORE}/namespaces/garden-dev/internalsecrets/s1.ca-client`)).decision, 'allow');
      assert.equal((await decide(stack, { name: 'system:anonymous', groups: [] }, 'GET', '/healthz')).decision, 'allow');
      assert.equal(garden.count('subjectaccessreviews'), 0);
      assert.equal((await decide(stack, u('alice'), 'GET', `${CORE}/gardens`)).decision, 'allow');
      assert.equal((await decide(stack, gardenletA, 'GET', `${CORE}/namespaces/garden-dev/internalsecrets/s2.ca-client`)).decision, 'noOpinion');
      assert.equal(garden.count('subjectaccessreviews'), 2);
      assert.equal(stack.delegated, true);
    });

    it('answers the kubeconfig group questions with a SubjectAccessReview', async () => {
      assert.equal(await stack.checkAccess(u('root'), { verb: 'list', group: 'v1', resource: 'Secret' }), true);
      assert.equal(await stack.checkAccess(u('bob'), { verb: 'list', group: 'v1', resource: 'Secret' }), false);
      assert.equal(await stack.checkAccessNow(u('root'), { verb: 'list', group: 'v1', resource: 'Secret' }), true);
    });

    it('sends a review for every kubeconfig group question, so a revoked right counts at once', async () => {
      const question = { verb: 'list', group: 'v1', resource: 'Secret' };
      let rootMaySee = true;
      garden.authorize = (spec) => ({ allowed: spec.user === 'carol' && rootMaySee });
      try {
        const carol = u('carol');
        assert.equal(await stack.checkAccess(carol, question), true, 'cached for admission');
        assert.equal(await stack.checkAccessNow(carol, question), true);
        garden.requests.length = 0;
        rootMaySee = false;
        assert.equal(await stack.checkAccessNow(carol, question), false, 'the revocation counts at once');
        assert.equal(await stack.checkAccessNow(carol, question), false);
        assert.equal(garden.count('subjectaccessreviews'), 2, 'one review per question');
        assert.equal(await stack.checkAccess(carol, question), true, 'admission keeps the cached answer for its TTL, as kube-apiserver does');
      } finally {
        garden.authorize = (spec) => ({ allowed: spec.user === 'alice' || (spec.user === 'root' && spec.resourceAttributes?.resource === 'Secret') });
      }
    });
  });
});
