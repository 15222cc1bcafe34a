/**
 * The same HTTP workload on etcd (Debian's etcd on loopback), next to the raw etcd3 client's put and
 * range rates measured in the same run, plus the cost of each encryption provider against identity.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { KubeObject } from '../../apimachinery/types.js';
import { loadEncryptionConfig } from '../../storage/encryption/config.js';
import { openEtcdBackend } from '../../storage/etcd3/backend.js';
import { createStore } from '../../storage/store/store.js';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { startEtcd } from '../support/etcd.js';
import { tempDir } from '../support/server.js';
import { CpuMeter } from './cpu.js';
import { measure, median, row } from './stats.js';
import { startThin } from './thin.js';
import { benchServer, crudRows, expectStatus, NS_PATH, payload, type BenchServer } from './workload.js';

let configDir = '';
const configFile = (provider: string): string => join(configDir, `${provider}.yaml`);

function config(dir: string, provider: string): string {
  configDir = dir;
  const file = join(dir, `${provider}.yaml`);
  const key = Buffer.alloc(32, 1).toString('base64');
  const first = provider === 'identity' ? '  - identity: {}' : `  - ${provider}:\n      keys: [{name: k1, secret: "${key}"}]`;
  writeFileSync(file, `apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: ["internalsecrets.core.gardener.cloud"]\n  providers:\n${first}\n  - identity: {}\n`);
  return file;
}

export async function benchEtcd(n: number): Promise<string[]> {
  const etcd = await startEtcd();
  const dir = tempDir('garden-apiserver-bench-etcd-');
  const lines: string[] = [];
  try {
    const raw = new Etcd3({ hosts: etcd.endpoints });
    const value = Buffer.from(JSON.stringify(payload('x')));
    // The server's create rows come after its own warm-up (the c=1 rows); the raw client gets one too,
    // so that both sides of the ratio run JIT-compiled code.
    await measure(Math.min(n, 2000), 32, (i) => raw.put(`/bench/warm/s${i}`).value(value).exec().then(() => undefined));
    const etcdPids = Object.fromEntries(etcd.pids.map((pid, i) => [etcd.pids.length === 1 ? 'etcd' : `etcd${i}`, pid]));
    const cpu = new CpuMeter({ client: process.pid, ...etcdPids }).start();
    const put = await measure(n, 32, (i) => raw.put(`/bench/raw/s${i}`).value(value).exec().then(() => undefined));
    lines.push(row('raw etcd3 put (c=32)', put, cpu.shares()));
    const range = await measure(200, 32, () => raw.getAll().prefix('/bench/raw/').limit(1000).buffers().then(() => undefined));
    lines.push(row('raw etcd3 range 1,000 keys (c=32)', range));
    raw.close();
    for (const p of ['identity', 'aescbc', 'aesgcm', 'secretbox']) config(dir, p);
    const s = await benchServer(['--storage-backend=etcd3', `--etcd-servers=${etcd.endpoints.join(',')}`, `--encryption-provider-config=${configFile('aescbc')}`]);
    try {
      const thin = await createsAgainstThin(s, n, etcd.endpoints, etcdPids);
      lines.push(...thin.lines);
      lines.push(...(await crudRows(s, n, thin.rate, 'the thin path', etcdPids)));
    } finally {
      await s.stop();
    }
    lines.push(...(await providerOverhead(n, etcd.endpoints)));
  } finally {
    await etcd.stop();
  }
  return lines;
}

/**
 * etcd client options compared on the thin path (gRPC channel options of @grpc/grpc-js): the etcd3
 * package's defaults and the server's choice for unary calls (no channelz; turning the channel's
 * retries off as well saved nothing measurable and broke deadline handling against a frozen etcd; a
 * 4 MiB flow-control window, which the server's watch channels have, left the server's creates as
 * fast: 809 vs 800/s).
 */
const CLIENT_OPTIONS: Array<[string, Record<string, unknown> | undefined]> = [
  ['etcd3 defaults', undefined],
  ['no channelz (the server)', { 'grpc.enable_channelz': 0 }],
];

