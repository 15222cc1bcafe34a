/**
 * Issues the short-lived client certificate of a kubeconfig, as Gardener's secrets utilities do for a
 * client certificate: subject O=<group>, CN=<prefix><user>; BasicConstraints CA=false (critical);
 * KeyUsage (critical) DigitalSignature|KeyEncipherment for RSA keys and DigitalSignature alone for EC
 * keys (RFC 5480 forbids KeyEncipherment for ECDSA keys, which cannot encrypt); ExtKeyUsage ClientAuth;
 * AuthorityKeyIdentifier when the CA has a SubjectKeyIdentifier (as Go's x509 adds it); no SANs;
 * NotBefore now - 1 minute; NotAfter now + lifetime; a random positive serial below 2^128; signed by the
 * CA key (SHA-256 for RSA and P-256 CAs; SHA-384/SHA-512 for P-384/P-521 CAs, as Go chooses).
 */
import { KeyObject, randomBytes, sign } from 'node:crypto';
import type { SigningCA } from './ca.js';
import type { ClientKeySource } from './keys.js';
import { arrayBuffer, asn1, AsnConvert, pem, x509 } from './x509.js';

/** Clock skew allowance subtracted from NotBefore. */
export const CLOCK_SKEW_SECONDS = 60;

/** What to put into the certificate. */
export interface ClientCertificateSpec {
  commonName: string;
  /** Exactly one organization (the group chosen for the user). */
  organization: string;
  /** Lifetime from `now`. */
  validitySeconds: number;
  /** Defaults to the current time. */
  now?: Date;
}

/** An issued certificate and its private key. */
export interface IssuedCertificate {
  certificatePem: string;
  /** PKCS#1 `RSA PRIVATE KEY` or SEC1 `EC PRIVATE KEY`. */
  privateKeyPem: string;
  /** Serial number, upper-case hex without leading zeros (as `openssl x509 -serial` prints it, modulo padding). */
  serial: string;
  notBefore: Date;
  notAfter: Date;
}

const BASIC_CONSTRAINTS = new x509.BasicConstraintsExtension(false, undefined, true);
const EXT_KEY_USAGE = new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth], false);
const KEY_USAGE_RSA = new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true);
const KEY_USAGE_EC = new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true);

/** A random serial in [1, 2^128), as hex. */
export function randomSerial(): string {
  for (;;) {
    const n = BigInt(`0x${randomBytes(16).toString('hex')}`);
    if (n > 0n) {
      const hex = n.toString(16).toUpperCase();
      return hex.length % 2 === 0 ? hex : `0${hex}`;
    }
  }
}

/** Whole seconds (certificates carry no fractions; the response timestamp must equal NotAfter). */
function floorSeconds(ms: number): Date {
  return new Date(Math.floor(ms / 1000) * 1000);
}

/** What every certificate of one CA and key algorithm shares: issuer, signature algorithm, extensions. */
interface Template {
  issuer: asn1.Name;
  signatureAlgorithm: asn1.AlgorithmIdentifier;
  extensions: asn1.Extensions;
  signingKey: KeyObject;
  hash: string;
}

const templates = new WeakMap<SigningCA, Map<string, Template>>();

/** Positive DER INTEGER octets of a hex serial (leading zeros dropped, a zero byte before a high bit). */
export function serialOctets(hex: string): Uint8Array {
  let bytes = Buffer.from(hex, 'hex');
  let first = 0;
  while (first < bytes.length - 1 && bytes[first] === 0) first++;
  bytes = bytes.subarray(first);
  return (bytes[0] ?? 0) > 0x7f ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
}


/**
 * The template of `ca` for keys of `algorithm`, built once from a certificate made by the library's own
 * generator (so names, algorithm identifiers and extensions are encoded exactly as it encodes them).
 */
