/**
 * A replay of `gardenlogin get-client-certificate` (gardener/gardenlogin 2d284588,
 * `cmd/get_client_certificate.go`; see shared/spec/clients.md §2), which cannot be installed here. It
 * reads `KUBERNETES_EXEC_INFO` and `~/.garden/gardenlogin.yaml` as gardenlogin does, sends the same
 * request body with the generated clientset's JSON headers, falls back from admin to viewer on a 403 in
 * `auto` mode, and applies gardenlogin's checks to the kubeconfig it gets back before printing the
 * ExecCredential. Run as a kubectl credential plugin through the wrapper {@link writePluginWrapper}
 * writes; the certificate cache is left out (it only saves requests).
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';

export type AccessLevel = 'admin' | 'viewer' | 'auto';

/** The parts of `KUBERNETES_EXEC_INFO` gardenlogin reads. */
export interface ExecInfo {
  apiVersion: string;
  spec: { cluster: { server: string; config?: { shootRef?: { namespace?: string; name?: string }; gardenClusterIdentity?: string } } };
}

/** One request as sent, for tests to compare with what the real client sends. */
export interface SentRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  status: number;
}

/** What gardenlogin prints: an ExecCredential with the client certificate and key. */
export interface ExecCredential {
  apiVersion: string;
  kind: 'ExecCredential';
  status: { clientCertificateData: string; clientKeyData: string; expirationTimestamp: string };
}

const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The garden kubeconfig for an identity, from `<home>/.garden/gardenlogin.yaml`. */
function gardenKubeConfig(home: string, identity: string): KubeConfig {
  const config = parse(readFileSync(join(home, '.garden', 'gardenlogin.yaml'), 'utf8')) as { gardens?: { identity: string; kubeconfig: string; context?: string }[] };
  const garden = config.gardens?.find((g) => g.identity === identity);
  if (garden === undefined) throw new Error(`no garden cluster found for identity ${identity}`);
  const kc = new KubeConfig();
  kc.loadFromFile(garden.kubeconfig);
  if (garden.context !== undefined) kc.setCurrentContext(garden.context);
  return kc;
}

/** The exec info's shoot reference, checked as gardenlogin checks it. */
function shootRef(info: ExecInfo): { namespace: string; name: string; identity: string } {
  const server = new URL(info.spec.cluster.server);
  if (server.protocol !== 'https:' && server.protocol !== 'http:') throw new Error(`unsupported scheme ${server.protocol}`);
  const config = info.spec.cluster.config ?? {};
  const name = config.shootRef?.name ?? '';
  const namespace = config.shootRef?.namespace ?? '';
  if (!DNS_LABEL.test(name)) throw new Error(`invalid shoot name ${JSON.stringify(name)}`);
  if (!DNS_LABEL.test(namespace)) throw new Error(`invalid namespace ${JSON.stringify(namespace)}`);
  return { namespace, name, identity: config.gardenClusterIdentity ?? '' };
}

async function post(kc: KubeConfig, path: string, body: string, sent: SentRequest[]): Promise<{ status: number; body: string }> {
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new Error('the garden kubeconfig has no current cluster');
  const url = new URL(path, cluster.server);
  const headers = { Accept: 'application/json, */*', 'Content-Type': 'application/json', 'User-Agent': 'gardenlogin/v0.0.0 (linux/amd64) kubernetes/$Format' };
  const opts: RequestOptions = { method: 'POST', hostname: url.hostname, port: url.port, path: url.pathname, headers: { ...headers } };
  await kc.applyToHTTPSOptions(opts);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        sent.push({ method: 'POST', path, headers, body, status: res.statusCode ?? 0 });
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The request body gardenlogin's clientset sends (client-go v0.36: empty metadata, zero status). */
export function requestBody(kind: 'AdminKubeconfigRequest' | 'ViewerKubeconfigRequest', expirationSeconds: number): string {
  return `{"kind":"${kind}","apiVersion":"authentication.gardener.cloud/v1alpha1","metadata":{},"spec":{"expirationSeconds":${expirationSeconds}},"status":{"kubeconfig":null,"expirationTimestamp":null}}`;
}

/** PEM blocks of `text`, each with its type and whether it has headers. */
function pemBlocks(text: string): { type: string; headers: boolean; pem: string }[] {
  const blocks: { type: string; headers: boolean; pem: string }[] = [];
  for (const m of text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g)) {
    blocks.push({ type: m[1] ?? '', headers: /^[\w-]+:/m.test(m[2] ?? ''), pem: m[0] });
  }
  return blocks;
}

