import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startEtcd, type EtcdCluster } from '../../test/support/etcd.js';
import { openEtcdBackend, type EtcdBackend } from './backend.js';
import { startCompactor, type Compactor } from './compactor.js';

describe('etcd3 compactor (real etcd)', function () {
  this.timeout(20_000);
  let etcd: EtcdCluster;
  let a: EtcdBackend;
  let b: EtcdBackend;
  const compactors: Compactor[] = [];

  before(async () => {
    etcd = await startEtcd();
    a = openEtcdBackend({ endpoints: etcd.endpoints });
    b = openEtcdBackend({ endpoints: etcd.endpoints });
  });
  after(async () => {
    await Promise.all(compactors.splice(0).map((c) => c.stop()));
    await a?.close();
    await b?.close();
    await etcd?.stop();
  });

  const writeSome = async (n: number) => {
    for (let i = 0; i < n; i++) await a.create(`/c/${randomUUID()}`, Buffer.from('x'));
  };

  it('lets only one of two replicas compact per round, to the revision of the previous round', async () => {
    const key = `/test-${randomUUID()}/compact_rev_key`;
    const ca = startCompactor(a, { intervalMs: 0, key });
    const cb = startCompactor(b, { intervalMs: 0, key });
    compactors.push(ca, cb);

    // Round 1 (bootstrap): a records a revision, b loses and adopts the key's version.
    assert.deepEqual(await ca.runOnce(), { won: true });
    const recorded = await a.currentRevision(); // the txn's revision
    assert.deepEqual(await cb.runOnce(), { won: false });
    assert.equal(await a.compactedRevision(), 0);

    // Round 2: a wins again and compacts to what it recorded in round 1; b loses.
    await writeSome(5);
    const r2 = await ca.runOnce();
    assert.deepEqual(r2, { won: true, compactedTo: recorded });
    assert.equal(await b.compactedRevision(), recorded);
    const afterRound2 = await a.currentRevision();
    assert.deepEqual(await cb.runOnce(), { won: false });
    assert.equal(await a.compactedRevision(), recorded, 'the loser does not compact');

    // Round 3: b goes first now. It saw version 2 and the revision of its losing step, so it wins and
    // compacts to that revision (one interval old), and a loses.
    await writeSome(5);
    const r3 = await cb.runOnce();
    assert.equal(r3.won, true);
    assert.ok(r3.compactedTo !== undefined && r3.compactedTo >= afterRound2 && r3.compactedTo < (await a.currentRevision()) - 4);
    assert.deepEqual(await ca.runOnce(), { won: false });
    assert.equal(await a.compactedRevision(), r3.compactedTo);
  });

  it('compacts periodically with several replicas running at once', async () => {
    const key = `/test-${randomUUID()}/compact_rev_key`;
    const compacted: number[] = [];
    const errors: Error[] = [];
    for (const backend of [a, b, a]) {
      compactors.push(
        startCompactor(backend, { intervalMs: 150, key, onCompact: (rev) => compacted.push(rev), onError: (e) => errors.push(e) }),
      );
    }
    const deadline = Date.now() + 5000;
    while (compacted.length < 2 && Date.now() < deadline) {
      await writeSome(3);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(errors, []);
    assert.ok(compacted.length >= 2, `compactions: ${compacted.join(',')}`);
    for (let i = 1; i < compacted.length; i++) assert.ok((compacted[i] ?? 0) >= (compacted[i - 1] ?? 0));
    assert.equal(await a.compactedRevision(), compacted[compacted.length - 1]);
    await Promise.all(compactors.splice(0).map((c) => c.stop()));
  });
});
