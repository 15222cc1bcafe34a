/**
 * Client-certificate chain verification against CA bundles other than the one the TLS listener was
 * configured with, the way Go's `x509.Certificate.Verify` does it for Kubernetes' x509 and
 * front-proxy authenticators: the peer chain supplies intermediates, only the bundle supplies roots,
 * every certificate must be within its validity period, intermediates must be CAs, and every
 * certificate in the chain that carries an extended key usage must allow client authentication. Only
 * node:crypto (and node-forge's ASN.1 reader for key identifiers in messages) is used, so any key type works.
 */
import { X509Certificate } from 'node:crypto';
import type { TLSSocket, DetailedPeerCertificate } from 'node:tls';
import forge from 'node-forge';

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';
const MAX_CHAIN_LENGTH = 10;

/** A certificate chain that could not be verified. */
export class CertificateVerificationError extends Error {
  override name = 'CertificateVerificationError';
}

/** The certificates a client presented: the leaf first, then what it sent as intermediates. */
export interface PeerChain {
  leaf: X509Certificate;
  intermediates: X509Certificate[];
}

const bundleCache = new Map<string, X509Certificate[]>();

/**
 * Parses a PEM bundle into certificates (cached by content; non-certificate blocks are skipped).
 * Throws when a CERTIFICATE block cannot be parsed.
 */
export function parseBundle(pem: string): X509Certificate[] {
  const cached = bundleCache.get(pem);
  if (cached !== undefined) return cached;
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const certs = blocks.map((b) => new X509Certificate(b));
  if (bundleCache.size > 64) bundleCache.clear();
  bundleCache.set(pem, certs);
  return certs;
}

/**
 * Checks a CA bundle as kube-apiserver's dynamic CA content checks it before using it: at least one
 * certificate, each parsing. `name` names it in the error.
 * @throws Error when the bundle is empty or a certificate does not parse.
 */
export function checkCABundle(name: string, pem: string): void {
  let certs: X509Certificate[];
  try {
    certs = parseBundle(pem);
  } catch (e: unknown) {
    throw new Error(`${name}: a certificate of the bundle cannot be parsed (${e instanceof Error ? e.message : String(e)})`);
  }
  if (certs.length === 0) throw new Error(`missing content for CA bundle ${JSON.stringify(name)}`);
}

/** The client's certificate chain on a TLS socket, or undefined when it sent no certificate. */
export function peerChain(socket: TLSSocket): PeerChain | undefined {
  if (typeof socket.getPeerCertificate !== 'function') return undefined;
  const detailed: Partial<DetailedPeerCertificate> = socket.getPeerCertificate(true);
  if (detailed.raw === undefined || detailed.raw.length === 0) return undefined;
  const leaf = new X509Certificate(detailed.raw);
  const intermediates: X509Certificate[] = [];
  const seen = new Set<Partial<DetailedPeerCertificate>>([detailed]);
  let next: DetailedPeerCertificate | undefined = detailed.issuerCertificate;
  while (next !== undefined && next.raw !== undefined && !seen.has(next) && intermediates.length < MAX_CHAIN_LENGTH) {
    seen.add(next);
    intermediates.push(new X509Certificate(next.raw));
    next = next.issuerCertificate;
  }
  return { leaf, intermediates };
}

function withinValidity(cert: X509Certificate, now: Date): boolean {
  return now >= new Date(cert.validFrom) && now <= new Date(cert.validTo);
}

function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function allowsClientAuth(cert: X509Certificate): boolean {
  // node's `keyUsage` lists the extended key usage OIDs; undefined without the extension
  const eku = cert.keyUsage as string[] | undefined;
  if (eku === undefined) return true; // no restriction, as in Go
  return eku.some((u) => u === CLIENT_AUTH || u === ANY_EXTENDED_KEY_USAGE);
}

