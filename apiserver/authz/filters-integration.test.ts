/**
 * Aggregator simulation through the server's own filters (request info, authentication, authorization,
 * error writer) and HTTPS listener: front-proxy certificate plus headers, the example RBAC policy and
 * the SeedAuthorizer, checked by the HTTP status and the Kubernetes Status bodies.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { buildAuthentication, type AuthenticationStack } from '../authn/delegating.js';
import { testCA, testClientCert, type TestCert } from '../../test/support/authn/pki.js';
import { errorWriter, withAuthentication, withAuthorization, withRequestInfo } from '../filters.js';
import { listen } from '../server.js';
import { createCA, createLeaf } from '../standalone/pki.js';
import { buildAuthorization, type AuthorizationStack } from './delegating.js';
import { tableLookups } from '../../test/support/graph-lookups.js';

const POLICY_FILE = fileURLToPath(new URL('../../deploy/policy/gardener-roles.yaml', import.meta.url));
const CORE = '/apis/core.gardener.cloud/v1beta1';

interface Reply {
  status: number;
  body: { message?: string; reason?: string; code?: number; kind?: string; user?: { name: string; groups: string[] } };
}

describe('filters with the authn/authz stacks (aggregator simulation over HTTPS)', () => {
  const generated = createCA('garden-apiserver-ca');
  const serving = createLeaf(generated, { commonName: 'garden-apiserver', usage: 'server', ipAddresses: ['127.0.0.1'] });
  let frontProxyCA: TestCert;
  let proxy: TestCert;
  let dir: string;
  let authn: AuthenticationStack;
  let authz: AuthorizationStack;
  let server: Server;
  let url: string;

  before(async () => {
    frontProxyCA = testCA('front-proxy-ca');
    proxy = testClientCert(frontProxyCA, { commonName: 'front-proxy-client' });
    dir = mkdtempSync(join(tmpdir(), 'filters-'));
    writeFileSync(join(dir, 'front-proxy-ca.crt'), frontProxyCA.cert);
    authn = await buildAuthentication({
      standaloneClientCA: generated.cert,
      requestHeaderClientCAFile: join(dir, 'front-proxy-ca.crt'),
      requestHeaderAllowedNames: ['front-proxy-client'],
      env: {},
    });
    const graph = tableLookups(new Map([['garden-dev/s1', { spec: { seedName: 'seed-a' } }]]));
    authz = buildAuthorization({ alwaysAllowPaths: ['/healthz'], policyFile: POLICY_FILE, graph, env: {} });
    const app = express();
    app.use(withRequestInfo(), withAuthentication(authn.authenticator, true), withAuthorization(authz.authorizer));
    app.use((_req, res) => {
      res.json({ kind: 'Echo', user: res.locals.user as unknown });
    });
    app.use(errorWriter(() => {}));
    ({ server } = await listen(app, { cert: serving.cert, key: serving.key, clientCA: generated.cert }, '127.0.0.1', 0));
    url = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(async () => {
    authn.stop();
    authz.stop();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    rmSync(dir, { recursive: true, force: true });
  });

  const send = (method: string, path: string, opts: { cert?: TestCert; headers?: Record<string, string | string[]> } = {}): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const req = request(
        new URL(path, url),
        { method, ca: generated.cert, agent: false, headers: opts.headers ?? {}, ...(opts.cert && { cert: opts.cert.chain, key: opts.cert.key }) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) as Reply['body'] }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  const as = (user: string, ...groups: string[]) => ({ cert: proxy, headers: { 'X-Remote-User': user, 'X-Remote-Group': [...groups, 'system:authenticated'] } });

  it('a project member behind the aggregator may create an adminkubeconfig', async () => {
    const r = await send('POST', `${CORE}/namespaces/garden-dev/shoots/s1/adminkubeconfig`, as('alice'));
    assert.equal(r.status, 200);
    assert.equal(r.body.user?.name, 'alice');
  });

  it('a project member may not read InternalSecrets: 403 with the Kubernetes message', async () => {
    const r = await send('GET', `${CORE}/namespaces/garden-dev/internalsecrets/s1.ca-client`, as('alice'));
    assert.equal(r.status, 403);
    assert.equal(r.body.message, 'internalsecrets.core.gardener.cloud "s1.ca-client" is forbidden: User "alice" cannot get resource "internalsecrets" in API group "core.gardener.cloud" in the namespace "garden-dev"');
  });

  it('a viewer gets only a viewerkubeconfig', async () => {
    assert.equal((await send('POST', `${CORE}/namespaces/garden-dev/shoots/s1/viewerkubeconfig`, as('bob'))).status, 200);
    assert.equal((await send('POST', `${CORE}/namespaces/garden-dev/shoots/s1/adminkubeconfig`, as('bob'))).status, 403);
  });

  it('gardenlets are scoped to their seed', async () => {
    assert.equal((await send('GET', `${CORE}/namespaces/garden-dev/internalsecrets/s1.ca-client`, as('gardener.cloud:system:seed:seed-a', 'gardener.cloud:system:seeds'))).status, 200);
    const b = await send('GET', `${CORE}/namespaces/garden-dev/internalsecrets/s1.ca-client`, as('gardener.cloud:system:seed:seed-b', 'gardener.cloud:system:seeds'));
    assert.equal(b.status, 403);
    assert.match(b.body.message ?? '', /cannot get resource "internalsecrets" .*: no relationship found$/);
  });

  it('forged identity headers without the proxy certificate are ignored (anonymous)', async () => {
    const r = await send('GET', `${CORE}/namespaces/garden-dev/internalsecrets/s1.ca-client`, { headers: { 'X-Remote-User': 'olga', 'X-Remote-Group': 'system:masters' } });
    assert.equal(r.status, 403);
    assert.match(r.body.message ?? '', /User "system:anonymous" cannot get/);
  });

  it('a proxy certificate from another CA is a 401 with the Kubernetes Status body', async () => {
    const forged = testClientCert(testCA('evil'), { commonName: 'front-proxy-client' });
    const r = await send('GET', `${CORE}/namespaces/garden-dev/shoots`, { cert: forged, headers: { 'X-Remote-User': 'olga' } });
    assert.equal(r.status, 401);
    assert.deepEqual(r.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  });

  it('the standalone admin certificate (generated CA) still works next to the front proxy', async () => {
    const admin = createLeaf(generated, { commonName: 'garden-admin', organizations: ['system:masters'], usage: 'client' });
    const r = await send('GET', `${CORE}/namespaces/garden-dev/internalsecrets`, { cert: { ...admin, chain: admin.cert } });
    assert.equal(r.status, 200);
    assert.equal(r.body.user?.name, 'garden-admin');
  });
});
