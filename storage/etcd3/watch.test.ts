import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startEtcd, type EtcdCluster } from '../../test/support/etcd.js';
import { WatchRecorder as Recorder } from '../../test/support/storage/watch-recorder.js';
import { ExpiredError } from '../errors.js';
import { openEtcdBackend, type EtcdBackend } from './backend.js';

const enc = (s: string) => Buffer.from(s, 'utf8');
const dec = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString('utf8'));

describe('etcd3 backend watch (real etcd)', function () {
  this.timeout(20_000);
  let etcd: EtcdCluster;
  let backend: EtcdBackend;
  let p: string;
  const recorders: Recorder[] = [];
  const record = (prefix: string, after: number) => {
    const r = new Recorder().start(backend, prefix, after);
    recorders.push(r);
    return r;
  };

  before(async () => {
    etcd = await startEtcd();
    backend = openEtcdBackend({ endpoints: etcd.endpoints, requestTimeoutMs: 3000 });
  });
  after(async () => {
    await backend?.close();
    await etcd?.stop();
  });
  beforeEach(() => {
    p = `/w-${randomUUID()}/`;
  });
  afterEach(() => {
    for (const r of recorders.splice(0)) r.watch?.cancel();
  });

  it('replays history after a revision with previous values', async () => {
    const r0 = await backend.currentRevision();
    const c = await backend.create(`${p}a`, enc('1'));
    const u = await backend.update(`${p}a`, enc('2'), c.revision);
    const d = await backend.delete(`${p}a`, u.revision);
    await backend.create(`/elsewhere-${randomUUID()}`, enc('x'));
    const b = await backend.create(`${p}b`, enc('b'));
    const rec = record(p, r0);
    await rec.until('4 events', () => rec.events.length >= 4);
    const [e1, e2, e3, e4] = rec.events;
    assert.deepEqual(
      rec.events.map((e) => [e.type, e.revision, e.kv.key]),
      [
        ['put', c.revision, `${p}a`],
        ['put', u.revision, `${p}a`],
        ['delete', d.revision, `${p}a`],
        ['put', b.revision, `${p}b`],
      ],
    );
    assert.equal(e1?.prevKv, undefined);
    assert.equal(dec(e2?.kv.value), '2');
    assert.equal(dec(e2?.prevKv?.value), '1');
    assert.equal(e2?.prevKv?.modRevision, c.revision);
    assert.equal(e3?.kv.modRevision, d.revision);
    assert.equal(dec(e3?.prevKv?.value), '2');
    assert.equal(e3?.prevKv?.modRevision, u.revision);
    assert.equal(e4?.kv.createRevision, b.revision);
    assert.deepEqual(rec.errors, []);
  });

  it('delivers only changes after the given revision, live, in order', async () => {
    const c = await backend.create(`${p}a`, enc('0'));
    const rec = record(p, c.revision);
    let rev = c.revision;
    for (let i = 1; i <= 20; i++) rev = (await backend.update(`${p}a`, enc(String(i)), rev)).revision;
    await rec.until('20 events', () => rec.events.length >= 20);
    rec.assertOrdered();
    assert.equal(rec.events.length, 20);
    assert.deepEqual(rec.events.map((e) => dec(e.kv.value)), Array.from({ length: 20 }, (_, i) => String(i + 1)));
    assert.deepEqual(rec.events.map((e) => dec(e.prevKv?.value)), Array.from({ length: 20 }, (_, i) => String(i)));
  });

  it('watches every key with the empty prefix', async () => {
    const rec = record('', await backend.currentRevision());
    const c = await backend.create(`${p}a`, enc('1'));
    await rec.until('1 event', () => rec.events.length >= 1);
    assert.equal(rec.events[0]?.revision, c.revision);
    const all = await backend.range('', '\u{10ffff}', { limit: 1, count: true });
    assert.ok(all.count >= 1 && all.kvs.length === 1);
  });

  it('stops delivering after cancel', async () => {
    const rec = record(p, await backend.currentRevision());
    await backend.create(`${p}a`, enc('1'));
    await rec.until('1 event', () => rec.events.length === 1);
    rec.watch?.cancel();
    await backend.create(`${p}b`, enc('1'));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(rec.events.length, 1);
    assert.deepEqual(rec.errors, []);
  });

  it('ends with ExpiredError when the start revision was compacted', async () => {
    const c = await backend.create(`${p}a`, enc('1'));
    const u = await backend.update(`${p}a`, enc('2'), c.revision);
    await backend.compact(u.revision);
    const rec = record(p, c.revision - 1);
    await rec.until('an error', () => rec.errors.length > 0);
    const err = rec.errors[0];
    assert.ok(err instanceof ExpiredError);
    assert.equal(err.message, `too old resource version: ${c.revision - 1} (${u.revision})`);
    assert.equal(rec.events.length, 0);
    // Just below the compacted revision is too old as well.
    const justBelow = record(p, u.revision - 1);
    await justBelow.until('an error', () => justBelow.errors.length > 0);
    assert.ok(justBelow.errors[0] instanceof ExpiredError);
    // Watching from the compaction revision itself still works.
    const ok = record(p, u.revision);
    await backend.update(`${p}a`, enc('3'), u.revision);
    await ok.until('1 event', () => ok.events.length === 1);
    assert.deepEqual(ok.errors, []);
  });

  it('forwards progress notifications', async () => {
    const rec = record(p, await backend.currentRevision());
    await backend.create(`${p}a`, enc('1'));
    await rec.until('a progress notification', () => rec.progress.length > 0, 6000);
    const current = await backend.currentRevision();
    const last = rec.progress[rec.progress.length - 1] ?? 0;
    assert.ok(last >= (rec.events[0]?.revision ?? Infinity) && last <= current);
  });

  it('ends every watch when the backend closes', async () => {
    const other = openEtcdBackend({ endpoints: etcd.endpoints });
    const rec = new Recorder().start(other, p, 0);
    await other.close();
    await rec.until('an error', () => rec.errors.length > 0);
    assert.match(rec.errors[0]?.message ?? '', /closed/);
  });
});
