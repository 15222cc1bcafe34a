/**
 * NamespaceLifecycle against the garden cluster's namespaces. The garden kube-apiserver cannot run
 * here: a small HTTPS stand-in serves core/v1 Namespaces in the real list/watch wire format.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startGardenStandIn, type GardenStandIn } from '../support/garden-standin.js';
import { makeShoot } from '../support/shoot/fixtures.js';
import { startInProcess, tempDir, type InProcessServer } from '../support/server.js';

const path = (ns: string) => `/apis/core.gardener.cloud/v1beta1/namespaces/${ns}/internalsecrets`;

/** Waits until `/readyz` passes (the informers list right after start-up). */
async function untilReady(server: InProcessServer): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await server.request('get', '/readyz')).status !== 200) {
    if (Date.now() > deadline) throw new Error('/readyz never passed');
    await new Promise((res) => setTimeout(res, 100));
  }
}

describe('NamespaceLifecycle with the garden cluster', function () {
  this.timeout(60_000);
  let garden: GardenStandIn;
  let s: InProcessServer;
  let dir: string;

  before(async () => {
    garden = await startGardenStandIn();
    garden.setObject('namespaces', { metadata: { name: 'garden-dev' }, status: { phase: 'Active' } });
    garden.setObject('namespaces', { metadata: { name: 'garden-old', deletionTimestamp: '2026-01-01T00:00:00Z' }, status: { phase: 'Terminating' } });
    dir = tempDir();
    s = await startInProcess([`--kubeconfig=${garden.writeKubeconfig(join(dir, 'garden.kubeconfig'))}`]);
  });
  after(async () => {
    await s?.stop();
    await garden?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is not ready until the garden cluster informers have listed (informer-sync)', async () => {
    await untilReady(s);
    const ready = await s.request('get', '/readyz?verbose').expect(200);
    assert.match(ready.text, /^\[\+\]informer-sync ok$/m);
    assert.doesNotMatch(ready.text, /client-ca-cache-sync/, 'InternalSecrets that cannot be read must not make replicas unready');
    // A garden cluster that refuses to list Namespaces: the server listens but is not ready.
    garden.fault = (req) => (req.path.startsWith('/api/v1/namespaces') && req.method === 'GET' ? { status: 500, message: 'down' } : undefined);
    const other = await startInProcess([`--kubeconfig=${garden.writeKubeconfig(join(dir, 'garden2.kubeconfig'))}`]);
    try {
      const verbose = await other.request('get', '/readyz?verbose').expect(500);
      assert.match(verbose.text, /^\[-\]informer-sync failed: reason withheld$/m);
      garden.fault = undefined;
      await untilReady(other);
    } finally {
      garden.fault = undefined;
      await other.stop();
    }
  });

  it('creates in existing namespaces only, and never in terminating ones', async () => {
    await s.request('post', path('garden-dev')).send({ metadata: { name: 'a' } }).expect(201);
    const missing = await s.request('post', path('garden-missing')).send({ metadata: { name: 'a' } }).expect(404);
    assert.equal(missing.body.message, 'namespaces "garden-missing" not found');
    const terminating = await s.request('post', path('garden-old')).send({ metadata: { name: 'a' } }).expect(403);
    assert.equal(terminating.body.message, 'internalsecrets.core.gardener.cloud "a" is forbidden: unable to create new content in namespace garden-old because it is being terminated');
  });

  it('issues no kubeconfig for a Shoot of a namespace being terminated', async () => {
    garden.setObject('namespaces', { metadata: { name: 'garden-term' }, status: { phase: 'Active' } });
    await s.request('post', '/apis/core.gardener.cloud/v1beta1/projects').send({ metadata: { name: 'term' }, spec: { namespace: 'garden-term' } }).expect(201);
    await s.request('post', '/apis/core.gardener.cloud/v1beta1/namespaces/garden-term/shoots').send(makeShoot({}, undefined, { name: 's', namespace: 'garden-term' })).expect(201);
    garden.setObject('namespaces', { metadata: { name: 'garden-term', deletionTimestamp: '2026-01-01T00:00:00Z' }, status: { phase: 'Terminating' } });
    const deadline = Date.now() + 10_000;
    while ((await s.request('post', path('garden-term')).send({ metadata: { name: 'probe' } })).status !== 403) {
      if (Date.now() > deadline) throw new Error('the namespace was never seen terminating');
      await new Promise((res) => setTimeout(res, 100));
    }
    const r = await s.request('post', '/apis/core.gardener.cloud/v1beta1/namespaces/garden-term/shoots/s/adminkubeconfig').send({ spec: { expirationSeconds: 600 } }).expect(403);
    assert.equal(r.body.message, 'shoots.core.gardener.cloud "s" is forbidden: unable to create new content in namespace garden-term because it is being terminated');
    assert.deepEqual(r.body.details.causes, [{ reason: 'NamespaceTerminating', message: 'namespace garden-term is being terminated', field: 'metadata.namespace' }]);
  });

  it('reads a namespace its informer has not seen yet from the garden cluster before refusing, as kube-apiserver does', async () => {
    garden.setObject('namespaces', { metadata: { name: 'garden-lagging' }, status: { phase: 'Active' } }, { unwatched: true });
    const before = garden.count('/api/v1/namespaces/garden-lagging', 'GET');
    await s.request('post', path('garden-lagging')).send({ metadata: { name: 'c' } }).expect(201);
    assert.equal(garden.count('/api/v1/namespaces/garden-lagging', 'GET'), before + 1, 'one live read');
    const missing = await s.request('post', path('garden-nowhere')).send({ metadata: { name: 'c' } }).expect(404);
    assert.equal(missing.body.message, 'namespaces "garden-nowhere" not found');
    garden.fault = (req) => (req.path === '/api/v1/namespaces/garden-unreadable' ? { status: 503, message: 'overloaded' } : undefined);
    try {
      const failed = await s.request('post', path('garden-unreadable')).send({ metadata: { name: 'c' } }).expect(500);
      assert.match(failed.body.message, /^Internal error occurred: .*503/);
    } finally {
      garden.fault = undefined;
    }
  });

  it('follows namespaces created later through the watch', async () => {
    garden.setObject('namespaces', { metadata: { name: 'garden-new' }, status: { phase: 'Active' } });
    const deadline = Date.now() + 10_000;
    for (;;) {
      const r = await s.request('post', path('garden-new')).send({ metadata: { name: 'b' } });
      if (r.status === 201) break;
      assert.equal(r.status, 404);
      if (Date.now() > deadline) throw new Error('the new namespace was never seen');
      await new Promise((res) => setTimeout(res, 100));
    }
  });
});
