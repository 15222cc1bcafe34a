/**
 * shoots/adminkubeconfig issuance through the real server at concurrency 1 and 16, with ECDSA P-256 and
 * RSA-3072 client keys, next to OpenSSL's RSA-3072 sign rate (`openssl speed`) and RSA-3072 key
 * generation rate (`openssl genpkey`) measured in the same run. The client CA is RSA-3072, as gardenlet's.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { caSecretData, createTestCA } from '../support/test-ca.js';
import { measure, row } from './stats.js';
import { benchServer, expectStatus, NS_PATH, type BenchServer } from './workload.js';
import { projectFor, PROJECTS_PATH } from '../support/projects.js';

const NS = 'garden-bench';

function opensslSignRate(): number {
  const out = execFileSync('openssl', ['speed', '-seconds', '2', 'rsa3072'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const line = out.split('\n').find((l) => /^rsa\s+3072/.test(l.trim()));
  const fields = line?.trim().split(/\s+/) ?? [];
  return Number(fields[fields.length - 2]);
}

function opensslKeygenRate(count: number): number {
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072'], { stdio: 'ignore' });
  }
  return count / ((performance.now() - start) / 1000);
}

async function prepare(s: BenchServer, caPem: { certPem: string; keyPem: string }): Promise<void> {
  const shoot = { metadata: { name: 'bench', namespace: NS }, spec: { cloudProfileName: 'aws', region: 'eu-west-1', provider: { type: 'aws' }, kubernetes: { version: '1.32.0' } } };
  await expectStatus(s.client.send('POST', PROJECTS_PATH, projectFor(NS)), 201);
  await expectStatus(s.client.send('POST', `${NS_PATH}/${NS}/shoots`, shoot), 201);
  const addresses = { status: { advertisedAddresses: [{ name: 'external', url: 'https://api.bench.example.com' }, { name: 'internal', url: 'https://api.bench.internal' }] } };
  await expectStatus(s.client.send('PATCH', `${NS_PATH}/${NS}/shoots/bench/status`, addresses, 'application/merge-patch+json'), 200);
  await expectStatus(s.client.send('POST', `${NS_PATH}/${NS}/internalsecrets`, { metadata: { name: 'bench.ca-client' }, data: caSecretData(caPem) }), 201);
}

const ISSUE = (s: BenchServer) => () => expectStatus(s.client.send('POST', `${NS_PATH}/${NS}/shoots/bench/adminkubeconfig`, { spec: { expirationSeconds: 600 } }), 201);

function clusterCADir(keyType: string, clusterPem: string): string {
  const caDir = join(process.env.TMPDIR ?? '/tmp', `bench-cluster-ca-${process.pid}-${keyType}`);
  mkdirSync(caDir, { recursive: true });
  writeFileSync(join(caDir, 'ca.yaml'), JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bench.ca-cluster', namespace: NS }, data: { 'ca.crt': clusterPem } }));
  return caDir;
}

async function ecdsaIssuance(caPem: { certPem: string; keyPem: string }, clusterPem: string, requests: number): Promise<string[]> {
  const s = await benchServer(['--kubeconfig-client-key-type=ecdsa-p256', `--cluster-ca-dir=${clusterCADir('ecdsa', clusterPem)}`]);
  try {
    await prepare(s, caPem);
    const lines: string[] = [];
    for (const c of [1, 16]) lines.push(row(`adminkubeconfig ecdsa-p256 (c=${c})`, await measure(requests, c, ISSUE(s))));
    return lines;
  } finally {
    await s.stop();
  }
}

/** A gauge of the server's /metrics. */
async function gauge(s: BenchServer, name: string): Promise<number> {
  const text = String((await s.client.send('GET', '/metrics')).body);
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1] ?? NaN);
}