/** Exactly one PEM block of `type`, without headers (gardenlogin's rules for certificate and key). */
function onePem(data: string, type: string, what: string): string {
  const blocks = pemBlocks(data);
  if (blocks.length !== 1) throw new Error(`${what}: expected exactly one PEM block, found ${blocks.length}`);
  const [block] = blocks as [{ type: string; headers: boolean; pem: string }];
  if (block.type !== type) throw new Error(`${what}: PEM block type ${block.type}, want ${type}`);
  if (block.headers) throw new Error(`${what}: PEM block has headers`);
  return block.pem;
}

/** gardenlogin's checks of the returned kubeconfig; returns the certificate and key it would use. */
export function credentialsFromKubeconfig(kubeconfig: string, server: string): { cert: string; key: string } {
  const config = parse(kubeconfig) as {
    clusters?: { name: string; cluster: { server: string } }[];
    contexts?: { name: string; context: { cluster: string; user: string } }[];
    users?: { name: string; user: { 'client-certificate-data'?: string; 'client-key-data'?: string } }[];
  };
  const cluster = config.clusters?.find((c) => c.cluster.server === server);
  if (cluster === undefined) throw new Error(`no cluster with server ${server} in the returned kubeconfig`);
  const context = config.contexts?.find((c) => c.context.cluster === cluster.name);
  if (context === undefined) throw new Error(`no context for cluster ${cluster.name}`);
  const user = config.users?.find((u) => u.name === context.context.user);
  if (user === undefined) throw new Error(`no user ${context.context.user}`);
  const cert = onePem(Buffer.from(user.user['client-certificate-data'] ?? '', 'base64').toString(), 'CERTIFICATE', 'client certificate');
  new X509Certificate(cert);
  const key = onePem(Buffer.from(user.user['client-key-data'] ?? '', 'base64').toString(), 'RSA PRIVATE KEY', 'client key');
  if (createPrivateKey(key).asymmetricKeyType !== 'rsa') throw new Error('client key: not an RSA key');
  return { cert, key };
}

/** One run of `gardenlogin get-client-certificate`. */
export async function getClientCertificate(
  info: ExecInfo,
  opts: { home?: string; accessLevel?: AccessLevel; expirationSeconds?: number } = {},
): Promise<{ credential: ExecCredential; sent: SentRequest[] }> {
  const ref = shootRef(info);
  const kc = gardenKubeConfig(opts.home ?? homedir(), ref.identity);
  const level = opts.accessLevel ?? 'auto';
  const seconds = opts.expirationSeconds ?? 900;
  const sent: SentRequest[] = [];
  const base = `/apis/core.gardener.cloud/v1beta1/namespaces/${ref.namespace}/shoots/${ref.name}`;
  let res = level === 'viewer' ? undefined : await post(kc, `${base}/adminkubeconfig`, requestBody('AdminKubeconfigRequest', seconds), sent);
  if (res === undefined || (level === 'auto' && res.status === 403)) res = await post(kc, `${base}/viewerkubeconfig`, requestBody('ViewerKubeconfigRequest', seconds), sent);
  if (res.status !== 201) throw new Error(`kubeconfig request failed with ${res.status}: ${res.body}`);
  const answer = JSON.parse(res.body) as { status: { kubeconfig: string; expirationTimestamp: string } };
  const { cert, key } = credentialsFromKubeconfig(Buffer.from(answer.status.kubeconfig, 'base64').toString(), info.spec.cluster.server);
  const credential: ExecCredential = {
    apiVersion: info.apiVersion,
    kind: 'ExecCredential',
    status: { clientCertificateData: cert, clientKeyData: key, expirationTimestamp: answer.status.expirationTimestamp },
  };
  return { credential, sent };
}

/** Writes `<dir>/kubectl-gardenlogin`, a shell wrapper that runs this module as the credential plugin. */
export function writePluginWrapper(dir: string): string {
  const file = join(dir, 'kubectl-gardenlogin');
  const script = `#!/bin/sh\ncd '${REPO_ROOT}' && exec '${process.execPath}' --import tsx '${join(REPO_ROOT, 'test/support/gardenlogin.ts')}' "$@"\n`;
  writeFileSync(file, script);
  chmodSync(file, 0o755);
  return file;
}

/** The plugin's entry: `get-client-certificate [--access-level=L] [--expiration-seconds=N]`. */
async function main(argv: string[]): Promise<void> {
  if (argv[0] !== 'get-client-certificate') throw new Error('usage: kubectl-gardenlogin get-client-certificate');
  const flag = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO ?? '{}') as ExecInfo;
  const { credential } = await getClientCertificate(info, {
    accessLevel: (flag('access-level') ?? 'auto') as AccessLevel,
    expirationSeconds: Number(flag('expiration-seconds') ?? 900),
  });
  process.stdout.write(JSON.stringify(credential));
}

if (process.argv[1] !== undefined && process.argv[1].endsWith('gardenlogin.ts') && process.env.KUBERNETES_EXEC_INFO !== undefined) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
