/**
 * The shared storage conformance suite against the etcd3 backend on a real etcd: one etcd for the
 * whole suite, a fresh client per test (tests use unique key prefixes).
 */
import { startEtcd, type EtcdCluster } from '../../test/support/etcd.js';
import { runStorageConformance } from '../../test/support/conformance/suite.js';
import { openEtcdBackend } from './backend.js';

describe('etcd3 backend conformance (real etcd)', function () {
  this.timeout(20_000);
  let etcd: EtcdCluster | undefined;

  before(async () => {
    etcd = await startEtcd();
  });
  after(async () => {
    await etcd?.stop();
  });

  runStorageConformance('etcd3', async () => {
    if (etcd === undefined) throw new Error('etcd is not running');
    const backend = openEtcdBackend({ endpoints: etcd.endpoints, requestTimeoutMs: 5000 });
    return { backend, cleanup: () => backend.close() };
  });
});
