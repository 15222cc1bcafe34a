/**
 * x509 client-certificate authentication: a client certificate that chains to one of the trusted client
 * CA bundles (`--client-ca-file`, the garden cluster's `client-ca-file`, the standalone generated CA)
 * names the user (CN) and groups (O); extra `authentication.kubernetes.io/credential-id` carries the
 * certificate's SHA-256.
 */
import { createHash, type X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { UserInfo } from '../../registry/types.js';
import { subjectValues, verifySocketCertificate } from './certverify.js';
import { AuthenticationError, type Authenticator } from './types.js';

/** Extra key holding the certificate fingerprint, as Kubernetes sets it. */
export const CREDENTIAL_ID_EXTRA = 'authentication.kubernetes.io/credential-id';

/** Where the trusted client CA bundles come from. */
export interface X509AuthenticatorOptions {
  /**
   * The PEM bundles whose certificates are trusted roots, asked on every request (so rotated bundles
   * apply at once). An empty list means client certificates are not accepted (the authenticator
   * answers "not mine").
   */
  bundles: () => readonly string[];
}

function asList(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}


/** The user a verified leaf certificate names (last CN, all O), or null when its CN is empty. */
export function userFromCertificate(leaf: X509Certificate): UserInfo | null {
  const name = subjectValues(leaf, 'CN').at(-1) ?? ''; // Go keeps the last CN
  if (name === '') return null;
  const fingerprint = createHash('sha256').update(leaf.raw).digest('hex');
  return { name, groups: subjectValues(leaf, 'O'), extra: { [CREDENTIAL_ID_EXTRA]: [`X509SHA256=${fingerprint}`] } };
}

function tlsVerifiedAuthenticator(): Authenticator {
  return {
    async authenticate(req) {
      const socket = req.socket as TLSSocket;
      if (typeof socket.getPeerCertificate !== 'function' || !socket.authorized) return null;
      const cert = socket.getPeerCertificate(false);
      const cn = cert.subject?.CN;
      const name = Array.isArray(cn) ? cn[0] : cn;
      if (name === undefined || name === '') return null;
      const fingerprint = createHash('sha256').update(cert.raw).digest('hex');
      return { name, groups: asList(cert.subject.O), extra: { [CREDENTIAL_ID_EXTRA]: [`X509SHA256=${fingerprint}`] } };
    },
  };
}

/**
 * Authenticates requests by TLS client certificate.
 *
 * With `options`, every request's certificate is verified here against `options.bundles()` (the peer
 * chain supplies intermediates; ClientAuth usage required): no certificate -> null (next
 * authenticator); a certificate that does not verify -> {@link AuthenticationError} (401 unless
 * another authenticator establishes a user). Without `options` (legacy), the TLS layer's verdict
 * (`socket.authorized`, i.e. the listener's `ca` bundle) is trusted; do not use that form once the
 * listener's `ca` also lists the front-proxy CA.
 */
export function x509Authenticator(options?: X509AuthenticatorOptions): Authenticator {
  if (options === undefined) return tlsVerifiedAuthenticator();
  // A connection presents one certificate for its lifetime: its verification is kept per socket (for the
  // same trusted bundles, at most a minute and never past the certificate's expiry) instead of being
  // repeated on every request of a keep-alive connection.
  const verified = new WeakMap<TLSSocket, { bundles: readonly string[]; until: number; outcome: UserInfo | null | AuthenticationError }>();
  const verify = (socket: TLSSocket, bundles: string[]): UserInfo | null | AuthenticationError => {
    try {
      const leaf = verifySocketCertificate(socket, bundles)?.[0];
      return leaf === undefined ? null : userFromCertificate(leaf);
    } catch (e: unknown) {
      return new AuthenticationError(e instanceof Error ? e.message : String(e));
    }
  };
  return {
    async authenticate(req) {
      const socket = req.socket as TLSSocket;
      const bundles = options.bundles().filter((b) => b.trim() !== '');
      if (bundles.length === 0) return null;
      const now = Date.now();
      let entry = verified.get(socket);
      if (entry === undefined || !sameBundles(entry.bundles, bundles) || entry.until <= now) {
        const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate(false) : undefined;
        const expiry = peer?.valid_to ? Date.parse(peer.valid_to) : now;
        entry = { bundles, until: Math.min(now + 60_000, expiry), outcome: verify(socket, bundles) };
        verified.set(socket, entry);
      }
      if (entry.outcome instanceof AuthenticationError) throw entry.outcome;
      return entry.outcome === null ? null : copyUser(entry.outcome);
    },
  };
}

/** Whether two lists of PEM bundles are the same (the same strings are compared by reference first). */
function sameBundles(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** A copy of `u` the request may change without touching the cached one. */
function copyUser(u: UserInfo): UserInfo {
  const extra = u.extra === undefined ? undefined : Object.fromEntries(Object.entries(u.extra).map(([k, v]) => [k, [...v]]));
  return { ...u, groups: [...u.groups], ...(extra !== undefined && { extra }) };
}