/** Waits until the key pool is full; returns the seconds it took. */
async function warmPool(s: BenchServer): Promise<number> {
  const start = performance.now();
  const capacity = await gauge(s, 'garden_apiserver_kubeconfig_key_pool_capacity');
  while ((await gauge(s, 'garden_apiserver_kubeconfig_key_pool_keys')) < capacity) {
    if (performance.now() - start > 300_000) throw new Error('the key pool did not fill within 5 minutes');
    await new Promise((r) => setTimeout(r, 250));
  }
  return (performance.now() - start) / 1000;
}

/** RSA-3072 key pairs per second of one thread of this process (the cost a pool worker pays per key). */
function nodeKeygenRate(count: number): number {
  const start = performance.now();
  for (let i = 0; i < count; i++) generateKeyPairSync('rsa', { modulusLength: 3072 });
  return count / ((performance.now() - start) / 1000);
}

/**
 * RSA-3072 with the default pool: time to fill it after start (and 16 first requests), a burst of 50 at
 * c=16 from the warm pool
 * (target p99 < 150 ms), then the sustained rate with the pool drained, next to the key generation
 * rate of the pool's worker threads measured in this run (workers × one thread's rate).
 */
async function rsaIssuance(caPem: { certPem: string; keyPem: string }, clusterPem: string, perThread: number): Promise<string[]> {
  const s = await benchServer(['--kubeconfig-client-key-type=rsa-3072', '--kubeconfig-key-pool-size=64', `--cluster-ca-dir=${clusterCADir('rsa', clusterPem)}`]);
  const started = performance.now();
  try {
    await prepare(s, caPem);
    // A server that has issued before: code paths compiled, connections open (the pool refills after).
    await measure(16, 16, ISSUE(s));
    await warmPool(s);
    const warm = (performance.now() - started) / 1000;
    const workers = await gauge(s, 'garden_apiserver_kubeconfig_key_pool_workers');
    const capacity = await gauge(s, 'garden_apiserver_kubeconfig_key_pool_capacity');
    const lines = [`rsa-3072 key pool: ${capacity} keys, ${workers} workers, full ${warm.toFixed(1)} s after start (target: within 60 s)`];
    const burst = await measure(50, 16, ISSUE(s));
    lines.push(row('adminkubeconfig rsa-3072 warm burst 50 (c=16)', burst, `target p99 < 150 ms: ${burst.p99ms < 150 ? 'met' : 'missed'}`));
    await warmPool(s);
    await measure(capacity, 16, ISSUE(s)); // drains the pool
    const sustained = await measure(60, 16, ISSUE(s));
    const keygen = workers * perThread;
    lines.push(row('adminkubeconfig rsa-3072 drained (c=16)', sustained, `keygen of ${workers} workers ${keygen.toFixed(1)} /s, ratio ${(sustained.perSecond / keygen).toFixed(2)}`));
    const waits = await gauge(s, 'garden_apiserver_kubeconfig_key_pool_waits_total');
    lines.push(`rsa-3072 requests that waited for a key: ${waits} (none failed)`);
    return lines;
  } finally {
    await s.stop();
  }
}

export async function benchKubeconfig(n: number): Promise<string[]> {
  const ca = await createTestCA('rsa-pkcs1', { rsaBits: 3072 });
  const cluster = await createTestCA('rsa-pkcs1', { commonName: 'ca' });
  const lines = [
    `openssl rsa3072 sign                 ${opensslSignRate().toFixed(1).padStart(9)} /s`,
    `openssl genpkey rsa3072              ${opensslKeygenRate(6).toFixed(1).padStart(9)} /s`,
  ];
  const perThread = nodeKeygenRate(8);
  lines.push(`node rsa3072 keygen, one thread       ${perThread.toFixed(1).padStart(9)} /s`);
  lines.push(...(await ecdsaIssuance(ca, cluster.certPem, Math.min(n, 1000))));
  lines.push(...(await rsaIssuance(ca, cluster.certPem, perThread)));
  return lines;
}
