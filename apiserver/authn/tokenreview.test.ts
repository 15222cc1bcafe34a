import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGardenStandIn, type GardenStandIn } from '../../test/support/garden-standin.js';
import { bearerTokenAuthenticator } from './bearer.js';
import { loadGardenKubeConfig } from './kubeclient.js';
import { tokenReviewAuthenticator } from './tokenreview.js';
import { startAuthHarness, userOf } from '../../test/support/authn/harness.js';
import { authenticatorChain } from './types.js';

describe('TokenReview authentication against the garden cluster', () => {
  let garden: GardenStandIn;
  let dir: string;
  let kubeconfig: string;

  before(async () => {
    garden = await startGardenStandIn();
    dir = mkdtempSync(join(tmpdir(), 'tokenreview-'));
    kubeconfig = garden.writeKubeconfig(join(dir, 'garden.kubeconfig'));
    garden.tokens.set('alice-token', { username: 'alice', uid: 'a-1', groups: ['devs'], extra: { 'acme.com/team': ['x'] } });
  });
  after(async () => {
    await garden.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    garden.requests.length = 0;
    garden.fault = undefined;
  });

  const newAuth = (cacheTTLms = 10_000, timeoutMs = 10_000) => {
    const kc = loadGardenKubeConfig(kubeconfig);
    assert.ok(kc);
    return tokenReviewAuthenticator({ kubeConfig: kc, cacheTTLms, timeoutMs, retry: { steps: 5, initialMs: 5, factor: 1.5, jitter: 0.2 } });
  };

  it('sends the TokenReview wire format and maps status.user', async () => {
    const user = await newAuth().authenticateToken('alice-token');
    assert.deepEqual(user, { name: 'alice', uid: 'a-1', groups: ['devs'], extra: { 'acme.com/team': ['x'] } });
    const seen = garden.requests.filter((r) => r.path === '/apis/authentication.k8s.io/v1/tokenreviews');
    assert.equal(seen.length, 1);
    assert.deepEqual(seen[0]?.body, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: 'alice-token' } });
    assert.match(seen[0]?.caller ?? '', /^cert:garden-apiserver$/);
  });

  it('caches accepted and rejected tokens for the TTL (one review each)', async () => {
    const auth = newAuth();
    for (let i = 0; i < 5; i++) assert.equal((await auth.authenticateToken('alice-token'))?.name, 'alice');
    for (let i = 0; i < 5; i++) await assert.rejects(auth.authenticateToken('bad-token'), /invalid bearer token/);
    assert.equal(garden.count('tokenreviews'), 2);
  });

  it('asks again after the TTL', async () => {
    const auth = newAuth(150);
    await auth.authenticateToken('alice-token');
    await auth.authenticateToken('alice-token');
    assert.equal(garden.count('tokenreviews'), 1);
    await new Promise((r) => setTimeout(r, 200));
    await auth.authenticateToken('alice-token');
    assert.equal(garden.count('tokenreviews'), 2);
  });

  it('shares one review between concurrent requests with the same token', async () => {
    const auth = newAuth();
    await Promise.all(Array.from({ length: 10 }, () => auth.authenticateToken('alice-token')));
    assert.equal(garden.count('tokenreviews'), 1);
  });

  it('fails (401) and does not cache when the garden cluster errors or times out', async () => {
    const auth = newAuth(10_000, 300);
    garden.fault = () => ({ status: 500 });
    await assert.rejects(auth.authenticateToken('alice-token'), /TokenReview failed: the server responded with HTTP 500/);
    garden.fault = () => ({ delayMs: 600 });
    await assert.rejects(auth.authenticateToken('alice-token'), /TokenReview failed/);
    garden.fault = undefined;
    assert.equal((await auth.authenticateToken('alice-token'))?.name, 'alice');
  });

  it('tries a throttled garden cluster again, as kube-apiserver does', async () => {
    const auth = newAuth(0);
    let calls = 0;
    garden.fault = (req) => (req.path.endsWith('/tokenreviews') && ++calls <= 3 ? { status: 429 } : undefined);
    assert.equal((await auth.authenticateToken('alice-token'))?.name, 'alice');
    assert.equal(calls, 4);
  });

  it('authenticates an HTTPS request end to end (Authorization header, system:authenticated added)', async () => {
    const harness = await startAuthHarness(authenticatorChain([bearerTokenAuthenticator(newAuth())]));
    try {
      const ok = await harness.send({ headers: { Authorization: 'Bearer alice-token' } });
      assert.deepEqual(userOf(ok)?.groups, ['devs', 'system:authenticated']);
      assert.ok('headers' in ok.body && ok.body.headers.authorization === undefined, 'token removed after authentication');
      const bad = await harness.send({ headers: { Authorization: 'Bearer nope' } });
      assert.equal(bad.status, 401);
      assert.equal(userOf(await harness.send({})), null);
    } finally {
      await harness.close();
    }
  });
});
