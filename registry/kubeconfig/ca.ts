/**
 * The shoot's client CA, as gardenlet stores it in the `<shoot>.ca-client` InternalSecret: `ca.crt`
 * (PEM CERTIFICATE) and `ca.key` (PEM `RSA PRIVATE KEY`, PKCS#1). PKCS#8 (`PRIVATE KEY`) and EC keys
 * (`EC PRIVATE KEY`, SEC1, or PKCS#8) are accepted too, where gardener-apiserver answers 500 (it reads
 * PKCS#1 RSA keys only); a key that does not belong to the certificate is refused, where it would issue
 * certificates no client could use. Error texts of a missing key or certificate are Gardener's. Loaded
 * once into a WebCrypto signing key.
 */
import { createPrivateKey, webcrypto, X509Certificate as NodeX509Certificate, type KeyObject } from 'node:crypto';
import { internalError } from '../../apimachinery/errors.js';
import { x509 } from './x509.js';

type CryptoKey = webcrypto.CryptoKey;
/** The WebCrypto algorithm a CA key signs with (hash included). */
export type SigningAlgorithm = webcrypto.RsaHashedImportParams | webcrypto.EcdsaParams;

/** Data key of the CA certificate. */
export const CA_CERT_KEY = 'ca.crt';
/** Data key of the CA private key. */
export const CA_KEY_KEY = 'ca.key';

/** A CA ready to sign client certificates. */
export interface SigningCA {
  /** The private key, imported for signing (non-extractable). */
  key: CryptoKey;
  /** The algorithm `key` signs with (hash included). */
  signingAlgorithm: SigningAlgorithm;
  /** The CA certificate, parsed. */
  certificate: x509.X509Certificate;
  /** The CA certificate as PEM (first block of `ca.crt`). */
  certificatePem: string;
  /** Hex key id of the CA's SubjectKeyIdentifier, copied into issued certificates' AuthorityKeyIdentifier. */
  subjectKeyId?: string;
}

const KEY_TYPES = new Set(['RSA PRIVATE KEY', 'PRIVATE KEY', 'EC PRIVATE KEY']);
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----/g;

function pemBlocks(text: string): { type: string; pem: string }[] {
  return [...text.matchAll(PEM_BLOCK)].map((m) => ({ type: m[1] ?? '', pem: m[0] }));
}

/** Go's (Gardener's) hash choice per curve; RSA always uses SHA-256. */
const EC_CURVES: Record<string, { namedCurve: string; hash: string }> = {
  prime256v1: { namedCurve: 'P-256', hash: 'SHA-256' },
  secp384r1: { namedCurve: 'P-384', hash: 'SHA-384' },
  secp521r1: { namedCurve: 'P-521', hash: 'SHA-512' },
};

function parsePrivateKey(text: string): KeyObject {
  const block = pemBlocks(text).find((b) => KEY_TYPES.has(b.type));
  if (block === undefined) throw new Error('could not decode the PEM-encoded RSA private key');
  try {
    return createPrivateKey(block.pem);
  } catch (e: unknown) {
    throw new Error(`could not parse the ${block.type}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function firstCertificate(text: string): string {
  const first = pemBlocks(text)[0];
  if (first === undefined || first.type !== 'CERTIFICATE') throw new Error('PEM block type must be CERTIFICATE');
  return first.pem;
}

async function importSigningKey(key: KeyObject): Promise<{ key: CryptoKey; signingAlgorithm: SigningAlgorithm }> {
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  if (key.asymmetricKeyType === 'rsa') {
    const alg: webcrypto.RsaHashedImportParams = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    return { key: await webcrypto.subtle.importKey('pkcs8', pkcs8, alg, false, ['sign']), signingAlgorithm: alg };
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = EC_CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''];
    if (curve === undefined) throw new Error(`unsupported EC curve ${key.asymmetricKeyDetails?.namedCurve ?? 'unknown'}`);
    const imported = await webcrypto.subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve: curve.namedCurve }, false, ['sign']);
    return { key: imported, signingAlgorithm: { name: 'ECDSA', hash: curve.hash } };
  }
  throw new Error(`unsupported private key type ${key.asymmetricKeyType ?? 'unknown'}`);
}

/**
 * Parses a CA certificate and its private key (PEM text). Throws a plain `Error` naming the problem:
 * missing/undecodable key or certificate, unsupported key type, or a key that does not belong to the
 * certificate.
 */
export async function parseSigningCA(certPem: string, keyPem: string): Promise<SigningCA> {
  const privateKey = parsePrivateKey(keyPem);
  const pem = firstCertificate(certPem);
  let nodeCert: NodeX509Certificate;
  try {
    nodeCert = new NodeX509Certificate(pem);
  } catch (e: unknown) {
    throw new Error(`could not parse the x509 certificate: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!nodeCert.checkPrivateKey(privateKey)) throw new Error('the private key does not match the certificate');
  const { key, signingAlgorithm } = await importSigningKey(privateKey);
  const certificate = new x509.X509Certificate(pem);
  const ski = certificate.getExtension(x509.SubjectKeyIdentifierExtension);
  const ca: SigningCA = { key, signingAlgorithm, certificate, certificatePem: `${pem}\n` };
  if (ski !== null) ca.subjectKeyId = ski.keyId;
  return ca;
}

function decodeData(data: Record<string, string> | undefined, key: string): string {
  const value = data?.[key];
  return value === undefined ? '' : Buffer.from(value, 'base64').toString('utf8');
}

/**
 * Loads the client CA from an InternalSecret's `data` (base64 values). Any problem is a 500
 * `could not load client CA certificate from secret: <reason>`.
 */
export async function loadClientCA(data: Record<string, string> | undefined): Promise<SigningCA> {
  try {
    return await parseSigningCA(decodeData(data, CA_CERT_KEY), decodeData(data, CA_KEY_KEY));
  } catch (e: unknown) {
    throw internalError(`could not load client CA certificate from secret: ${e instanceof Error ? e.message : String(e)}`);
  }
}
