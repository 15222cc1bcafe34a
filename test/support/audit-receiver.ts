/**
 * Test-only stand-in for an audit webhook receiver: an HTTPS server on loopback that asks for a client
 * certificate from its own CA (or a plain HTTP one), records every request (path, headers, body, client
 * port) and answers 200, an error while `failing` says so, or a never-ending trickle while `trickling`. `writeKubeconfig` writes the kubeconfig the server is given with
 * `--audit-webhook-config-file`. Not used by the server itself.
 */
import { writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
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
  /** While true, requests get their status line and then a byte every 100 ms, never an end. */
  trickling: boolean;
  /** The client ports of the connections requests came on, in order. */
  ports: number[];
  /** Writes a kubeconfig for `path` on the receiver, with a client certificate (or `token`). */
  writeKubeconfig(file: string, path?: string, auth?: { token: string }): string;
  close(): Promise<void>;
}

const ca = createCA('audit-receiver-ca');
const serving = createLeaf(ca, { commonName: 'audit-receiver', usage: 'server', ipAddresses: ['127.0.0.1'] });
const client = createLeaf(ca, { commonName: 'garden-apiserver-audit', usage: 'client' });

/** Starts the receiver on a free loopback port; `plain`: HTTP instead of HTTPS. */
export async function startAuditReceiver(opts: { plain?: boolean } = {}): Promise<AuditReceiver> {
  const posts: ReceivedPost[] = [];
  const receiver: AuditReceiver = {
    url: '',
    posts,
    failing: undefined,
    trickling: false,
    ports: [],
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
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    receiver.ports.push(req.socket.remotePort ?? 0);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (receiver.trickling) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        const timer = setInterval(() => res.write(' '), 100);
        res.once('close', () => clearInterval(timer));
        return;
      }
      const code = receiver.failing?.();
      if (code !== undefined) {
        res.writeHead(code, { 'Content-Type': 'text/plain' });
        res.end('failing on purpose');
        return;
      }
      const tls = req.socket as Partial<TLSSocket>;
      const cn = tls.authorized === true ? [tls.getPeerCertificate?.().subject?.CN].flat()[0] : undefined;
      posts.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), clientCN: cn });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{}');
    });
  };
  const server: HttpServer = opts.plain === true ? createHttpServer(handle) : createServer({ cert: serving.cert, key: serving.key, ca: ca.cert, requestCert: true, rejectUnauthorized: false }, handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `${opts.plain === true ? 'http' : 'https'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}

function b64(s: string): string {
  return Buffer.from(s).toString('base64');
}
