/**
 * `kubectl explain` on the Shoot and Garden schemas, served as OpenAPI v3 documents by a tiny HTTP server
 * with just enough discovery for kubectl to find the kinds.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OpenAPIDocuments } from '../../openapi/documents.js';
import type { OpenAPIResource } from '../../openapi/resource.js';
import { gardenResource } from '../garden/descriptor.js';
import { shootResource } from './descriptor.js';

const run = promisify(execFile);
const resources: OpenAPIResource[] = [shootResource, gardenResource];

function discovery(): Map<string, unknown> {
  const out = new Map<string, unknown>();
  out.set('/apis', {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: resources.map((r) => ({
      name: r.group,
      versions: [{ groupVersion: `${r.group}/${r.version}`, version: r.version }],
      preferredVersion: { groupVersion: `${r.group}/${r.version}`, version: r.version },
    })),
  });
  for (const r of resources) {
    out.set(`/apis/${r.group}/${r.version}`, {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: `${r.group}/${r.version}`,
      resources: [{ name: r.resource, singularName: r.kind.toLowerCase(), namespaced: r.namespaced, kind: r.kind, verbs: r.verbs }],
    });
  }
  return out;
}

describe('registry/shoot and registry/garden kubectl explain', function () {
  let server: Server;
  let base = '';
  let cacheDir = '';

  before(async function () {
    const docs = new OpenAPIDocuments(resources);
    const disco = discovery();
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const send = (body: string): void => void res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
      const d = disco.get(url.pathname);
      if (d !== undefined) return send(JSON.stringify(d));
      if (url.pathname === '/openapi/v3') return send(docs.v3Index().json);
      const doc = url.pathname.startsWith('/openapi/v3/') ? docs.v3ByPath(url.pathname.slice('/openapi/v3/'.length)) : undefined;
      if (doc !== undefined) return send(doc.json);
      res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"kind":"Status","apiVersion":"v1","status":"Failure","code":404}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    cacheDir = mkdtempSync(join(tmpdir(), 'shoot-explain-'));
  });

  after(async () => {
    if (cacheDir !== '') rmSync(cacheDir, { recursive: true, force: true });
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function explain(...args: string[]): Promise<string> {
    const { stdout } = await run('kubectl', ['explain', ...args, '--server', base, '--kubeconfig', '/dev/null', '--cache-dir', cacheDir]);
    return stdout;
  }

  it('explains the Shoot encryption configuration', async () => {
    const out = await explain('shoot.spec.kubernetes.kubeAPIServer.encryptionConfig');
    assert.match(out, /GROUP:\s+core\.gardener\.cloud/);
    assert.match(out, /FIELD:\s+encryptionConfig <EncryptionConfig>/);
    assert.match(out, /provider\s+<EncryptionProvider> -required-/);
    assert.match(out, /resources\s+<\[\]string>/);
    assert.match(await explain('shoots.spec.kubernetes.kubeAPIServer.encryptionConfig.provider.type'), /aescbc, aesgcm or secretbox/);
  });

  it('explains status fields the kubeconfig subresources read', async () => {
    assert.match(await explain('shoots.status.advertisedAddresses'), /<\[\]ShootAdvertisedAddress>/);
    assert.match(await explain('shoots.status.credentials.encryptionAtRest.resources'), /<\[\]string>/);
    assert.match(await explain('shoots.spec.seedName'), /FIELD:\s+seedName <string>/);
  });

  it('explains the Garden encryption configurations', async () => {
    const out = await explain('gardens.spec.virtualCluster.gardener.gardenerAPIServer.encryptionConfig');
    assert.match(out, /GROUP:\s+operator\.gardener\.cloud/);
    assert.match(out, /kube-apiserver/);
    assert.match(await explain('garden.status.credentials.encryptionAtRest'), /<EncryptionAtRest>/);
  });
});
