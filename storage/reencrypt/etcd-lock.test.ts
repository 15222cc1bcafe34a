import assert from 'node:assert/strict';
import { Etcd3, Lease } from 'etcd3';
import { startEtcd, startEtcdForRenewal } from '../../test/support/etcd.js';
import { EtcdConnection, type EtcdConnectionOptions } from '../etcd3/connection.js';
import { until } from '../../test/support/wait.js';
import { EtcdReencryptionLock, reencryptionLockKeys } from './etcd-lock.js';

describe('re-encryption lock on etcd', function () {
  this.timeout(60_000);
  const connections: EtcdConnection[] = [];
  const connect = (options: EtcdConnectionOptions): EtcdConnection => {
    const c = new EtcdConnection(options);
    connections.push(c);
    return c;
  };
  afterEach(() => {
    for (const c of connections.splice(0)) c.close();
  });

  it('asks for a new session once per retry interval while etcd is gone, not twice as often each time', async () => {
    const etcd = await startEtcd();
    const errors: unknown[] = [];
    const lock = new EtcdReencryptionLock({ connection: connect({ endpoints: etcd.endpoints, requestTimeoutMs: 200 }), ...reencryptionLockKeys('/lock-test'), ttlSeconds: 1, retryIntervalMs: 100, onError: (e) => errors.push(e) });
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

  it('keeps its session across a renewed client certificate on its connection, and etcd restarting without the old one', async () => {
    const renewal = await startEtcdForRenewal();
    const options = { endpoints: renewal.etcd.endpoints, caFile: renewal.old.caFile, certFile: renewal.certFile, keyFile: renewal.keyFile, requestTimeoutMs: 1000 };
    const connection = connect(options);
    const keys = reencryptionLockKeys('/lock-test');
    const lock = new EtcdReencryptionLock({ connection, ...keys, ttlSeconds: 2, retryIntervalMs: 100 });
    // The control: a connection that is never told keeps the old certificate.
    const stale = new EtcdReencryptionLock({ connection: connect(options), ...keys, ttlSeconds: 2, retryIntervalMs: 100, identity: 'stale' });
    try {
      await lock.publish({ 'internalsecrets.core.gardener.cloud': 'aescbc:key1' });
      const handle = await lock.acquire(AbortSignal.timeout(10_000));
      let lost = false;
      void handle.lost.then(() => (lost = true));
      await stale.publish({ 'internalsecrets.core.gardener.cloud': 'aescbc:key1' });
      connection.updateClientCertificate(renewal.renewFiles());
      // The lease's keep-alive stream moves too: nothing keeps the old channels open.
      await until(() => connection.retiredChannelsOpen === 0, 'the old channels to close', 10_000);
      await renewal.distrustOld();
      // The keep-alives moved to the renewed channels: the lease outlives twice its TTL.
      await new Promise((r) => setTimeout(r, 4_000));
      assert.equal(lost, false, 'the session was lost');
      await handle.release();
      const again = await lock.acquire(AbortSignal.timeout(10_000));
      await again.release();
      await assert.rejects(stale.acquire(AbortSignal.timeout(3_000)), /abort|timeout/i);
      // Closing revokes the lease at once: the announcement is gone without waiting for the TTL.
      await lock.close();
      const admin = connect({ ...options, certFile: renewal.renewed.clientCertFile, keyFile: renewal.renewed.clientKeyFile });
      assert.equal((await admin.client.get(`${keys.replicasPrefix}${lock.identity}`).string()), null);
    } finally {
      await lock.close();
      await stale.close();
      await renewal.stop();
    }
  });

  it('takes a lock key that its own session holds (a put applied whose answer came too late), and refuses calls once closed', async () => {
    const etcd = await startEtcd();
    const connection = connect({ endpoints: etcd.endpoints });
    const keys = reencryptionLockKeys('/lock-own');
    const lock = new EtcdReencryptionLock({ connection, ...keys, ttlSeconds: 5, retryIntervalMs: 100 });
    try {
      await lock.publish({ 'internalsecrets.core.gardener.cloud': 'aescbc:key1' });
      const announcement = await connection.client.get(`${keys.replicasPrefix}${lock.identity}`).exec();
      const lease = announcement.kvs[0]?.lease;
      assert.ok(lease !== undefined && String(lease) !== '0');
      await connection.client.put(keys.key).value(lock.identity).lease(String(lease)).exec();
      const handle = await lock.acquire(AbortSignal.timeout(5_000));
      await handle.release();
      assert.equal(await connection.client.get(keys.key).string(), null, 'released');
      await lock.close();
      await assert.rejects(lock.publish({ x: 'y' }), /closed/);
      await assert.rejects(lock.peers(), /closed/);
    } finally {
      await lock.close();
      await etcd.stop();
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
    const lock = new EtcdReencryptionLock({ connection: connect({ endpoints: etcd.endpoints, requestTimeoutMs: 500 }), ...reencryptionLockKeys('/lock-test'), ttlSeconds: 2, retryIntervalMs: 100 });
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
