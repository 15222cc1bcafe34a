/**
 * The typed client against a stand-in HTTPS server that authenticates client certificates and bearer
 * tokens and answers with real responses produced by the registry's KubeconfigIssuer.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { KubeConfig } from '@kubernetes/client-node';
import { isStatusError } from '../apimachinery/errors.js';
import { createCA, createLeaf } from '../apiserver/standalone/pki.js';
import { loadClientCA } from '../registry/kubeconfig/ca.js';
import { ClientCertificateIssuer } from '../registry/kubeconfig/certificate.js';
import { KubeconfigIssuer } from '../registry/kubeconfig/issue.js';
import { ecdsaP256KeySource } from '../registry/kubeconfig/keys.js';
import { caSecretData, createTestCA } from '../test/support/test-ca.js';
import type { UserInfo } from '../registry/types.js';
import { KubeconfigRequestError, requestAdminKubeconfig, requestViewerKubeconfig } from './index.js';

const CLUSTER_CA = '-----BEGIN CERTIFICATE-----\nY2x1c3Rlcg==\n-----END CERTIFICATE-----\n';
const PATH = /^\/prefix\/apis\/core\.gardener\.cloud\/v1beta1\/namespaces\/([^/]+)\/shoots\/([^/]+)\/(admin|viewer)kubeconfig$/;

describe('client: requestAdminKubeconfig / requestViewerKubeconfig', function () {
  this.timeout(20_000);
  let server: Server;
  let port: number;
  let issuer: KubeconfigIssuer;
  const serverCA = createCA('server-ca');
  const clientCA = createCA('client-ca');
  const seen: { path: string; body: unknown; user: string }[] = [];

  function userOf(req: IncomingMessage): UserInfo | undefined {
    if (req.headers.authorization === 'Bearer dashboard-token') return { name: 'system:serviceaccount:garden:dashboard', groups: [] };
    const socket = req.socket as TLSSocket;
    if (!socket.authorized) return undefined;
    const cert = socket.getPeerCertificate();
    return { name: String(cert.subject.CN), groups: [String(cert.subject.O)] };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString();
    const m = PATH.exec(req.url ?? '');
    const user = userOf(req);
    const reply = (code: number, body: unknown, type = 'application/json') => {
      res.writeHead(code, { 'content-type': type });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (m === null || req.method !== 'POST') return reply(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404, reason: 'NotFound', message: 'not found' });
    if (user === undefined) return reply(401, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 401, reason: 'Unauthorized', message: 'Unauthorized' });
    if (m[2] === 'flaky') return reply(502, 'bad gateway\n', 'text/plain');
    const body: unknown = JSON.parse(text);
    seen.push({ path: req.url ?? '', body: structuredClone(body), user: user.name });
    try {
      const out = await issuer.handle(m[3] as 'admin' | 'viewer', { namespace: m[1] ?? '', shootName: m[2] ?? '', user, body });
      reply(201, out);
    } catch (e: unknown) {
      if (!isStatusError(e)) throw e;
      reply(e.code, e.status);
    }
  }

  before(async () => {
    const shootCA = await loadClientCA(caSecretData(await createTestCA('rsa-pkcs1')));
    issuer = new KubeconfigIssuer({
      decideGroup: async (kind) => `gardener.cloud:project:${kind}s`,
      getShoot: async (ns, name) =>
        name === 'my-shoot' ? { metadata: { name, namespace: ns }, status: { advertisedAddresses: [{ name: 'external', url: 'https://api.my-shoot.example.com' }] } } : undefined,
      clientCAs: { get: async () => shootCA },
      clusterCA: { get: async () => CLUSTER_CA },
      certificates: new ClientCertificateIssuer(ecdsaP256KeySource()),
      maxExpirationSeconds: { admin: 86400, viewer: 86400 },
    });
    const serving = createLeaf(serverCA, { commonName: 'stand-in', usage: 'server', ipAddresses: ['127.0.0.1'] });
    server = createServer({ cert: serving.cert, key: serving.key, ca: clientCA.cert, requestCert: true, rejectUnauthorized: false }, (req, res) => {
      handle(req, res).catch((e: unknown) => res.destroy(e instanceof Error ? e : new Error(String(e))));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  function kubeconfig(user: { name: string; certData?: string; keyData?: string; token?: string }): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'garden', server: `https://127.0.0.1:${port}/prefix/`, caData: Buffer.from(serverCA.cert).toString('base64'), skipTLSVerify: false }],
      users: [user],
      contexts: [{ name: 'garden', cluster: 'garden', user: user.name }],
      currentContext: 'garden',
    });
    return kc;
  }

  function gardenlet(): KubeConfig {
    const pair = createLeaf(clientCA, { commonName: 'gardener.cloud:system:seed:aws', organizations: ['gardener.cloud:system:seeds'], usage: 'client' });
    return kubeconfig({ name: 'gardenlet', certData: Buffer.from(pair.cert).toString('base64'), keyData: Buffer.from(pair.key).toString('base64') });
  }

  it('requests an admin kubeconfig with a client certificate and parses the answer', async () => {
    const before = Date.now();
    const res = await requestAdminKubeconfig(gardenlet(), 'garden-dev', 'my-shoot', { expirationSeconds: 600 });
    const last = seen.at(-1);
    assert.equal(last?.path, '/prefix/apis/core.gardener.cloud/v1beta1/namespaces/garden-dev/shoots/my-shoot/adminkubeconfig');
    assert.equal(last?.user, 'gardener.cloud:system:seed:aws');
    assert.deepEqual(last?.body, { apiVersion: 'authentication.gardener.cloud/v1alpha1', kind: 'AdminKubeconfigRequest', spec: { expirationSeconds: 600 } });
    assert.equal(res.expirationSeconds, 600);
    assert.ok(Math.abs(res.expirationTimestamp.getTime() - (before + 600_000)) < 5_000);
    assert.equal(res.kubeconfig.getCurrentContext(), 'garden-dev--my-shoot-external');
    assert.equal(res.kubeconfig.getCurrentCluster()?.server, 'https://api.my-shoot.example.com');
    assert.match(res.raw, /^apiVersion: v1\n/);
    const cert = new X509Certificate(Buffer.from(res.kubeconfig.getCurrentUser()?.certData ?? '', 'base64'));
    assert.equal(cert.subject, 'O=gardener.cloud:project:admins\nCN=gardener.cloud:admin:gardener.cloud:system:seed:aws');
    assert.equal(new Date(cert.validTo).getTime(), res.expirationTimestamp.getTime());
  });

  it('requests a viewer kubeconfig with a bearer token and the server default lifetime', async () => {
    const res = await requestViewerKubeconfig(kubeconfig({ name: 'dashboard', token: 'dashboard-token' }), 'garden-dev', 'my-shoot');
    assert.equal(res.expirationSeconds, 3600);
    assert.deepEqual(seen.at(-1)?.body, { apiVersion: 'authentication.gardener.cloud/v1alpha1', kind: 'ViewerKubeconfigRequest', spec: {} });
    const cert = new X509Certificate(Buffer.from(res.kubeconfig.getCurrentUser()?.certData ?? '', 'base64'));
    assert.equal(cert.subject, 'O=gardener.cloud:project:viewers\nCN=gardener.cloud:viewer:system:serviceaccount:garden:dashboard');
  });

  const failures: [string, string, number | undefined, number, string | undefined, string][] = [
    ['a missing shoot', 'missing', undefined, 404, 'NotFound', 'shoots.core.gardener.cloud "missing" not found'],
    ['a too short lifetime', 'my-shoot', 60, 422, 'Invalid',
      'AdminKubeconfigRequest.authentication.gardener.cloud "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes'],
    ['a non-Status error body', 'flaky', undefined, 502, undefined, 'bad gateway'],
  ];
  for (const [name, shoot, seconds, code, reason, message] of failures) {
    it(`rejects with the Status for ${name}`, async () => {
      const opts = seconds === undefined ? {} : { expirationSeconds: seconds };
      const err: unknown = await requestAdminKubeconfig(gardenlet(), 'garden-dev', shoot, opts).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof KubeconfigRequestError);
      assert.equal(err.code, code);
      assert.equal(err.reason, reason);
      assert.equal(err.message, message);
      assert.equal(err.status.message, message);
    });
  }

  it('reports 401 for unauthenticated callers and connection errors as plain errors', async () => {
    const err: unknown = await requestAdminKubeconfig(kubeconfig({ name: 'nobody' }), 'garden-dev', 'my-shoot').then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof KubeconfigRequestError);
    assert.equal(err.code, 401);
    const kc = new KubeConfig();
    kc.loadFromOptions({ clusters: [{ name: 'c', server: 'https://127.0.0.1:1', skipTLSVerify: false }], users: [{ name: 'u' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
    await assert.rejects(requestAdminKubeconfig(kc, 'ns', 'shoot'), (e: unknown) => e instanceof Error && !(e instanceof KubeconfigRequestError));
  });
});
