/**
 * `kubectl explain` against the served v3 documents: a tiny HTTP server answers discovery and
 * /openapi/v3 from {@link OpenAPIDocuments}, and the real kubectl explains the test
 * kinds down to leaf fields.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OpenAPIDocuments } from './documents.js';
import type { OpenAPIResource } from './resource.js';
import { gadget, widget } from './testdata.js';

const run = promisify(execFile);
const resources: OpenAPIResource[] = [widget, gadget];

function discovery(): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const groups = new Map<string, OpenAPIResource[]>();
  for (const r of resources) groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
  out.set('/apis', {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([name, rs]) => ({
      name,
      versions: [{ groupVersion: `${name}/${rs[0]?.version}`, version: rs[0]?.version }],
      preferredVersion: { groupVersion: `${name}/${rs[0]?.version}`, version: rs[0]?.version },
    })),
  });
  for (const [name, rs] of groups) {
    out.set(`/apis/${name}/${rs[0]?.version}`, {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: `${name}/${rs[0]?.version}`,
      resources: rs.map((r) => ({ name: r.resource, singularName: r.kind.toLowerCase(), namespaced: r.namespaced, kind: r.kind, verbs: r.verbs })),
    });
  }
  return out;
}

describe('kubectl explain (v3)', function () {
  let server: Server;
  let base = '';
  let cacheDir = '';

  before(async function () {
    // kubectl is part of every machine this project runs on; its absence is a failure, not a skip.
    await run('kubectl', ['version', '--client']);
    const docs = new OpenAPIDocuments(resources);
    const disco = discovery();
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const send = (body: string): void => {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
      };
      const d = disco.get(url.pathname);
      if (d !== undefined) return send(JSON.stringify(d));
      if (url.pathname === '/openapi/v3') return send(docs.v3Index().json);
      const doc = url.pathname.startsWith('/openapi/v3/') ? docs.v3ByPath(url.pathname.slice('/openapi/v3/'.length)) : undefined;
      if (doc !== undefined) return send(doc.json);
      res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"kind":"Status","apiVersion":"v1","status":"Failure","code":404,"reason":"NotFound"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    cacheDir = mkdtempSync(join(tmpdir(), 'openapi-explain-'));
  });

  after(async () => {
    if (cacheDir !== '') rmSync(cacheDir, { recursive: true, force: true });
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function explain(...args: string[]): Promise<string> {
    const { stdout } = await run('kubectl', ['explain', ...args, '--server', base, '--kubeconfig', '/dev/null', '--cache-dir', cacheDir]);
    return stdout;
  }

  it('explains the kind with its fields and descriptions', async () => {
    const out = await explain('widgets');
    assert.match(out, /GROUP:\s+core\.gardener\.cloud/);
    assert.match(out, /KIND:\s+Widget/);
    assert.match(out, /VERSION:\s+v1beta1/);
    assert.match(out, /Widget is a test kind with a nested spec\./);
    assert.match(out, /spec\s+<WidgetSpec>/);
    assert.match(out, /metadata\s+<ObjectMeta>/);
  });

  it('explains meta fields down to leaves', async () => {
    const out = await explain('widget.metadata.labels');
    assert.match(out, /FIELD:\s+labels <map\[string\]string>/);
    assert.match(out, /select objects/);
  });

  it('explains nested spec fields through $refs and lists', async () => {
    assert.match(await explain('widgets.spec.items.name'), /FIELD:\s+name <string>/);
    assert.match(await explain('widgets.spec.replicas'), /FIELD:\s+replicas <integer>/);
    assert.match(await explain('widgets.spec.nested.deep.leaf'), /A switch\./);
    assert.match(await explain('widgets.data'), /FIELD:\s+data <map\[string\]string>/);
  });

  it('explains the cluster-scoped kind', async () => {
    const out = await explain('gadgets.spec');
    assert.match(out, /KIND:\s+Gadget/);
    assert.match(out, /size\s+<integer>/);
  });

  it('explains recursively', async () => {
    const out = await explain('widgets', '--recursive');
    assert.match(out, /ownerReferences\s+<\[\]OwnerReference>/);
    assert.match(out, /leaf\s+<boolean>/);
  });
});
