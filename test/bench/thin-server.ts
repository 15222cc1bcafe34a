/**
 * The thinnest honest create path in Node, the benchmark's baseline for InternalSecret creates on etcd:
 * HTTPS with client certificates (verified by TLS), the JSON body parsed, the object encrypted with
 * AES-CBC in kube-apiserver's format, written with a create-if-absent transaction, and the object
 * returned as JSON with its resourceVersion. No authorization, admission, validation, defaulting,
 * managedFields, watch cache, audit or metrics. Run as its own process, like the server:
 *
 *   node --import tsx test/bench/thin-server.ts '<json ThinConfig>'   (prints "listening on <port>")
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { CompareResult, CompareTarget, Etcd3 } from 'etcd3';

/** What the thin server is started with. */
export interface ThinConfig {
  endpoints: string[];
  /** Directory of the standalone PKI: pki/apiserver.{crt,key} to serve with, pki/ca.crt for clients. */
  dataDir: string;
  /** 32-byte AES key, base64. */
  aesKey: string;
  /** gRPC channel options of the etcd client. */
  grpcOptions?: Record<string, unknown>;
}

const PREFIX = '/registry-gardener/core.gardener.cloud/internalsecrets/';
const ENC_PREFIX = Buffer.from('k8s:enc:aescbc:v1:k1:');

function encrypt(key: Buffer, plain: Buffer): Buffer {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([ENC_PREFIX, iv, cipher.update(plain), cipher.final()]);
}

function reply(res: import('node:http').ServerResponse, code: number, body: unknown): void {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': bytes.length });
  res.end(bytes);
}

const cfg = JSON.parse(process.argv[2] ?? '{}') as ThinConfig;
const key = Buffer.from(cfg.aesKey, 'base64');
const client = new Etcd3({ hosts: cfg.endpoints, ...(cfg.grpcOptions !== undefined && { grpcOptions: cfg.grpcOptions }) });
const pki = (f: string) => readFileSync(`${cfg.dataDir}/pki/${f}`);
const server = createServer({ cert: pki('apiserver.crt'), key: pki('apiserver.key'), ca: pki('ca.crt'), requestCert: true, rejectUnauthorized: true }, (req, res) => {
  const ns = /^\/apis\/core\.gardener\.cloud\/v1beta1\/namespaces\/([^/]+)\/internalsecrets$/.exec(req.url ?? '')?.[1];
  if (req.method !== 'POST' || ns === undefined) return reply(res, 404, { kind: 'Status', code: 404 });
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const obj = JSON.parse(Buffer.concat(chunks).toString()) as { metadata: { name: string; namespace?: string; resourceVersion?: string } };
    obj.metadata.namespace = ns;
    const k = Buffer.from(`${PREFIX}${ns}/${obj.metadata.name}`);
    const value = encrypt(key, Buffer.from(JSON.stringify(obj)));
    client.kv
      .txn({ compare: [{ key: k, target: CompareTarget.Create, result: CompareResult.Equal, create_revision: 0 }], success: [{ request_put: { key: k, value } }], failure: [{ request_range: { key: k } }] })
      .then((r) => {
        if (!r.succeeded) return reply(res, 409, { kind: 'Status', code: 409, reason: 'AlreadyExists' });
        obj.metadata.resourceVersion = String(r.header.revision);
        reply(res, 201, obj);
      })
      .catch((e: unknown) => reply(res, 500, { kind: 'Status', code: 500, message: e instanceof Error ? e.message : String(e) }));
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening on ${(server.address() as AddressInfo).port}\n`));
process.once('SIGTERM', () => {
  client.close();
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
