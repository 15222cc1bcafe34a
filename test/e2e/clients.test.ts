/**
 * The official Kubernetes clients for Python and JavaScript, unmodified, against the real server process
 * in standalone mode, making the calls a user's script or program makes:
 * - Python: kubernetes 22.6 (Debian's python3-kubernetes, installed by .ci/run; run with Debian's
 *   /usr/bin/python3), by test/support/python/client_calls.py: CustomObjectsApi, its watch helper and
 *   the dynamic client (which reads discovery);
 * - JavaScript: @kubernetes/client-node 1.4: CustomObjectsApi, KubernetesObjectApi (which finds the
 *   resource through discovery) with server-side apply, and an informer (list, then watch).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ApiException, CustomObjectsApi, KubeConfig, KubernetesObjectApi, makeInformer, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { kubectlOk } from '../support/kubectl.js';
import { startChild, tempDir, type ChildServer } from '../support/server.js';
import { until } from '../support/wait.js';

const PYTHON = '/usr/bin/python3';
const PYTHON_CALLS = fileURLToPath(new URL('../support/python/client_calls.py', import.meta.url));
const GROUP = 'core.gardener.cloud';
const VERSION = 'v1beta1';
const NS = 'default';
const b64 = (s: string) => Buffer.from(s).toString('base64');

interface Secret extends KubernetesObject {
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

function secret(name: string, data: Record<string, string>, labels: Record<string, string> = {}): Secret {
  return { apiVersion: `${GROUP}/${VERSION}`, kind: 'InternalSecret', metadata: { name, namespace: NS, labels }, type: 'Opaque', data };
}

/** The HTTP code a client-node call fails with, and the Status reason in its body. */
async function failure(p: Promise<unknown>): Promise<[number, string]> {
  try {
    await p;
  } catch (e: unknown) {
    if (!(e instanceof ApiException)) throw e;
    const body = (typeof e.body === 'string' ? JSON.parse(e.body) : e.body) as { reason?: string };
    return [e.code, body.reason ?? ''];
  }
  return [0, 'no error'];
}

