/** The garden stand-in speaks the wire format client-node expects: list, get, watch, informers, errors. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, makeInformer, type V1Namespace } from '@kubernetes/client-node';
import { startGardenStandIn, type GardenStandIn } from './garden-standin.js';

describe('garden stand-in', () => {
  let garden: GardenStandIn;
  let dir: string;
  let kc: KubeConfig;

  before(async () => {
    garden = await startGardenStandIn();
    dir = mkdtempSync(join(tmpdir(), 'standin-'));
    kc = new KubeConfig();
    kc.loadFromFile(garden.writeKubeconfig(join(dir, 'kubeconfig')));
  });
  after(async () => {
    await garden.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves ConfigMaps and Secrets by name and as lists, with NotFound Status errors', async () => {
    garden.setObject('configmaps', { metadata: { name: 's1.ca-cluster', namespace: 'garden-dev', labels: { 'gardener.cloud/role': 'ca-cluster' } }, data: { 'ca.crt': 'PEM' } });
    garden.setObject('secrets', { metadata: { name: 's1.ca-cluster', namespace: 'garden-dev' }, type: 'Opaque', data: { 'ca.crt': 'UEVN' } });
    const api = kc.makeApiClient(CoreV1Api);
    const cm = await api.readNamespacedConfigMap({ name: 's1.ca-cluster', namespace: 'garden-dev' });
    assert.equal(cm.data?.['ca.crt'], 'PEM');
    const secret = await api.readNamespacedSecret({ name: 's1.ca-cluster', namespace: 'garden-dev' });
    assert.equal(secret.data?.['ca.crt'], 'UEVN');
    const list = await api.listNamespacedConfigMap({ namespace: 'garden-dev', labelSelector: 'gardener.cloud/role=ca-cluster' });
    assert.deepEqual(list.items.map((i) => i.metadata?.name), ['s1.ca-cluster']);
    await assert.rejects(api.readNamespacedConfigMap({ name: 'missing', namespace: 'garden-dev' }), (e: unknown) => (e as { code?: number }).code === 404);
  });

  it('feeds a client-node informer on Namespaces (list then watch events)', async () => {
    garden.setObject('namespaces', { metadata: { name: 'garden-dev' }, status: { phase: 'Active' } });
    const api = kc.makeApiClient(CoreV1Api);
    const informer = makeInformer<V1Namespace>(kc, '/api/v1/namespaces', () => api.listNamespace());
    const events: string[] = [];
    informer.on('add', (ns) => events.push(`add ${ns.metadata?.name}`));
    informer.on('update', (ns) => events.push(`update ${ns.metadata?.name} ${ns.status?.phase}`));
    informer.on('delete', (ns) => events.push(`delete ${ns.metadata?.name}`));
    await informer.start();
    try {
      garden.setObject('namespaces', { metadata: { name: 'garden-new' }, status: { phase: 'Active' } });
      garden.setObject('namespaces', { metadata: { name: 'garden-dev' }, status: { phase: 'Terminating' } });
      garden.deleteObject('namespaces', '', 'garden-new');
      const deadline = Date.now() + 5000;
      while (events.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(events, ['add garden-dev', 'add garden-new', 'update garden-dev Terminating', 'delete garden-new']);
      assert.equal(informer.get('garden-dev')?.status?.phase, 'Terminating');
    } finally {
      await informer.stop();
    }
  });

  it('rejects unauthenticated callers and counts requests', async () => {
    const anonymous = new KubeConfig();
    anonymous.loadFromOptions({
      clusters: [{ name: 'g', server: garden.url, caData: Buffer.from(garden.ca).toString('base64') }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'c', cluster: 'g', user: 'u' }],
      currentContext: 'c',
    });
    const before = garden.count('/api/v1/namespaces', 'GET');
    await assert.rejects(anonymous.makeApiClient(CoreV1Api).listNamespace(), (e: unknown) => (e as { code?: number }).code === 401);
    assert.equal(garden.count('/api/v1/namespaces', 'GET'), before + 1);
  });
});
