/**
 * Issues the short-lived client certificate of a kubeconfig, as Gardener's secrets utilities do for a
 * client certificate: subject O=<group>, CN=<prefix><user>; BasicConstraints CA=false (critical);
 * KeyUsage (critical) DigitalSignature|KeyEncipherment for RSA keys and DigitalSignature alone for EC
 * keys (RFC 5480 forbids KeyEncipherment for ECDSA keys, which cannot encrypt); ExtKeyUsage ClientAuth;
 * AuthorityKeyIdentifier when the CA has a SubjectKeyIdentifier (as Go's x509 adds it); no SANs;
 * NotBefore now - 1 minute; NotAfter now + lifetime; a random positive serial below 2^128; signed by the
 * CA key (SHA-256 for RSA and P-256 CAs; SHA-384/SHA-512 for P-384/P-521 CAs, as Go chooses).
 */
import { randomBytes } from 'node:crypto';
import type { SigningCA } from './ca.js';
import type { ClientKeySource } from './keys.js';
import { x509 } from './x509.js';

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

/** Signs client certificates with keys from a {@link ClientKeySource}. */
export class ClientCertificateIssuer {
  constructor(readonly keys: ClientKeySource) {}

  /** Issues one certificate signed by `ca`. */
  async issue(ca: SigningCA, spec: ClientCertificateSpec): Promise<IssuedCertificate> {
    const key = await this.keys.next();
    const now = (spec.now ?? new Date()).getTime();
    const notBefore = floorSeconds(now - CLOCK_SKEW_SECONDS * 1000);
    const notAfter = floorSeconds(now + spec.validitySeconds * 1000);
    const serial = randomSerial();
    const extensions: x509.Extension[] = [key.algorithm === 'rsa' ? KEY_USAGE_RSA : KEY_USAGE_EC, EXT_KEY_USAGE, BASIC_CONSTRAINTS];
    if (ca.subjectKeyId !== undefined) extensions.push(new x509.AuthorityKeyIdentifierExtension(ca.subjectKeyId));
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial,
      subject: [{ O: [spec.organization] }, { CN: [spec.commonName] }],
      issuer: ca.certificate.subjectName,
      notBefore,
      notAfter,
      publicKey: key.publicKeySpki,
      signingKey: ca.key,
      signingAlgorithm: ca.signingAlgorithm,
      extensions,
    });
    return { certificatePem: `${cert.toString('pem')}\n`, privateKeyPem: key.privateKeyPem, serial, notBefore, notAfter };
  }
}
