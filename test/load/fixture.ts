/**
 * What the load phases share: the server's configuration files (encryption, a token and RBAC policy
 * for the load clients), InternalSecrets written straight into storage through the object store (as
 * the server would write them, encrypted), the server as a child process, its memory as the kernel
 * counts it, and its metrics.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request, type RequestOptions } from 'node:https';
import { join } from 'node:path';
import type { KubeObject } from '../../apimachinery/types.js';
import { loadEncryptionConfig } from '../../storage/encryption/config.js';
import type { KVBackend } from '../../storage/interface.js';
import { createStore } from '../../storage/store/store.js';
import { measure } from '../bench/stats.js';
import { payload } from '../bench/workload.js';
import { writeAescbcConfig } from '../support/encryption.js';
import { freePort } from '../support/etcd.js';
import { parseAllDocuments } from 'yaml';
import { secretName } from './names.js';
import { adminCredentials, REPO_ROOT, startChild, tempDir, type AdminCredentials, type ChildServer } from '../support/server.js';

export const GROUP_PATH = '/apis/core.gardener.cloud/v1beta1';
export const SECRETS_PREFIX = '/registry-gardener/core.gardener.cloud/internalsecrets/';
/** Bearer token of the load clients: user `load-client`, allowed to read InternalSecrets (not system:masters). */
export const LOAD_TOKEN = 'load-client-token';

/** Files the load servers are started with. */
export interface LoadEnv {
  dir: string;
  encryptionConfig: string;
  tokenFile: string;
  policyFile: string;
}

/** Writes an aescbc EncryptionConfiguration, the load client's token and its RBAC policy. */
export function loadEnv(): LoadEnv {
  const dir = tempDir('garden-apiserver-load-');
  const encryptionConfig = writeAescbcConfig(dir, Buffer.alloc(32, 3));
  const tokenFile = join(dir, 'tokens.csv');
  writeFileSync(tokenFile, `${LOAD_TOKEN},load-client,load-1\n`);
  const policyFile = join(dir, 'policy.yaml');
  writeFileSync(
    policyFile,
    `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: load-reader}
rules:
- apiGroups: [core.gardener.cloud]
  resources: [internalsecrets]
  verbs: [get, list, watch, create]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: load-reader}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: load-reader}
subjects:
- {kind: User, name: load-client, apiGroup: rbac.authorization.k8s.io}
`,
  );
  return { dir, encryptionConfig, tokenFile, policyFile };
}

function secretObject(i: number): KubeObject {
  const { namespace, name } = secretName(i);
  const base = payload(name) as { metadata: Record<string, unknown> };
  return {
    apiVersion: 'core.gardener.cloud/v1beta1',
    kind: 'InternalSecret',
    ...base,
    metadata: { ...base.metadata, namespace, uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, creationTimestamp: '2025-01-01T00:00:00Z' },
  } as KubeObject;
}

/**
 * Writes InternalSecrets `from` to `to - 1` into storage on `backend`, encrypted with the load
 * configuration, `concurrency` at a time; returns the objects written per second.
 */
export async function seed(backend: KVBackend, env: LoadEnv, from: number, to: number, concurrency = 64): Promise<number> {
  const config = loadEncryptionConfig(readFileSync(env.encryptionConfig, 'utf8'));
  const store = createStore(backend, { transformer: config.transformerFor('internalsecrets.core.gardener.cloud'), resourcePrefix: SECRETS_PREFIX });
  const figures = await measure(to - from, concurrency, async (k) => {
    const i = from + k;
    const { namespace, name } = secretName(i);
    await store.create(`${SECRETS_PREFIX}${namespace}/${name}`, secretObject(i));
  });
  return figures.perSecond;
}

/** A server child process with its admin credentials. */
export interface LoadServer {
  child: ChildServer;
  pid: number;
  url: string;
  /** `--health-port`, where the Deployment's kubelet probes go. */
  healthUrl: string;
  creds: AdminCredentials;
  /** Stops the server and removes its data directory. */
  stop(): Promise<void>;
}

/**
 * The Node options `deploy/base`'s Deployment sets (its `NODE_OPTIONS`: the heap limit), so that the
 * load servers collect garbage as the deployed one does.
 */
export function deployedNodeOptions(): string[] {
  type Env = Array<{ name: string; value?: string }>;
  type Manifest = { kind?: string; spec?: { template: { spec: { containers: Array<{ env?: Env }> } } } } | null;
  const docs = parseAllDocuments(readFileSync(join(REPO_ROOT, 'deploy/base/deployment.yaml'), 'utf8')).map((d) => d.toJS() as Manifest);
  const deployment = docs.find((d) => d?.kind === 'Deployment');
  const value = deployment?.spec?.template.spec.containers[0]?.env?.find((e) => e.name === 'NODE_OPTIONS')?.value;
  if (value === undefined) throw new Error('deploy/base/deployment.yaml sets no NODE_OPTIONS');
  return value.split(/\s+/).filter(Boolean);
}

/**
 * Starts the server (its own process, as in production, with the Deployment's Node options) with the
 * load client's token and policy.
 */
export async function startLoadServer(env: LoadEnv, args: string[], dataDir = tempDir('garden-apiserver-load-server-')): Promise<LoadServer> {
  const healthPort = await freePort();
  const serverArgs = [`--token-auth-file=${env.tokenFile}`, `--authorization-policy-file=${env.policyFile}`, `--health-port=${healthPort}`, ...args];
  const child = await startChild(dataDir, serverArgs, [...deployedNodeOptions(), '--expose-gc', '--import', join(REPO_ROOT, 'test/load/gc-on-signal.mjs')]);
  return {
    child,
    pid: child.proc.pid ?? 0,
    url: child.url,
    healthUrl: `http://127.0.0.1:${healthPort}`,
    creds: adminCredentials(dataDir),
    async stop() {
      await child.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The etcd server flags for `endpoints` with the load encryption configuration. */
export function etcdArgs(env: LoadEnv, endpoints: readonly string[]): string[] {
  return ['--storage-backend=etcd3', `--etcd-servers=${endpoints.join(',')}`, `--encryption-provider-config=${env.encryptionConfig}`];
}

function statusField(pid: number, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}

/** Resident memory of `pid` in bytes. */
export function rss(pid: number): number {
  return statusField(pid, 'VmRSS');
}

/** Peak resident memory of `pid` since the last {@link resetPeak}. */
export function peakRss(pid: number): number {
  return statusField(pid, 'VmHWM');
}

/** Resets the kernel's peak RSS of `pid` to its current RSS (`/proc/<pid>/clear_refs`). */
export function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** A GET as the admin (system:masters); resolves with status and body. */
export function adminGet(s: LoadServer, path: string, opts: RequestOptions = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, s.url), { ca: s.creds.ca, cert: s.creds.cert, key: s.creds.key, agent: false, ...opts }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The value of an unlabelled metric (or of the first series of `name{...}`) in `/metrics`, NaN when absent. */
export async function scrape(s: LoadServer, names: readonly string[]): Promise<Record<string, number>> {
  const text = (await adminGet(s, '/metrics')).text;
  const out: Record<string, number> = {};
  for (const name of names) {
    const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+|NaN)$`, 'm').exec(text);
    out[name] = Number(m?.[1] ?? Number.NaN);
  }
  return out;
}

export const MiB = 1024 * 1024;

/** Bytes as MiB with one decimal. */
export function mib(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`;
}
