/**
 * Background re-encryption of 10,000 InternalSecrets after the first key changes (automatic reload of
 * the encryption configuration), on SQLite and on etcd; rate = objects rewritten / elapsed time.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEtcd } from '../support/etcd.js';
import { tempDir } from '../support/server.js';
import { measure } from './stats.js';
import { benchServer, expectStatus, NS_PATH, payload } from './workload.js';

const OBJECTS = 10_000;

function writeConfig(file: string, keys: [string, number][]): void {
  const list = keys.map(([name, fill]) => `      - name: ${name}\n        secret: ${Buffer.alloc(32, fill).toString('base64')}`).join('\n');
  writeFileSync(file, `apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: ["internalsecrets.core.gardener.cloud"]\n  providers:\n  - aescbc:\n      keys:\n${list}\n  - identity: {}\n`);
}

async function rate(extraArgs: string[]): Promise<string> {
  const file = join(tempDir('garden-apiserver-bench-enc-'), 'enc.yaml');
  writeConfig(file, [['a', 1]]);
  const s = await benchServer([`--encryption-provider-config=${file}`, '--encryption-provider-config-automatic-reload', '--encryption-provider-config-reload-interval=1', ...extraArgs]);
  try {
    await measure(OBJECTS, 32, (i) => expectStatus(s.client.send('POST', `${NS_PATH}/rot/internalsecrets`, payload(`s${i}`)), 201));
    const start = performance.now();
    writeConfig(file, [['b', 2], ['a', 1]]);
    for (;;) {
      const text = (await s.client.send('GET', '/metrics')).body as string;
      const m = /garden_apiserver_reencryption_objects_total\{resource="internalsecrets.core.gardener.cloud"\} (\d+)/.exec(text);
      if (m && Number(m[1]) >= OBJECTS) break;
      if (performance.now() - start > 300_000) throw new Error('re-encryption did not finish');
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (performance.now() - start) / 1000;
    return `${OBJECTS} objects in ${seconds.toFixed(1)} s = ${(OBJECTS / seconds).toFixed(0)} objects/s (includes up to 1 s until the reload is noticed)`;
  } finally {
    await s.stop();
  }
}

export async function benchReencryption(_n: number): Promise<string[]> {
  const lines = [`re-encryption on sqlite: ${await rate([])}`];
  const etcd = await startEtcd();
  try {
    lines.push(`re-encryption on etcd:   ${await rate(['--storage-backend=etcd3', `--etcd-servers=${etcd.endpoints.join(',')}`])}`);
  } finally {
    await etcd.stop();
  }
  return lines;
}
