/**
 * The issued kubeconfig works with kubectl: a stand-in "shoot kube-apiserver" (HTTPS, serving
 * certificate from the cluster CA, client certificates verified against the shoot's client CA) answers
 * `kubectl get --raw /whoami` with the authenticated subject. Skipped when kubectl is not installed.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { createCA, createLeaf } from '../../apiserver/standalone/pki.js';
import { loadClientCA } from './ca.js';
import { ClientCertificateIssuer } from './certificate.js';
import { KubeconfigIssuer } from './issue.js';
import { ecdsaP256KeySource, RsaKeyPool, type ClientKeySource } from './keys.js';
import { caSecretData } from '../../test/support/test-ca.js';

function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch (e: unknown) {
    void e;
    return false;
  }
}

describe('registry/kubeconfig kubeconfig with kubectl', function () {
  this.timeout(60_000);
  const clusterCA = createCA('cluster-ca');
  const clientCA = createCA('ca-client');
  let server: Server;
  let port: number;
  let dir: string;
  let rsa: RsaKeyPool;

  before(async function () {
    assert.ok(hasKubectl(), 'kubectl is required (it is on every machine image)');
    dir = mkdtempSync(join(tmpdir(), 'kubeconfig-kubectl-'));
    rsa = new RsaKeyPool({ size: 1, workers: 1 });
    const serving = createLeaf(clusterCA, { commonName: 'kube-apiserver', usage: 'server', ipAddresses: ['127.0.0.1'] });
    server = createServer({ cert: serving.cert, key: serving.key, ca: clientCA.cert, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      const subject = (req.socket as TLSSocket).getPeerCertificate().subject;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ path: req.url, cn: subject.CN, o: subject.O }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  after(async () => {
    await rsa?.close();
    if (server !== undefined) await new Promise((resolve) => server.close(resolve));
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  async function kubeconfigFor(keys: ClientKeySource): Promise<string> {
    const signing = await loadClientCA(caSecretData({ certPem: clientCA.cert, keyPem: clientCA.key }));
    const issuer = new KubeconfigIssuer({
      decideGroup: async () => 'gardener.cloud:project:admins',
      getShoot: async (ns, name) => ({
        metadata: { name, namespace: ns },
        status: { advertisedAddresses: [{ name: 'external', url: `https://127.0.0.1:${port}` }, { name: 'internal', url: `https://localhost:${port}` }] },
      }),
      clientCAs: { get: async () => signing },
      clusterCA: { get: async () => clusterCA.cert },
      certificates: new ClientCertificateIssuer(keys),
      maxExpirationSeconds: { admin: 86400, viewer: 86400 },
    });
    const res = await issuer.handle('admin', { namespace: 'garden-dev', shootName: 'my-shoot', user: { name: 'alice', groups: [] }, body: { spec: { expirationSeconds: 600 } } });
    const file = join(dir, `${keys.type}.kubeconfig`);
    writeFileSync(file, Buffer.from(res.status.kubeconfig, 'base64'));
    return file;
  }

  for (const type of ['ecdsa-p256', 'rsa-3072'] as const) {
    it(`authenticates kubectl as gardener.cloud:admin:<user> (${type} key)`, async () => {
      const file = await kubeconfigFor(type === 'rsa-3072' ? rsa : ecdsaP256KeySource());
      const { stdout } = await promisify(execFile)('kubectl', ['--kubeconfig', file, 'get', '--raw', '/whoami']);
      assert.deepEqual(JSON.parse(stdout), { path: '/whoami', cn: 'gardener.cloud:admin:alice', o: 'gardener.cloud:project:admins' });
      const contexts = execFileSync('kubectl', ['--kubeconfig', file, 'config', 'get-contexts', '-o', 'name'], { encoding: 'utf8' });
      assert.deepEqual(contexts.trim().split('\n'), ['garden-dev--my-shoot-external', 'garden-dev--my-shoot-internal']);
      const current = execFileSync('kubectl', ['--kubeconfig', file, 'config', 'current-context'], { encoding: 'utf8' });
      assert.equal(current.trim(), 'garden-dev--my-shoot-external');
    });
  }
});
