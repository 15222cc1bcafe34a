import assert from 'node:assert/strict';
import { Etcd3, Lease } from 'etcd3';
import { startEtcd, startEtcdForRenewal } from '../../test/support/etcd.js';
import { until } from '../../test/support/wait.js';
import { EtcdReencryptionLock, reencryptionLockKeys } from './etcd-lock.js';

describe('re-encryption lock on etcd', function () {
  this.timeout(60_000);

  it('asks for a new session once per retry interval while etcd is gone, not twice as often each time', async () => {
    const etcd = await startEtcd();
    const errors: unknown[] = [];
    const lock = new EtcdReencryptionLock({ connection: { endpoints: etcd.endpoints, requestTimeoutMs: 200 }, ...reencryptionLockKeys('/lock-test'), ttlSeconds: 1, retryIntervalMs: 100, onError: (e) => errors.push(e) });
    try {
      await lock.publish({ 'internalsecrets.core.gardener.cloud': 'aescbc:key1' });
      await etcd.stop();
      // The lease is lost within its TTL; from then on one renewal is tried every 100 ms (each failing).
      await new Promise((r) => setTimeout(r, 4_000));
      assert.ok(errors.length > 0, 'renewals were tried');
      assert.ok(errors.length <= 60, `at most one failed renewal per interval, got ${errors.length} in 4 s`);
    } finally {
      await lock.close();
      await etcd.stop();
    }
  });

  it('grants its next session with a renewed client certificate once told, and keeps working when etcd refuses the old one', async () => {
    const renewal = await startEtcdForRenewal();
    const connection = { endpoints: renewal.etcd.endpoints, caFile: renewal.old.caFile, certFile: renewal.certFile, keyFile: renewal.keyFile, requestTimeoutMs: 1000 };
    const options = { connection, ...reencryptionLockKeys('/lock-test'), ttlSeconds: 2, retryIntervalMs: 100 };
    const lock = new EtcdReencryptionLock(options);
    // The control: a lock that is never told keeps the old certificate.
    const stale = new EtcdReencryptionLock({ ...options, identity: 'stale' });
    try {
      await lock.publish({ 'internalsecrets.core.gardener.cloud': 'aescbc:key1' });
      await stale.publish({ 'internalsecrets.core.gardener.cloud': 'aescbc:key1' });
      lock.updateClientCertificate(renewal.renewFiles());
      await renewal.distrustOld();
      // The session on the old client is lost with its connection; the next one is granted on the new client.
      const handle = await lock.acquire(AbortSignal.timeout(30_000));
      await handle.release();
      await assert.rejects(stale.acquire(AbortSignal.timeout(3_000)), /abort|timeout/i);
    } finally {
      await lock.close();
      await stale.close();
      await renewal.stop();
    }
  });

  it('revokes a new lease whose announcement could not be written, and keeps one renewal chain', async () => {
    const etcd = await startEtcd();
    const admin = new Etcd3({ hosts: etcd.endpoints });
    const put = Lease.prototype.put;
    let failing = 0;
    Lease.prototype.put = function (this: Lease, key: string | Buffer) {
      const builder = put.call(this, key);
      if (failing > 0) {
        failing--;
        builder.value = (() => Promise.reject(new Error('etcd went away right after the grant'))) as unknown as typeof builder.value;
      }
      return builder;
    };
    const lock = new EtcdReencryptionLock({ connection: { endpoints: etcd.endpoints, requestTimeoutMs: 500 }, ...reencryptionLockKeys('/lock-test'), ttlSeconds: 2, retryIntervalMs: 100 });
    const leases = async () => (await admin.leaseClient.leaseLeases()).leases.length;
    try {
      await lock.publish({ 'internalsecrets.core.gardener.cloud': 'aescbc:key1' });
      failing = 3;
      for (const l of (await admin.leaseClient.leaseLeases()).leases) await admin.leaseClient.leaseRevoke({ ID: l.ID });
      await until(async () => failing === 0 && (await admin.get('/lock-test/garden-apiserver/reencryption-replicas/' + lock.identity).string()) !== null, 'the announcement back', 20_000);
      assert.equal(await leases(), 1, 'the leases of failed announcements are revoked');
      await lock.close();
      assert.equal(await leases(), 0);
    } finally {
      Lease.prototype.put = put;
      await lock.close();
      admin.close();
      await etcd.stop();
    }
  });
});
