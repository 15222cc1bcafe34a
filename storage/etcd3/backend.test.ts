import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startEtcd, type EtcdCluster } from '../../test/support/etcd.js';
import { ExpiredError, InvalidRequestError, FutureRevisionError } from '../errors.js';
import { openEtcdBackend, type EtcdBackend } from './backend.js';

const enc = (s: string) => Buffer.from(s, 'utf8');
const dec = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString('utf8'));

describe('etcd3 backend (real etcd)', function () {
  this.timeout(20_000);
  let etcd: EtcdCluster;
  let backend: EtcdBackend;
  let p: string;

  before(async () => {
    etcd = await startEtcd();
    backend = openEtcdBackend({ endpoints: etcd.endpoints, requestTimeoutMs: 3000 });
  });
  after(async () => {
    await backend?.close();
    await etcd?.stop();
  });
  beforeEach(() => {
    p = `/t-${randomUUID()}/`;
  });

  it('advances the revision by one per write and reports it', async () => {
    const r0 = await backend.currentRevision();
    const c = await backend.create(`${p}a`, enc('1'));
    assert.deepEqual(c, { succeeded: true, revision: r0 + 1 });
    const u = await backend.update(`${p}a`, enc('2'), c.revision);
    assert.deepEqual(u, { succeeded: true, revision: r0 + 2 });
    const d = await backend.delete(`${p}a`, u.revision);
    assert.deepEqual(d, { succeeded: true, revision: r0 + 3 });
    assert.equal(await backend.currentRevision(), r0 + 3);
  });

  it('create fails on an existing key and returns the current value', async () => {
    const c = await backend.create(`${p}a`, enc('first'));
    const again = await backend.create(`${p}a`, enc('second'));
    assert.equal(again.succeeded, false);
    assert.equal(again.revision, c.revision);
    assert.ok(!again.succeeded && again.current !== undefined);
    assert.equal(dec(again.current.value), 'first');
    assert.equal(again.current.createRevision, c.revision);
    assert.equal(again.current.modRevision, c.revision);
  });

  it('update and delete compare the mod revision', async () => {
    const c = await backend.create(`${p}a`, enc('1'));
    const u = await backend.update(`${p}a`, enc('2'), c.revision);
    assert.ok(u.succeeded);
    const stale = await backend.update(`${p}a`, enc('3'), c.revision);
    assert.ok(!stale.succeeded);
    assert.equal(stale.current?.modRevision, u.revision);
    assert.equal(dec(stale.current?.value), '2');
    const staleDelete = await backend.delete(`${p}a`, c.revision);
    assert.ok(!staleDelete.succeeded);
    assert.equal(dec(staleDelete.current?.value), '2');
    const got = await backend.get(`${p}a`);
    assert.equal(got.kv?.createRevision, c.revision);
    assert.equal(got.kv?.modRevision, u.revision);
  });

  it('update and delete of a missing key fail without current value (also with expected 0)', async () => {
    const r = await backend.currentRevision();
    assert.deepEqual(await backend.update(`${p}missing`, enc('x'), 0), { succeeded: false, revision: r });
    assert.deepEqual(await backend.update(`${p}missing`, enc('x'), 5), { succeeded: false, revision: r });
    assert.deepEqual(await backend.delete(`${p}missing`, 0), { succeeded: false, revision: r });
    assert.equal((await backend.get(`${p}missing`)).kv, undefined);
  });

  it('stores values as bytes', async () => {
    const value = Uint8Array.from([0, 255, 1, 128, 10, 13]);
    await backend.create(`${p}bin`, value);
    const got = await backend.get(`${p}bin`);
    assert.deepEqual(Buffer.from(got.kv?.value ?? []), Buffer.from(value));
  });

  it('gets and ranges at a past revision', async () => {
    const c = await backend.create(`${p}a`, enc('v1'));
    await backend.create(`${p}b`, enc('b1'));
    const u = await backend.update(`${p}a`, enc('v2'), c.revision);
    await backend.delete(`${p}a`, u.revision);
    const old = await backend.get(`${p}a`, c.revision);
    assert.equal(dec(old.kv?.value), 'v1');
    assert.equal(old.revision, c.revision);
    const latest = await backend.get(`${p}a`);
    assert.equal(latest.kv, undefined);
    assert.equal(latest.revision, await backend.currentRevision());
    const atU = await backend.range(p, `${p.slice(0, -1)}0`, { revision: u.revision });
    assert.deepEqual(atU.kvs.map((kv) => [kv.key, dec(kv.value)]), [[`${p}a`, 'v2'], [`${p}b`, 'b1']]);
    assert.equal(atU.revision, u.revision);
  });

  it('ranges in byte order with limit, more and count', async () => {
    for (const k of ['c', 'a', 'e', 'b', 'd']) await backend.create(`${p}${k}`, enc(k));
    const end = `${p.slice(0, -1)}0`;
    const page = await backend.range(p, end, { limit: 2, count: true });
    assert.deepEqual(page.kvs.map((kv) => kv.key), [`${p}a`, `${p}b`]);
    assert.equal(page.more, true);
    assert.equal(page.count, 5);
    const rest = await backend.range(`${p}b\u0000`, end, { limit: 10, revision: page.revision });
    assert.deepEqual(rest.kvs.map((kv) => kv.key), [`${p}c`, `${p}d`, `${p}e`]);
    assert.equal(rest.more, false);
    const all = await backend.range(p, end);
    assert.equal(all.kvs.length, 5);
    assert.equal(all.more, false);
    const empty = await backend.range(`${p}x`, `${p}a`);
    assert.deepEqual(empty.kvs, []);
  });

  it('reads at a compacted revision fail with ExpiredError; compaction is reported', async () => {
    const c = await backend.create(`${p}a`, enc('1'));
    const u = await backend.update(`${p}a`, enc('2'), c.revision);
    await backend.update(`${p}a`, enc('3'), u.revision);
    await backend.compact(u.revision);
    assert.equal(await backend.compactedRevision(), u.revision);
    await assert.rejects(backend.get(`${p}a`, c.revision), (e: unknown) => {
      assert.ok(e instanceof ExpiredError);
      assert.equal(e.message, 'The resourceVersion for the provided list is too old.');
      return true;
    });
    await assert.rejects(backend.range(p, `${p}z`, { revision: c.revision }), ExpiredError);
    assert.equal(dec((await backend.get(`${p}a`, u.revision)).kv?.value), '2');
    await backend.compact(c.revision); // older than the current compaction: no-op
    assert.equal(await backend.compactedRevision(), u.revision);
  });

  it('finds the compacted revision when another client compacted', async () => {
    const other = openEtcdBackend({ endpoints: etcd.endpoints });
    try {
      await backend.create(`${p}a`, enc('1'));
      const target = await backend.currentRevision();
      await backend.create(`${p}b`, enc('1'));
      await other.compact(target);
      assert.equal(await backend.compactedRevision(), target);
    } finally {
      await other.close();
    }
  });

  it('rejects future revisions', async () => {
    const current = await backend.currentRevision();
    await assert.rejects(backend.get(`${p}a`, current + 1000), (e: unknown) => {
      assert.ok(e instanceof FutureRevisionError);
      assert.equal(e.message, 'etcdserver: mvcc: required revision is a future revision');
      return true;
    });
    await assert.rejects(backend.compact(current + 1000), InvalidRequestError);
  });

  it('checks health', async () => {
    await backend.checkHealth();
  });
});
