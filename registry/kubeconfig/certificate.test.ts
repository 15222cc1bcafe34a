import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSigningCA } from './ca.js';
import { ClientCertificateIssuer, randomSerial, type IssuedCertificate } from './certificate.js';
import { ecdsaP256KeySource, RsaKeyPool, type ClientKeySource } from './keys.js';
import { createTestCA, type TestCA, type TestCAKeyFormat } from '../../test/support/test-ca.js';
import { asn1, AsnConvert, x509 } from './x509.js';

function openssl(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('registry/kubeconfig certificate', function () {
  this.timeout(120_000);
  let dir: string;
  let rsaKeys: RsaKeyPool;
  const ecKeys = ecdsaP256KeySource();

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubeconfig-cert-'));
    rsaKeys = new RsaKeyPool({ size: 2, workers: 2 });
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await rsaKeys.close();
  });

  function files(ca: TestCA, issued: IssuedCertificate): { caFile: string; certFile: string } {
    const caFile = join(dir, 'ca.pem');
    const certFile = join(dir, 'cert.pem');
    writeFileSync(caFile, ca.certPem);
    writeFileSync(certFile, issued.certificatePem);
    return { caFile, certFile };
  }

  const caFormats: TestCAKeyFormat[] = ['rsa-pkcs1', 'rsa-pkcs8', 'ec-sec1', 'ec-pkcs8', 'ec-p384'];
  const clients: [string, () => ClientKeySource][] = [
    ['ecdsa-p256', () => ecKeys],
    ['rsa-3072', () => rsaKeys],
  ];

  for (const format of caFormats) {
    for (const [clientType, source] of clients) {
      it(`issues a verifiable ${clientType} client certificate from a ${format} CA`, async () => {
        const ca = await createTestCA(format);
        const signing = await parseSigningCA(ca.certPem, ca.keyPem);
        const now = new Date();
        const issued = await new ClientCertificateIssuer(source()).issue(signing, {
          commonName: 'gardener.cloud:admin:alice@example.com',
          organization: 'gardener.cloud:system:admins',
          validitySeconds: 3600,
          now,
        });
        const cert = new X509Certificate(issued.certificatePem);
        const caCert = new X509Certificate(ca.certPem);

        assert.equal(cert.verify(ca.publicKey), true);
        assert.equal(cert.checkIssued(caCert), true);
        assert.equal(cert.subject, 'O=gardener.cloud:system:admins\nCN=gardener.cloud:admin:alice@example.com');
        assert.equal(cert.issuer, caCert.subject);
        assert.equal(cert.ca, false);
        assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.2']);
        assert.equal(cert.subjectAltName, undefined);
        assert.equal(new Date(cert.validFrom).getTime(), Math.floor(now.getTime() / 1000) * 1000 - 60_000);
        assert.equal(new Date(cert.validTo).getTime(), Math.floor(now.getTime() / 1000) * 1000 + 3600_000);
        assert.equal(issued.notAfter.getTime(), new Date(cert.validTo).getTime());
        assert.equal(BigInt(`0x${cert.serialNumber}`), BigInt(`0x${issued.serial}`));

        const key = createPrivateKey(issued.privateKeyPem);
        assert.equal(cert.checkPrivateKey(key), true);
        const rsa = clientType === 'rsa-3072';
        assert.match(issued.privateKeyPem, rsa ? /^-----BEGIN RSA PRIVATE KEY-----\n/ : /^-----BEGIN EC PRIVATE KEY-----\n/);
        if (rsa) assert.equal(key.asymmetricKeyDetails?.modulusLength, 3072);
        else assert.equal(key.asymmetricKeyDetails?.namedCurve, 'prime256v1');

        const { caFile, certFile } = files(ca, issued);
        assert.equal(openssl(['verify', '-purpose', 'sslclient', '-CAfile', caFile, certFile]).trim(), `${certFile}: OK`);
        const text = openssl(['x509', '-in', certFile, '-noout', '-text']);
        assert.match(text, /Version: 3 \(0x2\)/);
        assert.match(text, /Subject: O ?= ?gardener\.cloud:system:admins, CN ?= ?gardener\.cloud:admin:alice@example\.com/);
        assert.match(text, /X509v3 Basic Constraints: critical\n\s+CA:FALSE/);
        assert.match(text, rsa ? /X509v3 Key Usage: critical\n\s+Digital Signature, Key Encipherment\n/ : /X509v3 Key Usage: critical\n\s+Digital Signature\n/);
        assert.match(text, /X509v3 Extended Key Usage: \n\s+TLS Web Client Authentication\n/);
        assert.match(text, /X509v3 Authority Key Identifier/);
        assert.doesNotMatch(text, /Subject Alternative Name/);
        const sigAlg = format.startsWith('rsa') ? 'sha256WithRSAEncryption' : format === 'ec-p384' ? 'ecdsa-with-SHA384' : 'ecdsa-with-SHA256';
        assert.match(text, new RegExp(`Signature Algorithm: ${sigAlg}`));
      });
    }
  }

  it('draws random positive serials below 2^128', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const s = randomSerial();
      const n = BigInt(`0x${s}`);
      assert.ok(n > 0n && n < 1n << 128n);
      assert.equal(s.length % 2, 0);
      assert.match(s, /^[0-9A-F]+$/);
      seen.add(s);
    }
    assert.equal(seen.size, 2000);
  });

  it('caps nothing: NotAfter follows the requested lifetime even beyond the CA', async () => {
    const ca = await createTestCA('ec-sec1');
    const signing = await parseSigningCA(ca.certPem, ca.keyPem);
    const now = new Date('2030-01-01T00:00:00.750Z');
    const issued = await new ClientCertificateIssuer(ecKeys).issue(signing, { commonName: 'x', organization: 'g', validitySeconds: 4294967295, now });
    assert.equal(issued.notBefore.toISOString(), '2029-12-31T23:59:00.000Z');
    assert.equal(issued.notAfter.getTime(), Date.parse('2030-01-01T00:00:00Z') + 4294967295_000);
  });
});

