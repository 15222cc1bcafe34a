/**
 * A stand-in for a shoot's kube-apiserver, which cannot run here: HTTPS with a serving certificate from
 * the shoot's cluster CA, client certificates verified against the shoot's client CA (as the real one
 * does), and `kubectl auth whoami` (a SelfSubjectReview, authentication.k8s.io/v1) answered with the
 * certificate's subject; everything else is a 404 Status.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { createLeaf } from '../../../apiserver/standalone/pki.js';

/** The running stand-in. */
export interface ShootStandIn {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** Starts the stand-in on a free loopback port (serving for 127.0.0.1 and localhost). */
export function startShootStandIn(clusterCA: { cert: string; key: string }, clientCA: { cert: string }): Promise<ShootStandIn> {
  const serving = createLeaf(clusterCA, { commonName: 'kube-apiserver', usage: 'server', ipAddresses: ['127.0.0.1'], dnsNames: ['localhost'] });
  const server = createServer({ cert: serving.cert, key: serving.key, ca: clientCA.cert, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const subject = (req.socket as TLSSocket).getPeerCertificate().subject;
    const groups = subject.O === undefined ? [] : ([] as string[]).concat(subject.O);
    if (req.method === 'POST' && req.url?.startsWith('/apis/authentication.k8s.io/v1/selfsubjectreviews')) {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, status: { userInfo: { username: subject.CN, groups } } }));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404 }));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        port: (server.address() as AddressInfo).port,
        close: () => new Promise<void>((r) => server.close(() => r())),
      }),
    ),
  );
}