/**
 * InternalSecret creates at c=32 (etcd, aescbc) through the thin path (`thin-server.ts`, once per
 * etcd client configuration) and through the server, interleaved over three rounds; the fastest thin
 * configuration is the baseline the server's rate is given against.
 */
async function createsAgainstThin(s: BenchServer, n: number, endpoints: string[], others: Record<string, number | undefined>): Promise<{ rate: number; lines: string[] }> {
  const aesKey = Buffer.alloc(32, 1).toString('base64');
  const thins = [];
  for (const [name, options] of CLIENT_OPTIONS) thins.push({ name, server: await startThin(endpoints, aesKey, options), rates: [] as number[], cpu: '' });
  const ours = { rates: [] as number[], cpu: '' };
  try {
    // Every side gets the same warm-up, so that all rounds run JIT-compiled code.
    for (const [i, t] of thins.entries()) await measure(Math.min(n, 1000), 32, (k) => expectStatus(t.server.client.send('POST', `${NS_PATH}/thin-warm${i}/internalsecrets`, payload(`w${k}`)), 201));
    await measure(Math.min(n, 1000), 32, (k) => expectStatus(s.client.send('POST', `${NS_PATH}/side-warm/internalsecrets`, payload(`w${k}`)), 201));
    for (let round = 0; round < 3; round++) {
      for (const [i, t] of thins.entries()) {
        const cpu = new CpuMeter({ thin: t.server.pid, client: process.pid, ...others }).start();
        t.rates.push((await measure(n, 32, (k) => expectStatus(t.server.client.send('POST', `${NS_PATH}/thin${i}-r${round}/internalsecrets`, payload(`s${k}`)), 201))).perSecond);
        t.cpu = cpu.shares();
      }
      const cpu = new CpuMeter({ server: s.pid, client: process.pid, ...others }).start();
      ours.rates.push((await measure(n, 32, (k) => expectStatus(s.client.send('POST', `${NS_PATH}/side-r${round}/internalsecrets`, payload(`s${k}`)), 201))).perSecond);
      ours.cpu = cpu.shares();
    }
  } finally {
    for (const t of thins) await t.server.stop();
  }
  const best = Math.max(...thins.map((t) => median(t.rates)));
  const fmt = (rates: number[]) => `${median(rates).toFixed(0)}/s median of ${rates.map((r) => r.toFixed(0)).join(', ')}`;
  const lines = thins.map((t) => `thin create path, ${t.name} (c=32)`.padEnd(46) + ` ${fmt(t.rates)}; ${t.cpu}`);
  const rate = median(ours.rates);
  lines.push(`server create, etcd+aescbc (c=32)`.padEnd(46) + ` ${fmt(ours.rates)} = ${(rate / best).toFixed(2)}x the fastest thin path (target >= 0.9x); ${ours.cpu}`);
  return { rate: best, lines };
}

/**
 * Object-store create throughput at c=32 on etcd per provider, as a ratio of identity. Measured below
 * the HTTP layer because the server refuses to store InternalSecrets with identity.
 */
async function providerOverhead(n: number, endpoints: string[]): Promise<string[]> {
  const lines: string[] = [];
  const backend = openEtcdBackend({ endpoints });
  let identity = 0;
  try {
    for (const provider of ['identity', 'aescbc', 'aesgcm', 'secretbox']) {
      const config = loadEncryptionConfig(readFileSync(configFile(provider), 'utf8'));
      const prefix = `/bench/providers/${provider}/`;
      const store = createStore(backend, { transformer: config.transformerFor('internalsecrets.core.gardener.cloud'), resourcePrefix: prefix });
      const f = await measure(n, 32, async (i) => {
        await store.create(`${prefix}ns/s${i}`, { apiVersion: 'core.gardener.cloud/v1beta1', kind: 'InternalSecret', ...payload(`s${i}`) } as KubeObject);
      });
      if (provider === 'identity') identity = f.perSecond;
      lines.push(row(`store create with ${provider} (c=32)`, f, `= ${((100 * f.perSecond) / identity).toFixed(0)}% of identity`));
    }
  } finally {
    await backend.close();
  }
  return lines;
}
