/**
 * The garden cluster source against a stand-in for the garden kube-apiserver: a tiny HTTPS server that
 * speaks the Kubernetes wire format for ConfigMap and Secret list (`*List` with resourceVersion) and
 * watch (`?watch=true`, newline-delimited `{"type","object"}` events), with bearer token auth.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ServerResponse } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { createCA, createLeaf } from '../standalone/pki.js';
import { GardenClusterCASource } from './cluster-ca.js';
import { statusErrorOf, until } from '../../test/support/wait.js';

const TOKEN = 'garden-token';
const PEM_A = '-----BEGIN CERTIFICATE-----\nQUFB\n-----END CERTIFICATE-----\n';
const PEM_B = '-----BEGIN CERTIFICATE-----\nQkJC\n-----END CERTIFICATE-----\n';

type Obj = { metadata: { name: string; namespace: string; resourceVersion?: string; labels?: Record<string, string> }; data?: Record<string, string> };
type Resource = 'configmaps' | 'secrets';

/** The stand-in kube-apiserver. */
class FakeGarden {
  readonly objects: Record<Resource, Map<string, Obj>> = { configmaps: new Map(), secrets: new Map() };
  readonly requests: string[] = [];
  readonly watchers: Record<Resource, ServerResponse[]> = { configmaps: [], secrets: [] };
  failLists = 0;
  private rv = 10;
  server!: Server;
  ca = createCA('garden-ca');

  async listen(): Promise<number> {
    const serving = createLeaf(this.ca, { commonName: 'garden', usage: 'server', ipAddresses: ['127.0.0.1'] });
    this.server = createServer({ cert: serving.cert, key: serving.key }, (req, res) => this.handle(req.url ?? '', req.headers.authorization, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const list of Object.values(this.watchers)) list.forEach((w) => w.destroy());
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  put(resource: Resource, obj: Obj, type: 'ADDED' | 'MODIFIED' = 'ADDED'): void {
    obj.metadata.resourceVersion = String(++this.rv);
    this.objects[resource].set(`${obj.metadata.namespace}/${obj.metadata.name}`, obj);
    this.send(resource, type, obj);
  }

  remove(resource: Resource, ns: string, name: string): void {
    const obj = this.objects[resource].get(`${ns}/${name}`);
    if (obj === undefined) return;
    this.objects[resource].delete(`${ns}/${name}`);
    this.send(resource, 'DELETED', { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } });
  }

  /** Ends every open watch of `resource`, as a server does when a watch times out. */
  endWatches(resource: Resource): void {
    this.watchers[resource].splice(0).forEach((w) => w.end());
  }

  private send(resource: Resource, type: string, obj: Obj): void {
    for (const w of this.watchers[resource]) w.write(`${JSON.stringify({ type, object: this.typed(resource, obj) })}\n`);
  }

  private typed(resource: Resource, obj: Obj): Record<string, unknown> {
    return { apiVersion: 'v1', kind: resource === 'configmaps' ? 'ConfigMap' : 'Secret', ...obj };
  }

  private handle(url: string, auth: string | undefined, res: ServerResponse): void {
    this.requests.push(url);
    const u = new URL(url, 'https://x');
    const m = /^\/api\/v1\/(configmaps|secrets)$/.exec(u.pathname);
    const status = (code: number, reason: string, message: string) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }));
    };
    if (auth !== `Bearer ${TOKEN}`) return status(401, 'Unauthorized', 'Unauthorized');
    if (m === null) return status(404, 'NotFound', 'the server could not find the requested resource');
    const resource = m[1] as Resource;
    const selector = u.searchParams.get('labelSelector');
    const selected = [...this.objects[resource].values()].filter((o) => selector === null || o.metadata.labels?.['gardener.cloud/role'] === 'ca-cluster');
    if (u.searchParams.get('watch') === 'true') {
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      res.flushHeaders();
      this.watchers[resource].push(res);
      return;
    }
    if (this.failLists > 0) {
      this.failLists--;
      return status(500, 'InternalError', 'Internal error occurred: etcd is sad');
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({
      apiVersion: 'v1',
      kind: resource === 'configmaps' ? 'ConfigMapList' : 'SecretList',
      metadata: { resourceVersion: String(this.rv) },
      items: selected.map((o) => this.typed(resource, o)),
    }));
  }
}

const LABELS = { 'gardener.cloud/role': 'ca-cluster' };

function configMap(ns: string, shoot: string, pem: string, labels: Record<string, string> = LABELS): Obj {
  return { metadata: { name: `${shoot}.ca-cluster`, namespace: ns, labels }, data: { 'ca.crt': pem } };
}

