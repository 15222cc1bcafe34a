import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamicEncryptionConfig } from '../encryption/reload.js';
import type { KVBackend } from '../interface.js';
import { openSqliteBackend, type SqliteBackend } from '../sqlite/backend.js';
import { reencryptionProgressPrefix } from './progress-store.js';
import { startReencryption } from './rewriter.js';
import { reencryptionSuite } from '../../test/support/reencrypt/suite.js';
import { countPrefixed, createObjects, ETCD_PREFIX, SECRETS, testConfig, testResource } from '../../test/support/reencrypt/fixtures.js';

describe('re-encryption on SQLite', function () {
  this.timeout(60_000);
  let dir: string;
  const paths = new Map<KVBackend, string>();
  const open: KVBackend[] = [];

  const openAt = (path: string): SqliteBackend => {
    const backend = openSqliteBackend(path, { synchronous: 'NORMAL' });
    paths.set(backend, path);
    open.push(backend);
    return backend;
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'reencrypt-'));
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((b) => b.close()));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  let seq = 0;
  reencryptionSuite({
    label: 'SQLite',
    open: async () => ({ backend: openAt(join(dir, `db-${seq++}.sqlite`)), etcdPrefix: ETCD_PREFIX }),
    reopen: async (backend) => {
      const path = paths.get(backend);
      if (path === undefined) throw new Error('unknown backend');
      await backend.close();
      return openAt(path);
    },
  });

  it('prints the throughput for 10,000 InternalSecrets (default durability, no rate limit)', async () => {
    const backend = openSqliteBackend(join(dir, 'bench.sqlite'));
    open.push(backend);
    const dynamic = new DynamicEncryptionConfig(testConfig({ [SECRETS]: [{ aescbc: ['A'] }] }));
    const res = testResource(backend, dynamic, SECRETS);
    const n = 10_000;
    await createObjects(res, n, 256);
    dynamic.set(testConfig({ [SECRETS]: [{ aescbc: ['B', 'A'] }] }));
    const started = performance.now();
    const r = startReencryption({ backend, resources: [res], encryption: dynamic, progressPrefix: reencryptionProgressPrefix(ETCD_PREFIX), rateLimit: 0 });
    try {
      await r.settled();
    } finally {
      await r.stop();
    }
    const ms = performance.now() - started;
    console.log(`      re-encryption (SQLite, synchronous=FULL): ${n} InternalSecrets in ${ms.toFixed(0)} ms = ${((n * 1000) / ms).toFixed(0)} objects/s`);
    assert.deepEqual(await countPrefixed(backend, res, 'k8s:enc:aescbc:v1:B:'), { yes: n, no: 0 });
  });
});
