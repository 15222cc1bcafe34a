/**
 * Test helpers: self-signed CAs in the key formats the client CA may come in, and InternalSecret data
 * holding them. Not used by the server.
 */
import { generateKeyPairSync, webcrypto, type KeyObject } from 'node:crypto';
import { x509 } from '../../registry/kubeconfig/x509.js';

/** Key formats of `ca.key`. */
export type TestCAKeyFormat = 'rsa-pkcs1' | 'rsa-pkcs8' | 'ec-sec1' | 'ec-pkcs8' | 'ec-p384';

/** A CA certificate and key as PEM. */
export interface TestCA {
  certPem: string;
  keyPem: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

function keyPair(format: TestCAKeyFormat, rsaBits: number): { privateKey: KeyObject; publicKey: KeyObject } {
  if (format.startsWith('rsa')) return generateKeyPairSync('rsa', { modulusLength: rsaBits });
  return generateKeyPairSync('ec', { namedCurve: format === 'ec-p384' ? 'secp384r1' : 'prime256v1' });
}

function keyPem(format: TestCAKeyFormat, key: KeyObject): string {
  const type = format === 'rsa-pkcs1' ? 'pkcs1' : format === 'ec-sec1' || format === 'ec-p384' ? 'sec1' : 'pkcs8';
  return key.export({ type, format: 'pem' }).toString();
}

/** A self-signed CA (10 years, with SubjectKeyIdentifier) whose key is exported in `format`. */
export async function createTestCA(format: TestCAKeyFormat = 'rsa-pkcs1', opts: { commonName?: string; rsaBits?: number } = {}): Promise<TestCA> {
  const { privateKey, publicKey } = keyPair(format, opts.rsaBits ?? 2048);
  const rsa = format.startsWith('rsa');
  const hash = format === 'ec-p384' ? 'SHA-384' : 'SHA-256';
  const alg = rsa ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : { name: 'ECDSA', namedCurve: format === 'ec-p384' ? 'P-384' : 'P-256' };
  const signingKey = await webcrypto.subtle.importKey('pkcs8', privateKey.export({ type: 'pkcs8', format: 'der' }), alg, false, ['sign']);
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const cert = await x509.X509CertificateGenerator.create({
    subject: [{ CN: [opts.commonName ?? 'ca-client'] }],
    issuer: [{ CN: [opts.commonName ?? 'ca-client'] }],
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + 10 * 365 * 86400_000),
    publicKey: spki,
    signingKey,
    signingAlgorithm: rsa ? alg : { name: 'ECDSA', hash },
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(spki),
    ],
  });
  return { certPem: `${cert.toString('pem')}\n`, keyPem: keyPem(format, privateKey), privateKey, publicKey };
}

/** InternalSecret `data` (base64 values) holding `ca`. */
export function caSecretData(ca: Pick<TestCA, 'certPem' | 'keyPem'>): Record<string, string> {
  return { 'ca.crt': Buffer.from(ca.certPem).toString('base64'), 'ca.key': Buffer.from(ca.keyPem).toString('base64') };
}
