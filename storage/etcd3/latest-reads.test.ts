import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { freePort, settledEtcdRequests, startEtcd, type EtcdCluster } from '../../test/support/etcd.js';
import { StorageError } from '../errors.js';
import { openEtcdBackend, type EtcdBackend } from './backend.js';
import { MAX_READS } from './latest-reads.js';

const enc = (s: string) => Buffer.from(s, 'utf8');
const dec = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString('utf8'));

/** Range and Txn requests etcd answered while `run` ran. */
async function requestsDuring(endpoint: string, run: () => Promise<unknown>): Promise<{ ranges: number; txns: number }> {
  const [r0, t0] = [await settledEtcdRequests(endpoint, 'Range'), await settledEtcdRequests(endpoint, 'Txn')];
  await run();
  return { ranges: (await settledEtcdRequests(endpoint, 'Range')) - r0, txns: (await settledEtcdRequests(endpoint, 'Txn')) - t0 };
}

describe('etcd3 backend: reads of the latest revision go out together (real etcd)', function () {
  this.timeout(30_000);
  let etcd: EtcdCluster;
  let backend: EtcdBackend;
  let endpoint: string;
  let p: string;

  before(async () => {
    etcd = await startEtcd();
    endpoint = etcd.endpoints[0] ?? '';
    backend = openEtcdBackend({ endpoints: etcd.endpoints, requestTimeoutMs: 5000 });
  });
  after(async () => {
    await backend?.close();
    await etcd?.stop();
  });
  beforeEach(() => {
    p = `/reads-${randomUUID()}/`;
  });

  it('sends the reads of one turn as one transaction, each answered with its own key at one revision', async () => {
    for (let i = 0; i < 30; i++) await backend.create(`${p}k${i}`, enc(`v${i}`));
    await backend.update(`${p}k7`, enc('changed'), (await backend.get(`${p}k7`)).kv?.modRevision ?? 0);
    const keys = [...Array.from({ length: 30 }, (_, i) => `${p}k${i}`), `${p}missing`];
    let reads: Array<Awaited<ReturnType<EtcdBackend['get']>>> = [];
    const counts = await requestsDuring(endpoint, async () => (reads = await Promise.all(keys.map((k) => backend.get(k)))));
    assert.deepEqual(counts, { ranges: 0, txns: 1 });
    const current = await backend.currentRevision();
    assert.deepEqual(
      reads.map((r) => dec(r.kv?.value)),
      [...Array.from({ length: 30 }, (_, i) => (i === 7 ? 'changed' : `v${i}`)), undefined],
    );
    assert.deepEqual(
      reads.map((r) => r.kv?.key === undefined ? undefined : Buffer.from(r.kv.key).toString()),
      [...keys.slice(0, 30), undefined],
    );
    assert.ok(reads.every((r) => r.revision === current), 'every read reports the revision it was read at');
  });

  it('sends modRevision reads (keys only) in the same transaction as full reads', async () => {
    const revisions: number[] = [];
    for (let i = 0; i < 4; i++) revisions.push((await backend.create(`${p}k${i}`, enc(`v${i}`))).revision);
    let answers: unknown[] = [];
    const counts = await requestsDuring(endpoint, async () => {
      answers = await Promise.all([backend.get(`${p}k0`), backend.modRevision(`${p}k1`), backend.get(`${p}k2`), backend.modRevision(`${p}k3`), backend.modRevision(`${p}none`)]);
    });
    assert.deepEqual(counts, { ranges: 0, txns: 1 });
    const current = await backend.currentRevision();
    const [k0, k1, k2, k3, none] = answers as [Awaited<ReturnType<EtcdBackend['get']>>, unknown, Awaited<ReturnType<EtcdBackend['get']>>, unknown, unknown];
    assert.deepEqual([dec(k0.kv?.value), dec(k2.kv?.value)], ['v0', 'v2'], 'full reads keep their values');
    assert.deepEqual([k1, k3, none], [{ modRevision: revisions[1], revision: current }, { modRevision: revisions[3], revision: current }, { revision: current }]);
    let alone: unknown;
    const single = await requestsDuring(endpoint, async () => (alone = await backend.modRevision(`${p}k1`)));
    assert.deepEqual(single, { ranges: 1, txns: 0 });
    assert.deepEqual(alone, { modRevision: revisions[1], revision: current });
  });

  it('sends a read asked for alone as a plain range', async () => {
    await backend.create(`${p}only`, enc('x'));
    let value: string | undefined;
    const counts = await requestsDuring(endpoint, async () => (value = dec((await backend.get(`${p}only`)).kv?.value)));
    assert.equal(value, 'x');
    assert.deepEqual(counts, { ranges: 1, txns: 0 });
  });

  it(`splits the reads of a turn into transactions of at most ${MAX_READS}`, async () => {
    const n = 2 * MAX_READS + 10;
    for (let i = 0; i < n; i += 50) await Promise.all(Array.from({ length: Math.min(50, n - i) }, (_, j) => backend.create(`${p}k${i + j}`, enc(String(i + j)))));
    let values: Array<string | undefined> = [];
    const counts = await requestsDuring(endpoint, async () => (values = (await Promise.all(Array.from({ length: n }, (_, i) => backend.get(`${p}k${i}`)))).map((r) => dec(r.kv?.value))));
    assert.deepEqual(values, Array.from({ length: n }, (_, i) => String(i)));
    assert.deepEqual(counts, { ranges: 0, txns: 3 });
  });

  it('reads at a given revision one by one, as before', async () => {
    const c = await backend.create(`${p}old`, enc('1'));
    await backend.update(`${p}old`, enc('2'), c.revision);
    let values: Array<string | undefined> = [];
    const counts = await requestsDuring(endpoint, async () => (values = (await Promise.all([backend.get(`${p}old`, c.revision), backend.get(`${p}old`, c.revision)])).map((r) => dec(r.kv?.value))));
    assert.deepEqual(values, ['1', '1']);
    assert.deepEqual(counts, { ranges: 2, txns: 0 });
  });

  it('answers every read when etcd allows fewer operations per transaction', async () => {
    const small = await startEtcd({ maxTxnOps: 8 });
    const b = openEtcdBackend({ endpoints: small.endpoints, requestTimeoutMs: 5000 });
    try {
      for (let i = 0; i < 40; i++) await b.create(`${p}k${i}`, enc(String(i)));
      for (let round = 0; round < 2; round++) {
        const values = (await Promise.all(Array.from({ length: 40 }, (_, i) => b.get(`${p}k${i}`)))).map((r) => dec(r.kv?.value));
        assert.deepEqual(values, Array.from({ length: 40 }, (_, i) => String(i)));
      }
    } finally {
      await b.close();
      await small.stop();
    }
  });

  it('fails each read of a failed transaction with the error of its own key', async () => {
    const b = openEtcdBackend({ endpoints: [`http://127.0.0.1:${await freePort()}`], requestTimeoutMs: 300 });
    try {
      const keys = ['/a', '/b', '/c'];
      const errors = await Promise.all(keys.map((k) => b.get(k).then(() => undefined, (e: unknown) => e)));
      for (const [i, e] of errors.entries()) {
        assert.ok(e instanceof StorageError, `read ${i}: ${String(e)}`);
        assert.equal(e.key, keys[i]);
        assert.equal(e.constructor, errors[0]?.constructor);
        assert.match(e.message, /etcd/);
      }
    } finally {
      await b.close();
    }
  });
});