async function templateOf(ca: SigningCA, algorithm: 'rsa' | 'ec', publicKeySpki: Uint8Array): Promise<Template> {
  let byAlgorithm = templates.get(ca);
  if (byAlgorithm === undefined) templates.set(ca, (byAlgorithm = new Map()));
  const known = byAlgorithm.get(algorithm);
  if (known !== undefined) return known;
  const extensions: x509.Extension[] = [algorithm === 'rsa' ? KEY_USAGE_RSA : KEY_USAGE_EC, EXT_KEY_USAGE, BASIC_CONSTRAINTS];
  if (ca.subjectKeyId !== undefined) extensions.push(new x509.AuthorityKeyIdentifierExtension(ca.subjectKeyId));
  const sample = await x509.X509CertificateGenerator.create({
    serialNumber: '01',
    subject: [{ CN: ['template'] }],
    issuer: ca.certificate.subjectName,
    publicKey: publicKeySpki,
    signingKey: ca.key,
    signingAlgorithm: ca.signingAlgorithm,
    extensions,
  });
  const parsed = AsnConvert.parse(sample.rawData, asn1.Certificate);
  const t: Template = {
    issuer: parsed.tbsCertificate.issuer,
    signatureAlgorithm: parsed.signatureAlgorithm,
    extensions: parsed.tbsCertificate.extensions ?? new asn1.Extensions(),
    signingKey: KeyObject.from(ca.key),
    hash: ('hash' in ca.signingAlgorithm && typeof ca.signingAlgorithm.hash === 'string' ? ca.signingAlgorithm.hash : 'SHA-256').replace('-', '').toLowerCase(),
  };
  byAlgorithm.set(algorithm, t);
  return t;
}

/** Signs `data` with the template's key on the threadpool (DER-encoded ECDSA signatures, as X.509 wants). */
function signOnThreadpool(t: Template, data: ArrayBuffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    sign(t.hash, Buffer.from(data), { key: t.signingKey, dsaEncoding: 'der' }, (err, sig) => (err === null ? resolve(sig) : reject(err)));
  });
}

/**
 * Signs client certificates with keys from a {@link ClientKeySource}. The per-CA parts are encoded once
 * (see templateOf); each certificate then costs one TBSCertificate encoding and one signature, which
 * runs off the main thread.
 */
export class ClientCertificateIssuer {
  constructor(readonly keys: ClientKeySource) {}

  /** Issues one certificate signed by `ca`. */
  async issue(ca: SigningCA, spec: ClientCertificateSpec): Promise<IssuedCertificate> {
    const key = await this.keys.next();
    const now = (spec.now ?? new Date()).getTime();
    const notBefore = floorSeconds(now - CLOCK_SKEW_SECONDS * 1000);
    const notAfter = floorSeconds(now + spec.validitySeconds * 1000);
    const serial = randomSerial();
    const t = await templateOf(ca, key.algorithm, key.publicKeySpki);
    const subject = AsnConvert.parse(new x509.Name([{ O: [spec.organization] }, { CN: [spec.commonName] }]).toArrayBuffer(), asn1.Name);
    const tbsCertificate = new asn1.TBSCertificate({
      version: asn1.Version.v3,
      serialNumber: arrayBuffer(serialOctets(serial)),
      signature: t.signatureAlgorithm,
      issuer: t.issuer,
      validity: new asn1.Validity({ notBefore, notAfter }),
      subject,
      subjectPublicKeyInfo: AsnConvert.parse(key.publicKeySpki, asn1.SubjectPublicKeyInfo),
      extensions: t.extensions,
    });
    const signatureValue = await signOnThreadpool(t, AsnConvert.serialize(tbsCertificate));
    const der = AsnConvert.serialize(new asn1.Certificate({ tbsCertificate, signatureAlgorithm: t.signatureAlgorithm, signatureValue: arrayBuffer(signatureValue) }));
    return { certificatePem: pem('CERTIFICATE', der), privateKeyPem: key.privateKeyPem, serial, notBefore, notAfter };
  }
}
