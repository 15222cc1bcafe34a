/**
 * Leaf certificates with a P-256 key signed by a standalone CA (whose key is RSA, see `pki.ts`).
 * The serving certificate of standalone mode is one: a TLS handshake signs with the server's key, and
 * an ECDSA P-256 signature costs about a fifteenth of an RSA-2048 one, which a storm of reconnecting
 * clients pays once per connection (`deploy/generate-secrets.sh` makes P-256 serving keys as well).
 * node-forge, which builds the RSA certificates, has no EC keys; these are encoded with the ASN.1
 * classes of `@peculiar/asn1-x509` and signed synchronously by node:crypto, so that start-up stays
 * synchronous up to listening.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { randomSerial, serialOctets } from '../../registry/kubeconfig/certificate.js';
import { arrayBuffer, asn1, AsnConvert, pem, x509 } from '../../registry/kubeconfig/x509.js';
import type { CertKeyPair, LeafOptions } from './pki.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** The extensions of a leaf for `opts`, with the authority key identifier of `ca` when it has one. */
function extensions(ca: x509.X509Certificate, opts: LeafOptions): asn1.Extensions {
  const altNames = [
    ...(opts.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(opts.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const list: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    // RFC 5480: an ECDSA key signs; it cannot encipher keys.
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([opts.usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
  ];
  if (altNames.length > 0) list.push(new x509.SubjectAlternativeNameExtension(altNames));
  const caKeyId = ca.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  if (caKeyId !== undefined) list.push(new x509.AuthorityKeyIdentifierExtension(caKeyId));
  return new asn1.Extensions(list.map((e) => AsnConvert.parse(e.rawData, asn1.Extension)));
}

/**
 * A certificate for a new P-256 key (SEC1 PEM), signed by `ca` with its own signature algorithm
 * (SHA-256 with RSA for a CA from `createCA`); the subject and extensions are those `createLeaf` gives
 * an RSA leaf, less KeyEncipherment.
 */
export function createEcLeaf(ca: CertKeyPair, opts: LeafOptions): CertKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const issuer = new x509.X509Certificate(ca.cert);
  const caCert = AsnConvert.parse(issuer.rawData, asn1.Certificate);
  const now = Date.now();
  const subject = new x509.Name([...(opts.organizations ?? []).map((o) => ({ O: [o] })), { CN: [opts.commonName] }]);
  const tbsCertificate = new asn1.TBSCertificate({
    version: asn1.Version.v3,
    serialNumber: arrayBuffer(serialOctets(randomSerial())),
    signature: caCert.signatureAlgorithm,
    issuer: caCert.tbsCertificate.subject,
    validity: new asn1.Validity({ notBefore: new Date(now - 60_000), notAfter: new Date(now + (opts.days ?? 365) * DAY_MS) }),
    subject: AsnConvert.parse(subject.toArrayBuffer(), asn1.Name),
    subjectPublicKeyInfo: AsnConvert.parse(publicKey.export({ type: 'spki', format: 'der' }), asn1.SubjectPublicKeyInfo),
    extensions: extensions(issuer, opts),
  });
  const signatureValue = sign('sha256', Buffer.from(AsnConvert.serialize(tbsCertificate)), ca.key);
  const der = AsnConvert.serialize(new asn1.Certificate({ tbsCertificate, signatureAlgorithm: caCert.signatureAlgorithm, signatureValue: arrayBuffer(signatureValue) }));
  return { cert: pem('CERTIFICATE', der), key: privateKey.export({ type: 'sec1', format: 'pem' }).toString() };
}
