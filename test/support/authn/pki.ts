/**
 * Test-only PKI: CAs (root and intermediate) and client certificates with a chosen extended key usage
 * and validity, to exercise the front-proxy and client-certificate verification. Not used by the
 * server itself.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/** A certificate, its key and (for leaves) the intermediates to present with it. */
export interface TestCert {
  cert: string;
  key: string;
  /** Leaf plus intermediates, PEM concatenated (what a client sends). */
  chain: string;
}

/** Options of a test certificate. */
export interface TestCertOptions {
  commonName: string;
  organizations?: readonly string[];
  /** Extended key usage: client auth (default), server auth only, none at all, or anyExtendedKeyUsage. */
  usage?: 'client' | 'server' | 'none' | 'any';
  notBefore?: Date;
  notAfter?: Date;
}

function newKey(): { key: forge.pki.rsa.PrivateKey; pem: string; pub: forge.pki.PublicKey } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const key = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  return { key, pem, pub: forge.pki.setRsaPublicKey(key.n, key.e) };
}

function serial(): string {
  const b = randomBytes(16);
  b[0] = (b[0] ?? 0) & 0x7f;
  return b.toString('hex');
}

function subject(cn: string, orgs: readonly string[] = []): forge.pki.CertificateField[] {
  return [{ shortName: 'CN', value: cn }, ...orgs.map((o) => ({ shortName: 'O', value: o }))];
}

function build(pub: forge.pki.PublicKey, opts: TestCertOptions): forge.pki.Certificate {
  const c = forge.pki.createCertificate();
  c.publicKey = pub;
  c.serialNumber = serial();
  c.validity.notBefore = opts.notBefore ?? new Date(Date.now() - 60_000);
  c.validity.notAfter = opts.notAfter ?? new Date(Date.now() + 24 * 3600_000);
  c.setSubject(subject(opts.commonName, opts.organizations));
  return c;
}

/** A CA; with `issuer`, an intermediate signed by it. */
export function testCA(commonName: string, issuer?: TestCert): TestCert {
  const { key, pem, pub } = newKey();
  const c = build(pub, { commonName, notAfter: new Date(Date.now() + 365 * 24 * 3600_000) });
  const signer = issuer === undefined ? undefined : { cert: forge.pki.certificateFromPem(issuer.cert), key: forge.pki.privateKeyFromPem(issuer.key) };
  c.setIssuer(signer === undefined ? c.subject.attributes : signer.cert.subject.attributes);
  c.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  c.sign(signer?.key ?? key, forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(c);
  return { cert: certPem, key: pem, chain: issuer === undefined ? certPem : certPem + issuer.chain };
}

function ekuExtension(usage: TestCertOptions['usage']): object[] {
  switch (usage ?? 'client') {
    case 'client':
      return [{ name: 'extKeyUsage', clientAuth: true }];
    case 'server':
      return [{ name: 'extKeyUsage', serverAuth: true }];
    case 'any':
      return [{ name: 'extKeyUsage', '2.5.29.37.0': true }];
    case 'none':
      return [];
  }
}

/** A leaf certificate signed by `ca`; `chain` carries `ca`'s chain when it is an intermediate. */
export function testClientCert(ca: TestCert, opts: TestCertOptions): TestCert {
  const { pem, pub } = newKey();
  const c = build(pub, opts);
  const caCert = forge.pki.certificateFromPem(ca.cert);
  c.setIssuer(caCert.subject.attributes);
  c.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    ...ekuExtension(opts.usage),
  ]);
  c.sign(forge.pki.privateKeyFromPem(ca.key), forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(c);
  const intermediates = ca.chain === ca.cert ? '' : ca.chain.slice(ca.cert.length);
  return { cert: certPem, key: pem, chain: certPem + ca.cert + intermediates };
}

/** `count` CA certificates sharing one subject and key (each self-signed): a hostile pool of intermediates. */
export function testCAFamily(commonName: string, count: number): TestCert[] {
  const { key, pem, pub } = newKey();
  return Array.from({ length: count }, () => {
    const c = build(pub, { commonName, notAfter: new Date(Date.now() + 24 * 3600_000) });
    c.setIssuer(c.subject.attributes);
    c.setExtensions([{ name: 'basicConstraints', cA: true, critical: true }]);
    c.sign(key, forge.md.sha256.create());
    const certPem = forge.pki.certificateToPem(c);
    return { cert: certPem, key: pem, chain: certPem };
  });
}
