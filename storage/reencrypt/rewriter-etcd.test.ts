import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Etcd3 } from 'etcd3';
import { startEtcd, type EtcdCluster } from '../../test/support/etcd.js';
import { DynamicEncryptionConfig } from '../encryption/reload.js';
import { openEtcdBackend, type EtcdBackend } from '../etcd3/backend.js';
import type { KVBackend } from '../interface.js';
import { EtcdReencryptionLock, reencryptionLockKeys } from './etcd-lock.js';
import { reencryptionProgressPrefix } from './progress-store.js';
import { startReencryption, type ReencryptionOptions } from './rewriter.js';
import { reencryptionSuite } from '../../test/support/reencrypt/suite.js';
import { aescbcTarget, countPrefixed, createObjects, ProgressLog, SECRETS, testConfig, testResource, waitFor } from '../../test/support/reencrypt/fixtures.js';
import type { LockHandle, Reencryption, ReencryptionLock } from './types.js';

const B_PREFIX = 'k8s:enc:aescbc:v1:B:';

/** Records whether the wrapped lock is held, to check that two holders never overlap. */
class TrackedLock implements ReencryptionLock {
  held = false;
  acquisitions = 0;

  constructor(
    private readonly inner: ReencryptionLock,
    private readonly others: () => TrackedLock[],
  ) {}

  async acquire(signal: AbortSignal): Promise<LockHandle> {
    const handle = await this.inner.acquire(signal);
    assert.ok(!this.others().some((o) => o !== this && o.held), 'two replicas hold the lock at once');
    this.held = true;
    this.acquisitions++;
    void handle.lost.then(() => {
      this.held = false;
    });
    return {
      lost: handle.lost,
      release: async () => {
        this.held = false;
        await handle.release();
      },
    };
  }
}

