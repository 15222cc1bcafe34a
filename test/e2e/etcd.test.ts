/**
 * The server on a real etcd (Debian's etcd-server, started on free loopback ports): encryption is
 * mandatory and visible in etcd, two replicas share one etcd, and faults are bounded and recovered.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { silentLogger } from '../../apiserver/log.js';
import { parseOptions } from '../../apiserver/options.js';
import { runServer } from '../../apiserver/run.js';
import { adminClient } from '../support/client.js';
import { startEtcd, startEtcdForRenewal, type EtcdCluster } from '../support/etcd.js';
import { adminCredentials, startInProcess, tempDir, type InProcessServer } from '../support/server.js';
import { openWatch } from '../support/watch.js';
import { until } from '../support/wait.js';

const MARKER = 'etcd-plaintext-marker-41c2';
const COLL = '/apis/core.gardener.cloud/v1beta1/namespaces/rep/internalsecrets';
const KEY = Buffer.alloc(32, 5).toString('base64');

function encryptionConfig(dir: string): string {
  const file = join(dir, 'encryption.yaml');
  writeFileSync(
    file,
    `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
- resources: ["internalsecrets.core.gardener.cloud"]
  providers:
  - aesgcm:
      keys: [{name: gcm1, secret: "${KEY}"}]
  - identity: {}
`,
  );
  return file;
}

async function replica(etcd: EtcdCluster, config: string, extra: string[] = []): Promise<InProcessServer> {
  return startInProcess([
    '--storage-backend=etcd3',
    `--etcd-servers=${etcd.endpoints.join(',')}`,
    `--encryption-provider-config=${config}`,
    ...extra,
  ]);
}

describe('server on etcd', function () {
  this.timeout(120_000);
  let etcd: EtcdCluster;
  let dir: string;
  let config: string;

  before(async () => {
    etcd = await startEtcd();
    dir = tempDir();
    config = encryptionConfig(dir);
  });
  after(async () => {
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to start without an encryption configuration for InternalSecrets', async () => {
    await assert.rejects(
      runServer(parseOptions(['--secure-port=0', `--data-dir=${join(dir, 'x')}`, '--storage-backend=etcd3', `--etcd-servers=${etcd.endpoints[0]}`]), silentLogger),
      /refusing to start: internalsecrets\.core\.gardener\.cloud must be encrypted at rest/,
    );
  });

  it('stores only ciphertext in etcd, under the gardener key layout', async () => {
    const s = await replica(etcd, config);
    try {
      await s.request('post', COLL).send({ metadata: { name: 'enc' }, stringData: { v: MARKER } }).expect(201);
      const client = new Etcd3({ hosts: etcd.endpoints });
      const values = await client.getAll().prefix('/registry-gardener/core.gardener.cloud/internalsecrets/').buffers();
      client.close();
      const entry = values['/registry-gardener/core.gardener.cloud/internalsecrets/rep/enc'];
      assert.ok(entry, `keys: ${Object.keys(values).join(', ')}`);
      assert.equal(entry.subarray(0, 'k8s:enc:aesgcm:v1:gcm1:'.length).toString(), 'k8s:enc:aesgcm:v1:gcm1:');
      assert.ok(!entry.includes(MARKER) && !entry.includes(Buffer.from(MARKER).toString('base64')));
      const back = await s.request('get', `${COLL}/enc`).expect(200);
      assert.equal(Buffer.from(back.body.data.v, 'base64').toString(), MARKER);
    } finally {
      await s.stop();
    }
  });

  it('cleans --etcd-prefix as kube-apiserver does: an unrooted prefix shares keys (and AES-GCM data) with the rooted one', async () => {
    const unrooted = await replica(etcd, config, ['--etcd-prefix=registry-gardener//']);
    const rooted = await replica(etcd, config);
    try {
      await unrooted.request('post', COLL).send({ metadata: { name: 'unrooted' }, stringData: { v: MARKER } }).expect(201);
      const client = new Etcd3({ hosts: etcd.endpoints });
      const keys = await client.getAll().prefix('registry-gardener').keys();
      const rootedKey = await client.get('/registry-gardener/core.gardener.cloud/internalsecrets/rep/unrooted').buffer();
      client.close();
      assert.deepEqual(keys, []);
      assert.ok(rootedKey);
      const back = await rooted.request('get', `${COLL}/unrooted`).expect(200);
      assert.equal(Buffer.from(back.body.data.v, 'base64').toString(), MARKER);
    } finally {
      await unrooted.stop();
      await rooted.stop();
    }
  });

  it('shares one etcd between two replicas: watches see the other replica, no update or patch is lost', async () => {
    const a = await replica(etcd, config);
    const b = await replica(etcd, config);
    try {
      await a.request('post', COLL).send({ metadata: { name: 'counter', labels: { n: '0' } } }).expect(201);
      const w = await openWatch(b.running.url, `${COLL}?watch=1&fieldSelector=metadata.name%3Dcounter`, b.creds);
      assert.equal((await w.next()).type, 'ADDED');
      const increment = async (s: InProcessServer) => {
        for (;;) {
          const cur = (await s.request('get', `${COLL}/counter`).expect(200)).body;
          cur.metadata.labels.n = String(Number(cur.metadata.labels.n) + 1);
          const r = await s.request('put', `${COLL}/counter`).send(cur);
          if (r.status === 200) return;
          assert.equal(r.status, 409);
        }
      };
      await Promise.all(Array.from({ length: 10 }, (_, i) => increment(i % 2 ? a : b)));
      const final = (await b.request('get', `${COLL}/counter`).expect(200)).body;
      assert.equal(final.metadata.labels.n, '10');
      const ev = await w.next();
      assert.equal(ev.type, 'MODIFIED');
      w.close();
      // Patches start from each replica's watch cache, which trails the other replica's writes.
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? a : b).request('patch', `${COLL}/counter`).set('Content-Type', 'application/merge-patch+json').send(`{"metadata":{"labels":{"p${i}":"x"}}}`).expect(200),
        ),
      );
      const patched = (await a.request('get', `${COLL}/counter`).expect(200)).body;
      assert.deepEqual(Object.keys(patched.metadata.labels).filter((k) => k.startsWith('p')).sort(), Array.from({ length: 10 }, (_, i) => `p${i}`).sort());
      assert.equal(patched.metadata.labels.n, '10');
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('fails fast with 503/504 while etcd is down, reports it in /readyz and recovers', async () => {
    const s = await replica(etcd, config, ['--etcd-request-timeout=2s']);
    try {
      await etcd.stopMember(0);
      const start = Date.now();
      const r = await s.request('get', `${COLL}/enc`);
      assert.ok(r.status === 503 || r.status === 504, `status ${r.status}`);
      assert.ok(Date.now() - start < 5000, 'bounded by the request timeout');
      // Clients are told when to come back, in the header and in the Status.
      const write = await s.request('post', COLL).send({ metadata: { name: 'while-down' } });
      for (const failed of [r, write]) {
        assert.ok(failed.status === 503 || failed.status === 504, `status ${failed.status}`);
        assert.equal(failed.headers['retry-after'], '1');
        assert.equal(failed.body.details?.retryAfterSeconds, 1);
      }
      const ready = await s.request('get', '/readyz?verbose').expect(500);
      assert.match(ready.text, /\[-\]etcd failed: reason withheld/);
      await etcd.startMember(0);
      const deadline = Date.now() + 30_000;
      for (;;) {
        const again = await s.request('get', `${COLL}/enc`);
        if (again.status === 200) break;
        if (Date.now() > deadline) throw new Error(`no recovery: ${again.status}`);
        await new Promise((res) => setTimeout(res, 200));
      }
      // Ready again once every check passes again (the caches' checks among them), which need not be
      // with the first read answered.
      await until(async () => (await s.request('get', '/readyz')).status === 200, 'the server to be ready again', Math.max(0, deadline - Date.now()));
    } finally {
      await s.stop();
    }
  });

  it('fails its etcd health check after 2 s when etcd hangs, not after the request timeout, as kube-apiserver does', async () => {
    const s = await replica(etcd, config);
    try {
      await until(async () => (await s.request('get', '/readyz')).status === 200, 'the server to be ready');
      await etcd.pauseMember(0);
      const start = Date.now();
      const ready = await s.request('get', '/readyz?verbose').expect(500);
      assert.match(ready.text, /\[-\]etcd failed: reason withheld/);
      // The etcd request timeout is 10 s; the check gives up after 2.
      assert.ok(Date.now() - start < 8_000, `answered after ${Date.now() - start} ms`);
    } finally {
      await etcd.resumeMember(0);
      await s.stop();
    }
  });
});

describe('server on etcd with a client certificate that is renewed', function () {
  this.timeout(120_000);

  it('connects with the renewed certificate files, as kube-apiserver does, so it keeps working when etcd stops accepting the old one', async () => {
    const renewal = await startEtcdForRenewal();
    const dir = tempDir();
    const s = await startInProcess([
      '--storage-backend=etcd3',
      `--etcd-servers=${renewal.etcd.endpoints.join(',')}`,
      `--etcd-cafile=${renewal.old.caFile}`,
      `--etcd-certfile=${renewal.certFile}`,
      `--etcd-keyfile=${renewal.keyFile}`,
      '--etcd-request-timeout=2s',
      `--encryption-provider-config=${encryptionConfig(dir)}`,
    ]);
    try {
      await s.request('post', COLL).send({ metadata: { name: 'before' } }).expect(201);
      // The Secret behind the files is renewed; then etcd accepts only the renewed CA's certificates.
      renewal.renewFiles();
      await renewal.distrustOld();
      // The files are read every 10 s.
      await until(async () => (await s.request('post', COLL).send({ metadata: { name: 'after' } })).status === 201, 'a write with the renewed certificate', 40_000);
      await until(
        async () => (await s.request('get', `${COLL}?resourceVersion=0`)).body.items?.some((i: { metadata: { name: string } }) => i.metadata.name === 'after') === true,
        'the watch cache to see the write',
        20_000,
      );
    } finally {
      await s.stop();
      await renewal.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('server on a 3-member etcd losing its leader under write load', function () {
  this.timeout(180_000);

  it('resumes writes after the election and loses no acknowledged write', async () => {
    const etcd = await startEtcd({ members: 3 });
    const dir = tempDir();
    const s = await replica(etcd, encryptionConfig(dir), ['--etcd-request-timeout=5s']);
    const client = adminClient(s.running.url, adminCredentials(s.dataDir));
    const acknowledged: string[] = [];
    let stop = false;
    let seq = 0;
    const writer = async () => {
      while (!stop) {
        const name = `l-${seq++}`;
        const r = await client.send('POST', COLL, { metadata: { name } });
        if (r.status === 201) acknowledged.push(name);
      }
    };
    try {
      const writers = Array.from({ length: 8 }, writer);
      await new Promise((r) => setTimeout(r, 800));
      const leader = await etcd.leaderIndex();
      await etcd.stopMember(leader);
      const before = acknowledged.length;
      await new Promise((r) => setTimeout(r, 3000));
      assert.ok(acknowledged.length > before, 'writes resumed after the election');
      stop = true;
      await Promise.all(writers);
      const list = await client.send('GET', COLL);
      const stored = new Set((list.body as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name));
      assert.deepEqual(acknowledged.filter((n) => !stored.has(n)), []);
    } finally {
      stop = true;
      client.close();
      await s.stop();
      await etcd.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