describe('registry/kubeconfig certificate encoding', function () {
  this.timeout(60_000);

  /** What @peculiar/x509's own generator makes of the same inputs (the issuer encodes the parts itself). */
  async function reference(ca: Awaited<ReturnType<typeof parseSigningCA>>, issued: IssuedCertificate, spki: Uint8Array, rsa: boolean): Promise<x509.X509Certificate> {
    const extensions: x509.Extension[] = [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | (rsa ? x509.KeyUsageFlags.keyEncipherment : 0), true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth], false),
      new x509.BasicConstraintsExtension(false, undefined, true),
    ];
    if (ca.subjectKeyId !== undefined) extensions.push(new x509.AuthorityKeyIdentifierExtension(ca.subjectKeyId));
    return x509.X509CertificateGenerator.create({
      serialNumber: issued.serial,
      subject: [{ O: ['gardener.cloud:system:admins'] }, { CN: ['gardener.cloud:admin:alice@example.com'] }],
      issuer: ca.certificate.subjectName,
      notBefore: issued.notBefore,
      notAfter: issued.notAfter,
      publicKey: spki,
      signingKey: ca.key,
      signingAlgorithm: ca.signingAlgorithm,
      extensions,
    });
  }

  for (const format of ['rsa-pkcs1', 'ec-sec1', 'ec-p384'] as const) {
    for (const keyAlgorithm of ['rsa', 'ec'] as const) {
      it(`encodes as the library's generator does (${format} CA, ${keyAlgorithm} key)`, async () => {
        const test = await createTestCA(format);
        const ca = await parseSigningCA(test.certPem, test.keyPem);
        const pair =
          keyAlgorithm === 'rsa'
            ? generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'pkcs1', format: 'pem' } })
            : generateKeyPairSync('ec', { namedCurve: 'prime256v1', publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'sec1', format: 'pem' } });
        const key = { algorithm: keyAlgorithm, publicKeySpki: new Uint8Array(pair.publicKey), privateKeyPem: pair.privateKey };
        const issuer = new ClientCertificateIssuer({ type: 'ecdsa-p256', next: async () => key, close: async () => undefined });
        for (let i = 0; i < 8; i++) {
          const issued = await issuer.issue(ca, { commonName: 'gardener.cloud:admin:alice@example.com', organization: 'gardener.cloud:system:admins', validitySeconds: 600 });
          const ours = AsnConvert.parse(new X509Certificate(issued.certificatePem).raw, asn1.Certificate);
          const theirs = AsnConvert.parse((await reference(ca, issued, key.publicKeySpki, keyAlgorithm === 'rsa')).rawData, asn1.Certificate);
          assert.deepEqual(Buffer.from(AsnConvert.serialize(ours.tbsCertificate)), Buffer.from(AsnConvert.serialize(theirs.tbsCertificate)));
          assert.ok(new X509Certificate(issued.certificatePem).verify(new X509Certificate(test.certPem).publicKey), 'signed by the CA');
          if (format === 'rsa-pkcs1') assert.equal(issued.certificatePem, `${(await reference(ca, issued, key.publicKeySpki, keyAlgorithm === 'rsa')).toString('pem')}\n`, 'PKCS#1 v1.5 signatures are deterministic');
        }
      });
    }
  }
});