function secret(ns: string, shoot: string, pem: string): Obj {
  return { metadata: { name: `${shoot}.ca-cluster`, namespace: ns, labels: LABELS }, data: { 'ca.crt': Buffer.from(pem).toString('base64') } };
}

describe('apiserver/garden cluster CA source (informers against a stand-in garden kube-apiserver)', function () {
  this.timeout(20_000);
  let garden: FakeGarden;
  let kc: KubeConfig;
  let source: GardenClusterCASource | undefined;
  let errors: string[];

  beforeEach(async () => {
    garden = new FakeGarden();
    const port = await garden.listen();
    kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'garden', server: `https://127.0.0.1:${port}`, caData: Buffer.from(garden.ca.cert).toString('base64'), skipTLSVerify: false }],
      users: [{ name: 'garden-apiserver', token: TOKEN }],
      contexts: [{ name: 'garden', cluster: 'garden', user: 'garden-apiserver' }],
      currentContext: 'garden',
    });
    errors = [];
  });

  afterEach(async () => {
    await source?.stop();
    source = undefined;
    await garden.close();
  });

  function open(): GardenClusterCASource {
    source = new GardenClusterCASource(kc, { backoff: { initialMs: 10, maxMs: 50 }, onError: (e, r) => errors.push(`${r}: ${e.message}`) });
    return source;
  }

  it('lists and watches only labelled objects and serves the ConfigMap bundle', async () => {
    garden.put('configmaps', configMap('garden-dev', 'one', PEM_A));
    garden.put('configmaps', configMap('garden-dev', 'unlabelled', PEM_A, {}));
    const s = open();
    await s.start();
    assert.equal(await s.get('garden-dev', 'one'), PEM_A);
    const lists = garden.requests.filter((r) => !r.includes('watch=true'));
    const watches = garden.requests.filter((r) => r.includes('watch=true'));
    assert.equal(lists.length, 2);
    for (const r of [...lists, ...watches]) assert.match(r, /labelSelector=gardener\.cloud%2Frole%3Dca-cluster/);
    await until(async () => garden.watchers.configmaps.length === 1 && garden.watchers.secrets.length === 1, 'both watches');
    assert.equal(await statusErrorOf(s.get('garden-dev', 'unlabelled')), '500 Internal error occurred: could not get cluster CA secret: secret "unlabelled.ca-cluster" not found');
  });

  it('follows watch events and falls back to the legacy Secret only without ConfigMap', async () => {
    const s = open();
    await s.start();
    await until(async () => garden.watchers.configmaps.length === 1 && garden.watchers.secrets.length === 1, 'both watches');
    garden.put('secrets', secret('ns', 'shoot', PEM_B));
    await until(async () => (await statusErrorOf(s.get('ns', 'shoot'))) === 'no error', 'the secret');
    assert.equal(await s.get('ns', 'shoot'), PEM_B);
    garden.put('configmaps', configMap('ns', 'shoot', PEM_A));
    await until(async () => (await s.get('ns', 'shoot')) === PEM_A, 'the config map');
    garden.put('configmaps', configMap('ns', 'shoot', PEM_B), 'MODIFIED');
    await until(async () => (await s.get('ns', 'shoot')) === PEM_B, 'the update');
    garden.put('configmaps', configMap('ns', 'shoot', ''), 'MODIFIED');
    await until(async () => (await s.get('ns', 'shoot')) === '', 'the emptied config map');
    garden.remove('configmaps', 'ns', 'shoot.ca-cluster');
    await until(async () => (await s.get('ns', 'shoot')) === PEM_B, 'the fallback after the ConfigMap is gone');
    garden.remove('secrets', 'ns', 'shoot.ca-cluster');
    await until(async () => (await statusErrorOf(s.get('ns', 'shoot'))).includes('not found'), 'the deletions');
  });

  it('re-watches after the server ends a watch and restarts after a failed list', async () => {
    garden.failLists = 2;
    const s = open();
    await s.start();
    assert.ok(errors.length >= 1, 'the failed lists were reported');
    await until(async () => garden.watchers.configmaps.length === 1, 'the watch');
    garden.endWatches('configmaps');
    await until(async () => garden.watchers.configmaps.length === 1, 'the new watch');
    garden.put('configmaps', configMap('ns', 'late', PEM_A));
    await until(async () => (await statusErrorOf(s.get('ns', 'late'))) === 'no error', 'the event on the new watch');
  });
});
