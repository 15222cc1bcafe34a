/**
 * Test-only HTTPS harness: a listener configured like the real server (`requestCert: true`,
 * `rejectUnauthorized: false`, `ca` = an unrelated bundle) that runs an authenticator and answers with
 * the established user as JSON (401 Status when it fails), plus a client that presents a chosen
 * certificate chain and headers. Not used by the server itself.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { UserInfo } from '../../../registry/types.js';
import { createCA, createLeaf } from '../../../apiserver/standalone/pki.js';
import type { Authenticator } from '../../../apiserver/authn/types.js';

/** What the harness answers. */
export interface AuthResponse {
  status: number;
  /** The user (null: no authenticator applied), or the Status body on 401. */
  body: { user: UserInfo | null; headers: IncomingHttpHeaders; rawHeaders: string[] } | { kind: 'Status'; message: string; code: number };
}

/** The running harness. */
export interface AuthHarness {
  url: string;
  /** Sends GET `path` with optional client certificate chain/key and headers. */
  send(opts?: { cert?: string; key?: string; headers?: Record<string, string | string[]>; path?: string }): Promise<AuthResponse>;
  close(): Promise<void>;
}

const serverCA = createCA('harness-ca');
const serving = createLeaf(serverCA, { commonName: 'harness', usage: 'server', ipAddresses: ['127.0.0.1'], dnsNames: ['localhost'] });

/** Starts the harness; `tlsCA` is the listener's `ca` (default: an unrelated CA). */
export async function startAuthHarness(authenticator: Authenticator, tlsCA: string = serverCA.cert): Promise<AuthHarness> {
  const server: Server = createServer({ cert: serving.cert, key: serving.key, ca: tlsCA, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    authenticator.authenticate(req).then(
      (user) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ user, headers: req.headers, rawHeaders: req.rawHeaders }));
      },
      (e: unknown) => {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: e instanceof Error ? e.message : String(e), reason: 'Unauthorized', code: 401 }));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    send(opts = {}) {
      return new Promise((resolve, reject) => {
        const req = request(
          new URL(opts.path ?? '/apis/core.gardener.cloud/v1beta1', url),
          { ca: serverCA.cert, ...(opts.cert !== undefined && { cert: opts.cert }), ...(opts.key !== undefined && { key: opts.key }), headers: opts.headers ?? {}, agent: false },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) as AuthResponse['body'] }));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end();
      });
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** The user of a 200 answer (throws on 401, to make test failures readable). */
export function userOf(r: AuthResponse): UserInfo | null {
  if (!('user' in r.body)) throw new Error(`expected a user, got ${r.status}: ${r.body.message}`);
  return r.body.user;
}
