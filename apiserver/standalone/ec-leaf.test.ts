import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { bootstrapStandalone } from './bootstrap.js';
import { createEcLeaf } from './ec-leaf.js';
import { createCA, createLeaf, type CertKeyPair } from './pki.js';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

/** The certificate a TLS client sees from a server presenting `leaf`, once the chain checked out. */
async function handshake(ca: CertKeyPair, leaf: CertKeyPair, servername: string): Promise<{ authorized: boolean; curve: string | undefined }> {
  const server = createServer({ cert: leaf.cert, key: leaf.key }, (s) => s.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const socket: TLSSocket = await new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, ca: ca.cert, servername }, () => resolve(s));
      s.on('error', reject);
    });
    const peer = socket.getPeerCertificate();
    socket.destroy();
    return { authorized: socket.authorized, curve: peer.asn1Curve };
  } finally {
    server.close();
  }
}

describe('apiserver/standalone P-256 leaf certificates', () => {
  let ca: CertKeyPair;
  before(() => {
    ca = createCA('test-ca');
  });

  it('signs a P-256 serving certificate with the RSA CA, for the names asked, and serves TLS with it', async () => {
    const leaf = createEcLeaf(ca, { commonName: 'garden-apiserver', usage: 'server', dnsNames: ['localhost', 'api.example'], ipAddresses: ['127.0.0.1', '::1'] });
    const cert = new X509Certificate(leaf.cert);
    const caCert = new X509Certificate(ca.cert);
    assert.ok(cert.verify(caCert.publicKey), 'signed by the CA');
    assert.ok(cert.checkIssued(caCert), 'issuer and authority key identifier match the CA');
    assert.ok(cert.checkPrivateKey(createPrivateKey(leaf.key)), 'the key belongs to the certificate');
    assert.match(leaf.key, /^-----BEGIN EC PRIVATE KEY-----\n/);
    assert.equal(cert.publicKey.asymmetricKeyType, 'ec');
    assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.equal(cert.subject, 'CN=garden-apiserver');
    assert.equal(cert.issuer, caCert.subject);
    assert.equal(cert.ca, false);
    assert.deepEqual(cert.keyUsage, [SERVER_AUTH]);
    assert.equal(cert.checkHost('api.example'), 'api.example');
    assert.equal(cert.checkIP('::1'), '::1');
    assert.equal(cert.checkIP('10.0.0.1'), undefined);
    const days = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 86_400_000;
    assert.ok(days > 364 && days < 366, `valid for a year (${days} days)`);
    assert.deepEqual(await handshake(ca, leaf, 'localhost'), { authorized: true, curve: 'prime256v1' });
  });

  it('makes client certificates with organizations, and every serial differs', () => {
    const a = new X509Certificate(createEcLeaf(ca, { commonName: 'u', organizations: ['system:masters'], usage: 'client', days: 2 }).cert);
    const b = new X509Certificate(createEcLeaf(ca, { commonName: 'u', usage: 'client' }).cert);
    assert.equal(a.subject, 'O=system:masters\nCN=u');
    assert.deepEqual(a.keyUsage, [CLIENT_AUTH]);
    assert.equal(a.subjectAltName, undefined);
    assert.notEqual(a.serialNumber, b.serialNumber);
  });

  it('is what a new data directory serves with; an existing serving certificate is kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'standalone-pki-'));
    try {
      const first = await bootstrapStandalone(dir, '127.0.0.1');
      const serving = new X509Certificate(first.serving.cert);
      assert.equal(serving.publicKey.asymmetricKeyType, 'ec');
      assert.ok(serving.verify(new X509Certificate(first.ca.cert).publicKey));
      assert.equal(new X509Certificate(first.admin.cert).publicKey.asymmetricKeyType, 'rsa');
      const rsa = createLeaf(first.ca, { commonName: 'garden-apiserver', usage: 'server', ipAddresses: ['127.0.0.1'] });
      writeFileSync(join(dir, 'pki/apiserver.crt'), rsa.cert);
      writeFileSync(join(dir, 'pki/apiserver.key'), rsa.key);
      assert.deepEqual((await bootstrapStandalone(dir, '127.0.0.1')).serving, rsa);
      assert.equal(readFileSync(join(dir, 'pki/ca.crt'), 'utf8'), first.ca.cert);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
