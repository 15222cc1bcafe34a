/**
 * x509 client-certificate authentication: a certificate the TLS layer verified against the client CA
 * bundle names the user (CN) and groups (O).
 */
import { createHash } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { UserInfo } from '../../registry/types.js';
import type { Authenticator } from './types.js';

function asList(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/**
 * Authenticates requests whose TLS client certificate chains to the server's client CA (checked by
 * node's TLS stack: `requestCert: true`, `ca: <bundle>`; `socket.authorized` tells the outcome).
 */
export function x509Authenticator(): Authenticator {
  return {
    async authenticate(req) {
      const socket = req.socket as TLSSocket;
      if (typeof socket.getPeerCertificate !== 'function' || !socket.authorized) return null;
      const cert = socket.getPeerCertificate(false);
      const cn = cert.subject?.CN;
      const name = Array.isArray(cn) ? cn[0] : cn;
      if (name === undefined || name === '') return null;
      const user: UserInfo = { name, groups: asList(cert.subject.O) };
      const fingerprint = createHash('sha256').update(cert.raw).digest('hex');
      user.extra = { 'authentication.kubernetes.io/credential-id': [`X509SHA256=${fingerprint}`] };
      return user;
    },
  };
}
