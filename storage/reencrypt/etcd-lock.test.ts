import assert from 'node:assert/strict';
import { startEtcd } from '../../test/support/etcd.js';
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
});
