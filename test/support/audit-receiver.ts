/**
 * Test-only stand-in for an audit webhook receiver: an HTTPS server on loopback that requires a client
 * certificate from its own CA, records every request (path, headers, body) and answers 200, or an
 * error while `failing` says so. `writeKubeconfig` writes the kubeconfig the server is given with
 * `--audit-webhook-config-file`. Not used by the server itself.
 */
import { writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { stringify } from 'yaml';
import { createCA, createLeaf } from '../../apiserver/standalone/pki.js';
import type { AuditEvent } from '../../apiserver/audit/types.js';

/** One request the receiver got. */
export interface ReceivedPost {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The CN of the client certificate presented. */
  clientCN: string | undefined;
}

/** The running receiver. */
export interface AuditReceiver {
  url: string;
  posts: ReceivedPost[];
  /** Every event of every EventList received, in order. */
  events(): AuditEvent[];
  /** While it returns a code, requests are answered with it (and not recorded as delivered). */
  failing: (() => number | undefined) | undefined;
  /** Writes a kubeconfig for `path` on the receiver, with a client certificate (or `token`). */
  writeKubeconfig(file: string, path?: string, auth?: { token: string }): string;
  close(): Promise<void>;
}

const ca = createCA('audit-receiver-ca');
const serving = createLeaf(ca, { commonName: 'audit-receiver', usage: 'server', ipAddresses: ['127.0.0.1'] });
const client = createLeaf(ca, { commonName: 'garden-apiserver-audit', usage: 'client' });

/** Starts the receiver on a free loopback port. */
export async function startAuditReceiver(): Promise<AuditReceiver> {
  const posts: ReceivedPost[] = [];
  const receiver: AuditReceiver = {
    url: '',
    posts,
    failing: undefined,
    events: () => posts.flatMap((p) => (JSON.parse(p.body) as { items: AuditEvent[] }).items),
    writeKubeconfig(file, path = '/audit/events', auth) {
      const user = auth !== undefined ? { token: auth.token } : { 'client-certificate-data': b64(client.cert), 'client-key-data': b64(client.key) };
      const kubeconfig = {
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'audit', cluster: { server: `${receiver.url}${path}`, 'certificate-authority-data': b64(ca.cert) } }],
        users: [{ name: 'audit', user }],
        contexts: [{ name: 'audit', context: { cluster: 'audit', user: 'audit' } }],
        'current-context': 'audit',
      };
      writeFileSync(file, stringify(kubeconfig));
      return file;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server: Server = createServer({ cert: serving.cert, key: serving.key, ca: ca.cert, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const code = receiver.failing?.();
      if (code !== undefined) {
        res.writeHead(code, { 'Content-Type': 'text/plain' });
        res.end('failing on purpose');
        return;
      }
      const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
      const authorized = (req.socket as import('node:tls').TLSSocket).authorized;
      posts.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), clientCN: authorized ? [peer.subject?.CN].flat()[0] : undefined });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}

function b64(s: string): string {
  return Buffer.from(s).toString('base64');
}