describe('re-encryption on etcd', function () {
  this.timeout(120_000);
  let etcd: EtcdCluster;
  const backends: KVBackend[] = [];
  const locks: EtcdReencryptionLock[] = [];
  const running: Reencryption[] = [];

  const backend = (): EtcdBackend => {
    const b = openEtcdBackend({ endpoints: etcd.endpoints });
    backends.push(b);
    return b;
  };
  const lock = (etcdPrefix: string, ttlSeconds = 2): EtcdReencryptionLock => {
    // Each lock on a connection of its own, as each replica has.
    const l = new EtcdReencryptionLock({ connection: backend().connection, ...reencryptionLockKeys(etcdPrefix), ttlSeconds, retryIntervalMs: 100 });
    locks.push(l);
    return l;
  };

  before(async () => {
    etcd = await startEtcd();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.stop()));
    await Promise.all(locks.splice(0).map((l) => l.close()));
    await Promise.all(backends.splice(0).map((b) => b.close()));
  });
  after(async () => {
    await etcd?.stop();
  });

  describe('scenarios', () => {
    reencryptionSuite({
      label: 'etcd',
      open: async () => ({ backend: backend(), etcdPrefix: `/t-${randomUUID()}/registry-gardener` }),
      reopen: async (b) => {
        await b.close();
        return backend();
      },
    });
  });

  /** Objects written with key A, then a configuration with B first, for two replicas. */
  async function twoReplicas(n: number) {
    const etcdPrefix = `/t-${randomUUID()}/registry-gardener`;
    const a = backend();
    const b = backend();
    const dynA = new DynamicEncryptionConfig(testConfig({ [SECRETS]: [{ aescbc: ['A'] }] }));
    const dynB = new DynamicEncryptionConfig(testConfig({ [SECRETS]: [{ aescbc: ['B', 'A'] }] }));
    const resA = testResource(a, dynA, SECRETS, etcdPrefix);
    await createObjects(resA, n);
    dynA.set(testConfig({ [SECRETS]: [{ aescbc: ['B', 'A'] }] }));
    const resB = testResource(b, dynB, SECRETS, etcdPrefix);
    const common = { progressPrefix: reencryptionProgressPrefix(etcdPrefix), pollIntervalMs: 50, retryIntervalMs: 200, progressIntervalMs: 20 };
    const optsA: ReencryptionOptions = { ...common, backend: a, resources: [resA], encryption: dynA };
    const optsB: ReencryptionOptions = { ...common, backend: b, resources: [resB], encryption: dynB };
    return { etcdPrefix, a, b, resA, resB, optsA, optsB };
  }

  const run = (opts: ReencryptionOptions): Reencryption => {
    const r = startReencryption(opts);
    running.push(r);
    return r;
  };

  it('lets one replica rewrite at a time; the other takes over (resuming) when the first stops', async () => {
    const n = 3000;
    const w = await twoReplicas(n);
    const tracked: TrackedLock[] = [];
    const rawA = lock(w.etcdPrefix);
    const rawB = lock(w.etcdPrefix);
    const lockA = new TrackedLock(rawA, () => tracked);
    const lockB = new TrackedLock(rawB, () => tracked);
    tracked.push(lockA, lockB);
    const logA = new ProgressLog();
    const logB = new ProgressLog();
    const rA = run({ ...w.optsA, lock: lockA, replicas: rawA, onProgress: logA.on, rateLimit: 2000 });
    await waitFor('replica A to run', () => rA.status().resources[0]?.state === 'running');
    const rB = run({ ...w.optsB, lock: lockB, replicas: rawB, onProgress: logB.on, rateLimit: 2000 });
    await waitFor('replica B to wait', () => rB.status().resources[0]?.state === 'waiting-for-lock');
    await waitFor('a third of the walk', () => (rA.status().resources[0]?.done ?? 0) >= n / 3);
    assert.equal(rB.status().resources[0]?.state, 'waiting-for-lock');
    assert.ok(!logB.events.some((e) => e.state === 'running'), 'B did not run while A held the lock');

    await rA.stop();
    const doneByA = rA.status().resources[0]?.done ?? 0;
    await rB.settled();
    // The state change to running is reported before the saved progress is loaded; the first report
    // of the walk itself shows where B resumed.
    const firstRunB = logB.events.find((e) => e.state === 'running' && (e.done ?? 0) > 0);
    assert.ok((firstRunB?.done ?? 0) >= doneByA - 1, `B resumed at ${firstRunB?.done} after A did ${doneByA}`);
    assert.equal(logA.rewrites() + logB.rewrites(), n);
    assert.deepEqual(await countPrefixed(w.b, w.resB, B_PREFIX), { yes: n, no: 0 });
    assert.equal(lockB.acquisitions, 1);
  });

  it('stops working when its lease is lost, and goes on once it holds the lock again', async () => {
    const n = 2000;
    const w = await twoReplicas(n);
    const rawA = lock(w.etcdPrefix, 2);
    const log = new ProgressLog();
    const rA = run({ ...w.optsA, lock: rawA, replicas: rawA, onProgress: log.on, rateLimit: 1500 });
    await waitFor('the walk', () => (rA.status().resources[0]?.done ?? 0) >= 300);

    const client = new Etcd3({ hosts: etcd.endpoints });
    try {
      const kv = await client.get(reencryptionLockKeys(w.etcdPrefix).key).exec();
      const leaseId = kv.kvs[0]?.lease;
      assert.ok(leaseId !== undefined && leaseId !== '0');
      await client.leaseClient.leaseRevoke({ ID: leaseId });
    } finally {
      client.close();
    }
    // running -> (lease lost) waiting-for-lock -> running again
    const runningAgain = () => {
      const first = log.events.findIndex((e) => e.state === 'running');
      const stopped = log.events.findIndex((e, i) => i > first && e.state === 'waiting-for-lock');
      return first >= 0 && stopped > first && log.events.slice(stopped).some((e) => e.state === 'running');
    };
    await waitFor('the walk to stop and resume', runningAgain);
    await rA.settled();
    assert.equal(log.rewrites(), n);
    assert.deepEqual(await countPrefixed(w.a, w.resA, B_PREFIX), { yes: n, no: 0 });
    assert.deepEqual(await rawA.peers(), [{ [SECRETS]: aescbcTarget('B') }], 'the announcement is back under the new lease');
  });

  it('waits while a live replica still writes with the old key', async () => {
    const w = await twoReplicas(500);
    const rawA = lock(w.etcdPrefix);
    const old = lock(w.etcdPrefix);
    await old.publish({ [SECRETS]: aescbcTarget('A') }); // a replica still on the old configuration
    const log = new ProgressLog();
    const rA = run({ ...w.optsA, lock: rawA, replicas: rawA, onProgress: log.on });
    await waitFor('waiting for replicas', () => rA.status().resources[0]?.state === 'waiting-for-replicas');
    await new Promise((r) => setTimeout(r, 300)); // several rounds (50 ms apart) look at the replicas again
    assert.equal(rA.status().resources[0]?.state, 'waiting-for-replicas');
    const states = log.events.map((e) => e.state);
    assert.deepEqual(states.slice(states.indexOf('waiting-for-replicas')), ['waiting-for-replicas'], 'the wait is reported once, not once per round');
    assert.deepEqual(await countPrefixed(w.a, w.resA, B_PREFIX), { yes: 0, no: 500 });

    await old.close(); // the old replica goes away (its lease is revoked)
    await rA.settled();
    assert.deepEqual(await countPrefixed(w.a, w.resA, B_PREFIX), { yes: 500, no: 0 });
  });
});