/** Values of one subject attribute (`CN`, `O`), unescaped, in order. */
export function subjectValues(cert: X509Certificate, type: 'CN' | 'O'): string[] {
  const v = (cert.toLegacyObject().subject as unknown as Record<string, string | string[] | undefined>)[type];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

function sameCert(a: X509Certificate, b: X509Certificate): boolean {
  return a.raw.equals(b.raw);
}

/** Like Go, give up after this many signature checks (a hostile peer chain cannot make us loop). */
const MAX_SIGNATURE_CHECKS = 100;

interface Search {
  roots: readonly X509Certificate[];
  pool: readonly X509Certificate[];
  now: Date;
  checks: number;
}

function issuedWithinBudget(cert: X509Certificate, issuer: X509Certificate, search: Search): boolean {
  if (search.checks >= MAX_SIGNATURE_CHECKS) return false;
  search.checks++;
  return issuedBy(cert, issuer);
}

function buildChain(chain: X509Certificate[], search: Search): X509Certificate[] | undefined {
  const current = chain[chain.length - 1];
  if (current === undefined) return undefined;
  for (const root of search.roots) {
    if (issuedWithinBudget(current, root, search) && withinValidity(root, search.now)) return [...chain, root];
  }
  if (chain.length >= MAX_CHAIN_LENGTH) return undefined;
  for (const candidate of search.pool) {
    if (chain.some((c) => sameCert(c, candidate)) || !candidate.ca || !withinValidity(candidate, search.now)) continue;
    if (!issuedWithinBudget(current, candidate, search)) continue;
    const found = buildChain([...chain, candidate], search);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** SKID and AKID key identifiers (hex with colons), read from the DER with node-forge's ASN.1 parser. */
function keyIds(cert: X509Certificate): { skid: string; akid: string } {
  const ids = { skid: '', akid: '' };
  const text = (bytes: string) => forge.util.bytesToHex(bytes).toUpperCase().match(/../g)?.join(':') ?? '';
  try {
    const tbs = (forge.asn1.fromDer(forge.util.createBuffer(cert.raw.toString('binary'))).value as forge.asn1.Asn1[])[0];
    const extWrapper = (tbs?.value as forge.asn1.Asn1[] | undefined)?.find((e) => e.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && e.type === 3);
    for (const ext of ((extWrapper?.value as forge.asn1.Asn1[] | undefined)?.[0]?.value ?? []) as forge.asn1.Asn1[]) {
      const parts = ext.value as forge.asn1.Asn1[];
      const oid = forge.asn1.derToOid(forge.util.createBuffer(parts[0]?.value as string));
      const inner = forge.asn1.fromDer(forge.util.createBuffer(parts[parts.length - 1]?.value as string));
      if (oid === '2.5.29.14') ids.skid = text(inner.value as string);
      if (oid === '2.5.29.35') {
        const keyId = (inner.value as forge.asn1.Asn1[]).find((e) => e.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && e.type === 0);
        if (keyId !== undefined) ids.akid = text(keyId.value as string);
      }
    }
  } catch {
    // identifiers are only for messages
  }
  return ids;
}

/** `SN=<serial>, SKID=<hex>, AKID=<hex>`, the way Kubernetes names a certificate in errors. */
export function describeCertificate(cert: X509Certificate): string {
  const { skid, akid } = keyIds(cert);
  return `SN=${BigInt(`0x${cert.serialNumber}`).toString()}, SKID=${skid}, AKID=${akid}`;
}

/**
 * Verifies `peer` against the root certificates of `bundles` for client authentication and returns the
 * chain (leaf first, root last). Throws {@link CertificateVerificationError} with a message in the
 * style of Kubernetes (`verifying certificate SN=…, SKID=…, AKID=… failed: x509: …`).
 */
export function verifyClientChain(peer: PeerChain, bundles: readonly string[], now = new Date()): X509Certificate[] {
  const fail = (why: string) => new CertificateVerificationError(`verifying certificate ${describeCertificate(peer.leaf)} failed: x509: ${why}`);
  const roots = bundles.flatMap((b) => parseBundle(b));
  if (!withinValidity(peer.leaf, now)) {
    throw fail(`certificate has expired or is not yet valid: current time ${now.toISOString()} is outside ${new Date(peer.leaf.validFrom).toISOString()} - ${new Date(peer.leaf.validTo).toISOString()}`);
  }
  const chain = roots.some((r) => sameCert(r, peer.leaf)) ? [peer.leaf] : buildChain([peer.leaf], { roots, pool: peer.intermediates, now, checks: 0 });
  if (chain === undefined) throw fail('certificate signed by unknown authority');
  if (!chain.every(allowsClientAuth)) throw fail('certificate specifies an incompatible key usage');
  return chain;
}

/** The earliest NotAfter of a chain: until then a verification result stays valid. */
export function chainExpiry(chain: readonly X509Certificate[]): number {
  return Math.min(...chain.map((c) => new Date(c.validTo).getTime()));
}

interface CachedVerification {
  chain?: X509Certificate[];
  error?: unknown;
  validUntil: number;
}

const socketCache = new WeakMap<object, Map<string, CachedVerification>>();
const FAILURE_CACHE_MS = 10_000;

function verifyUncached(socket: TLSSocket, bundles: readonly string[], now: number): CachedVerification | undefined {
  const peer = peerChain(socket);
  if (peer === undefined) return undefined;
  try {
    const chain = verifyClientChain(peer, bundles, new Date(now));
    return { chain, validUntil: chainExpiry(chain) };
  } catch (e: unknown) {
    return { error: e, validUntil: now + FAILURE_CACHE_MS };
  }
}

/**
 * Verifies the client certificate of a TLS connection against `bundles`, remembering the outcome per
 * connection and bundle content (so keep-alive requests do not repeat the signature checks; a rotated
 * bundle is a new key). Undefined when the client sent no certificate; throws
 * {@link CertificateVerificationError} when it does not verify.
 */
export function verifySocketCertificate(socket: TLSSocket, bundles: readonly string[], now = Date.now()): X509Certificate[] | undefined {
  const key = bundles.join('\n');
  let perSocket = socketCache.get(socket);
  let entry = perSocket?.get(key);
  if (entry === undefined || now > entry.validUntil) {
    entry = verifyUncached(socket, bundles, now);
    if (entry === undefined) return undefined;
    if (perSocket === undefined) {
      perSocket = new Map();
      socketCache.set(socket, perSocket);
    }
    if (perSocket.size > 8) perSocket.clear();
    perSocket.set(key, entry);
  }
  if (entry.chain === undefined) throw entry.error;
  return entry.chain;
}
