/**
 * shoots/adminkubeconfig issuance through the real server at concurrency 1 and 16, with ECDSA P-256 and
 * RSA-3072 client keys, next to OpenSSL's RSA-3072 sign rate (`openssl speed`) and RSA-3072 key
 * generation rate (`openssl genpkey`) measured in the same run. The client CA is RSA-3072, as gardenlet's.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { caSecretData, createTestCA } from '../../registry/kubeconfig/testing.js';
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

async function issuance(keyType: string, caPem: { certPem: string; keyPem: string }, clusterPem: string, requests: number): Promise<string[]> {
  const caDir = join(process.env.TMPDIR ?? '/tmp', `bench-cluster-ca-${process.pid}-${keyType}`);
  mkdirSync(caDir, { recursive: true });
  writeFileSync(join(caDir, 'ca.yaml'), JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bench.ca-cluster', namespace: NS }, data: { 'ca.crt': clusterPem } }));
  const s = await benchServer([`--kubeconfig-client-key-type=${keyType}`, `--cluster-ca-dir=${caDir}`]);
  const lines: string[] = [];
  try {
    await prepare(s, caPem);
    const issue = () => expectStatus(s.client.send('POST', `${NS_PATH}/${NS}/shoots/bench/adminkubeconfig`, { spec: { expirationSeconds: 600 } }), 201);
    if (keyType === 'rsa-3072') await new Promise((r) => setTimeout(r, 40_000)); // let the key pool fill
    for (const c of [1, 16]) lines.push(row(`adminkubeconfig ${keyType} (c=${c})`, await measure(keyType === 'rsa-3072' ? Math.min(requests, 24) : requests, c, issue)));
  } finally {
    await s.stop();
  }
  return lines;
}

export async function benchKubeconfig(n: number): Promise<string[]> {
  const ca = await createTestCA('rsa-pkcs1', { rsaBits: 3072 });
  const cluster = await createTestCA('rsa-pkcs1', { commonName: 'ca' });
  const lines = [
    `openssl rsa3072 sign                 ${opensslSignRate().toFixed(1).padStart(9)} /s`,
    `openssl genpkey rsa3072              ${opensslKeygenRate(6).toFixed(1).padStart(9)} /s`,
  ];
  lines.push(...(await issuance('ecdsa-p256', ca, cluster.certPem, Math.min(n, 1000))));
  lines.push(...(await issuance('rsa-3072', ca, cluster.certPem, n)));
  return lines;
}
