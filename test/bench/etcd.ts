/**
 * The same HTTP workload on etcd (Debian's etcd on loopback), next to the raw etcd3 client's put and
 * range rates measured in the same run, plus the cost of each encryption provider against identity.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { startEtcd } from '../support/etcd.js';
import { tempDir } from '../support/server.js';
import { measure, row } from './stats.js';
import { benchServer, crudRows, expectStatus, NS_PATH, payload } from './workload.js';

function config(dir: string, provider: string): string {
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
    const put = await measure(n, 32, (i) => raw.put(`/bench/raw/s${i}`).value(value).exec().then(() => undefined));
    lines.push(row('raw etcd3 put (c=32)', put));
    const range = await measure(200, 32, () => raw.getAll().prefix('/bench/raw/').limit(1000).buffers().then(() => undefined));
    lines.push(row('raw etcd3 range 1,000 keys (c=32)', range));
    raw.close();
    const flags = (provider: string) => ['--storage-backend=etcd3', `--etcd-servers=${etcd.endpoints.join(',')}`, `--encryption-provider-config=${config(dir, provider)}`];
    const s = await benchServer(flags('aescbc'));
    try {
      lines.push(...(await crudRows(s, n, put.perSecond, 'raw etcd put')));
    } finally {
      await s.stop();
    }
    lines.push(...(await providerOverhead(n, flags)));
  } finally {
    await etcd.stop();
  }
  return lines;
}

/** create throughput at c=32 per provider, as a ratio of identity. */
async function providerOverhead(n: number, flags: (p: string) => string[]): Promise<string[]> {
  const lines: string[] = [];
  let identity = 0;
  for (const provider of ['identity', 'aescbc', 'aesgcm', 'secretbox']) {
    const s = await benchServer(flags(provider));
    try {
      const ns = `p${provider}`;
      const f = await measure(n, 32, (i) => expectStatus(s.client.send('POST', `${NS_PATH}/${ns}/internalsecrets`, payload(`s${i}`)), 201));
      if (provider === 'identity') identity = f.perSecond;
      lines.push(row(`create with ${provider} (c=32)`, f, `= ${((100 * f.perSecond) / identity).toFixed(0)}% of identity`));
    } finally {
      await s.stop();
    }
  }
  return lines;
}
