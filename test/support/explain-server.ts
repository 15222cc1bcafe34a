/**
 * A stand-in for the server's discovery and OpenAPI v3 endpoints, enough for the real `kubectl explain`
 * to find the kinds of some {@link OpenAPIResource}s and explain them from {@link OpenAPIDocuments}.
 * For tests only.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OpenAPIDocuments } from '../../openapi/documents.js';
import type { OpenAPIResource } from '../../openapi/resource.js';

const run = promisify(execFile);

/** Legacy discovery documents by path, one version per group (the first resource's). */
function discovery(resources: readonly OpenAPIResource[]): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const groups = new Map<string, OpenAPIResource[]>();
  for (const r of resources) groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
  const groupVersion = (name: string, rs: OpenAPIResource[]) => ({ groupVersion: `${name}/${rs[0]?.version}`, version: rs[0]?.version });
  out.set('/apis', {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([name, rs]) => ({ name, versions: [groupVersion(name, rs)], preferredVersion: groupVersion(name, rs) })),
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

/** A running stand-in and `kubectl explain` against it. */
export interface ExplainServer {
  /** stdout of `kubectl explain <args>` against the stand-in. */
  explain(...args: string[]): Promise<string>;
  close(): Promise<void>;
}

/** Serves discovery and OpenAPI v3 for `resources` on a free loopback port. */
export async function startExplainServer(resources: readonly OpenAPIResource[]): Promise<ExplainServer> {
  // kubectl is part of every machine this project runs on; its absence is a failure, not a skip.
  await run('kubectl', ['version', '--client']);
  const docs = new OpenAPIDocuments([...resources]);
  const disco = discovery(resources);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (body: string): void => void res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
    const d = disco.get(url.pathname);
    if (d !== undefined) return send(JSON.stringify(d));
    if (url.pathname === '/openapi/v3') return send(docs.v3Index().json);
    const doc = url.pathname.startsWith('/openapi/v3/') ? docs.v3ByPath(url.pathname.slice('/openapi/v3/'.length)) : undefined;
    if (doc !== undefined) return send(doc.json);
    res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"kind":"Status","apiVersion":"v1","status":"Failure","code":404,"reason":"NotFound"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const cacheDir = mkdtempSync(join(tmpdir(), 'explain-'));
  return {
    async explain(...args) {
      const { stdout } = await run('kubectl', ['explain', ...args, '--server', base, '--kubeconfig', '/dev/null', '--cache-dir', cacheDir]);
      return stdout;
    },
    async close() {
      rmSync(cacheDir, { recursive: true, force: true });
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