describe('Kubernetes clients end to end (standalone server process)', function () {
  this.timeout(120_000);
  let server: ChildServer;
  let dataDir: string;
  let kc: KubeConfig;

  before(async () => {
    dataDir = tempDir();
    server = await startChild(dataDir);
    kc = new KubeConfig();
    kc.loadFromFile(server.kubeconfig);
  });

  after(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the Python client: CustomObjectsApi, its watch and the dynamic client', async () => {
    const { stdout } = await promisify(execFile)(PYTHON, [PYTHON_CALLS, server.kubeconfig, NS], { timeout: 90_000 });
    const out = JSON.parse(stdout);
    // stringData is folded into data and never returned.
    assert.deepEqual(out.created, { data: { token: b64('s3cret') }, stringData: null, uid: true });
    assert.deepEqual(out.got.data, { token: b64('s3cret') });
    assert.deepEqual(out.listed, { kind: 'InternalSecretList', names: ['py-secret'] });
    // CustomObjectsApi sends a dict as a JSON merge patch; the dynamic client as a strategic merge patch.
    assert.deepEqual(out.patched, { app: 'py', patched: 'yes' });
    assert.deepEqual(out.stale_replace, { http: 409, reason: 'Conflict', kind: 'Status' });
    assert.deepEqual(out.replaced, ['extra', 'token']);
    assert.deepEqual(out.missing, { http: 404, reason: 'NotFound', kind: 'Status' });
    assert.deepEqual(out.discovered, { secrets: ['internalsecrets', true, ['ins']], shoot_subresources: ['adminkubeconfig', 'binding', 'status', 'viewerkubeconfig'] });
    assert.deepEqual(out.dynamic_patched, { app: 'py', patched: 'yes', dynamic: 'yes' });
    assert.deepEqual(out.applied, { managers: ['python-script'], data: { k: 'dg==' } });
    assert.deepEqual(out.dynamic_list, ['py-applied', 'py-secret']);
    assert.equal(out.deleted_kind, 'Status');
    // The watch from the creation's resourceVersion replays the three changes and the deletion.
    assert.deepEqual(out.events, [
      ['MODIFIED', 'py-secret'],
      ['MODIFIED', 'py-secret'],
      ['MODIFIED', 'py-secret'],
      ['DELETED', 'py-secret'],
    ]);
    // And the server agrees.
    const left = JSON.parse(await kubectlOk(server.kubeconfig, ['get', 'ins', '-n', NS, '-l', 'app=py', '-o', 'json']));
    assert.deepEqual(left.items, []);
    const applied = JSON.parse(await kubectlOk(server.kubeconfig, ['get', 'ins', 'py-applied', '-n', NS, '-o', 'json']));
    assert.deepEqual(applied.data, { k: 'dg==' });
  });

  it('the JavaScript client: CustomObjectsApi with Status errors', async () => {
    const api = kc.makeApiClient(CustomObjectsApi);
    const at = { group: GROUP, version: VERSION, namespace: NS, plural: 'internalsecrets' };
    const created = (await api.createNamespacedCustomObject({ ...at, body: { ...secret('js-secret', {}, { app: 'js' }), stringData: { token: 'hidden' } } })) as Secret;
    assert.deepEqual(created.data, { token: b64('hidden') });
    assert.equal(created.stringData, undefined);
    assert.deepEqual(await failure(api.createNamespacedCustomObject({ ...at, body: secret('js-secret', {}) })), [409, 'AlreadyExists']);
    const got = (await api.getNamespacedCustomObject({ ...at, name: 'js-secret' })) as Secret;
    const listed = (await api.listNamespacedCustomObject({ ...at, labelSelector: 'app=js' })) as { items: Secret[] };
    assert.deepEqual(listed.items.map((i) => i.metadata?.name), ['js-secret']);
    const patched = (await api.patchNamespacedCustomObject({ ...at, name: 'js-secret', body: [{ op: 'add', path: '/data/more', value: b64('x') }] })) as Secret;
    assert.deepEqual(Object.keys(patched.data ?? {}).sort(), ['more', 'token']);
    // The stale copy read before the patch conflicts.
    assert.deepEqual(await failure(api.replaceNamespacedCustomObject({ ...at, name: 'js-secret', body: { ...got, data: {} } })), [409, 'Conflict']);
    assert.deepEqual(await failure(api.getNamespacedCustomObject({ ...at, name: 'nope' })), [404, 'NotFound']);
    assert.deepEqual(await failure(api.createNamespacedCustomObject({ ...at, body: { ...secret('Bad_Name', {}) } })), [422, 'Invalid']);
    const status = (await api.deleteNamespacedCustomObject({ ...at, name: 'js-secret' })) as { kind: string; status: string };
    assert.deepEqual([status.kind, status.status], ['Status', 'Success']);
    assert.deepEqual(await failure(api.getNamespacedCustomObject({ ...at, name: 'js-secret' })), [404, 'NotFound']);
  });

  it('the JavaScript client: KubernetesObjectApi finds the resource by discovery and applies server-side', async () => {
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const applied = await objects.patch(secret('js-applied', { k: b64('v1') }), undefined, undefined, 'js-program', true, PatchStrategy.ServerSideApply);
    assert.deepEqual(applied.metadata?.managedFields?.map((m) => [m.manager, m.operation]), [['js-program', 'Apply']]);
    const read = await objects.read<Secret>({ apiVersion: `${GROUP}/${VERSION}`, kind: 'InternalSecret', metadata: { name: 'js-applied', namespace: NS } });
    assert.deepEqual(read.data, { k: b64('v1') });
    const reapplied = await objects.patch(secret('js-applied', { k: b64('v2') }), undefined, undefined, 'js-program', true, PatchStrategy.ServerSideApply);
    assert.deepEqual((reapplied as Secret).data, { k: b64('v2') });
    const list = await objects.list(`${GROUP}/${VERSION}`, 'InternalSecret', NS);
    assert.ok(list.items.some((i) => i.metadata?.name === 'js-applied'));
    await objects.delete({ apiVersion: `${GROUP}/${VERSION}`, kind: 'InternalSecret', metadata: { name: 'js-applied', namespace: NS } });
    assert.deepEqual(await failure(objects.read({ apiVersion: `${GROUP}/${VERSION}`, kind: 'InternalSecret', metadata: { name: 'js-applied', namespace: NS } })), [404, 'NotFound']);
  });

  it('the JavaScript client: an informer lists, then follows additions, updates and deletions', async () => {
    const api = kc.makeApiClient(CustomObjectsApi);
    const at = { group: GROUP, version: VERSION, namespace: NS, plural: 'internalsecrets' };
    await api.createNamespacedCustomObject({ ...at, body: secret('inf-before', { a: b64('1') }, { app: 'informer' }) });
    const path = `/apis/${GROUP}/${VERSION}/namespaces/${NS}/internalsecrets`;
    const informer = makeInformer<Secret>(kc, path, () => api.listNamespacedCustomObject({ ...at, labelSelector: 'app=informer' }), 'app=informer');
    const seen: string[] = [];
    informer.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
    informer.on('update', (o) => seen.push(`update ${o.metadata?.name} ${Object.keys(o.data ?? {}).join(',')}`));
    informer.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
    const errors: unknown[] = [];
    informer.on('error', (e) => errors.push(e));
    await informer.start();
    try {
      await until(() => seen.includes('add inf-before'), 'the listed object', 20_000);
      await api.createNamespacedCustomObject({ ...at, body: secret('inf-after', { a: b64('1') }, { app: 'informer' }) });
      await api.patchNamespacedCustomObject({ ...at, name: 'inf-after', body: [{ op: 'add', path: '/data/b', value: b64('2') }] });
      await api.deleteNamespacedCustomObject({ ...at, name: 'inf-before' });
      await until(() => seen.includes('delete inf-before'), 'the watched deletion', 20_000);
      assert.deepEqual(seen, ['add inf-before', 'add inf-after', 'update inf-after a,b', 'delete inf-before']);
      assert.deepEqual(informer.list(NS).map((o) => o.metadata?.name), ['inf-after']);
      assert.deepEqual(errors, []);
    } finally {
      await informer.stop();
    }
  });
});
