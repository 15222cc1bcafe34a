/**
 * NamespaceLifecycle against the garden cluster's namespaces. The garden kube-apiserver cannot run
 * here: a small HTTPS stand-in serves core/v1 Namespaces in the real list/watch wire format.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startGardenStandIn, type GardenStandIn } from '../support/garden-standin.js';
import { startInProcess, tempDir, type InProcessServer } from '../support/server.js';

const path = (ns: string) => `/apis/core.gardener.cloud/v1beta1/namespaces/${ns}/internalsecrets`;

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

  it('creates in existing namespaces only, and never in terminating ones', async () => {
    await s.request('post', path('garden-dev')).send({ metadata: { name: 'a' } }).expect(201);
    const missing = await s.request('post', path('garden-missing')).send({ metadata: { name: 'a' } }).expect(404);
    assert.equal(missing.body.message, 'namespaces "garden-missing" not found');
    const terminating = await s.request('post', path('garden-old')).send({ metadata: { name: 'a' } }).expect(403);
    assert.equal(terminating.body.message, 'internalsecrets.core.gardener.cloud "a" is forbidden: unable to create new content in namespace garden-old because it is being terminated');
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
