/**
 * The same HTTP workload on etcd (Debian's etcd on loopback), next to the raw etcd3 client's put and
 * range rates measured in the same run, plus the cost of each encryption provider against identity.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { KubeObject } from '../../apimachinery/types.js';
import { loadEncryptionConfig } from '../../storage/encryption/config.js';
import { openEtcdBackend } from '../../storage/etcd3/backend.js';
import { createStore } from '../../storage/store.js';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { startEtcd } from '../support/etcd.js';
import { tempDir } from '../support/server.js';
import { CpuMeter } from './cpu.js';
import { measure, row } from './stats.js';
import { benchServer, crudRows, payload } from './workload.js';

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
      lines.push(...(await crudRows(s, n, put.perSecond, 'raw etcd put', etcdPids)));
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
