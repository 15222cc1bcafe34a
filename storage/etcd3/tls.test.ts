import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestPki, startEtcd, type EtcdCluster, type EtcdTestPki } from '../../test/support/etcd.js';
import { UnreachableError } from '../errors.js';
import { openEtcdBackend } from './backend.js';
import { WatchRecorder } from '../../test/support/storage/watch-recorder.js';

describe('etcd3 backend over mutual TLS (real etcd)', function () {
  this.timeout(20_000);
  let dir: string;
  let pki: EtcdTestPki;
  let etcd: EtcdCluster | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'etcd-pki-'));
    pki = makeTestPki(dir);
    etcd = await startEtcd({ tls: pki });
  });
  after(async () => {
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads, writes and watches with a client certificate', async () => {
    assert.ok(etcd !== undefined && etcd.endpoints[0]?.startsWith('https://'));
    const backend = openEtcdBackend({
      endpoints: etcd.endpoints,
      caFile: pki.caFile,
      certFile: pki.clientCertFile,
      keyFile: pki.clientKeyFile,
    });
    try {
      const rec = new WatchRecorder().start(backend, '/tls/', await backend.currentRevision());
      const created = await backend.create('/tls/a', Buffer.from('secret'));
      assert.ok(created.succeeded);
      assert.equal(Buffer.from((await backend.get('/tls/a')).kv?.value ?? []).toString(), 'secret');
      await rec.until('1 event', () => rec.events.length === 1);
      rec.watch?.cancel();
    } finally {
      await backend.close();
    }
  });

  it('is refused without a client certificate', async () => {
    const backend = openEtcdBackend({ endpoints: etcd?.endpoints ?? [], caFile: pki.caFile, requestTimeoutMs: 2000 });
    try {
      await assert.rejects(backend.currentRevision(), UnreachableError);
    } finally {
      await backend.close();
    }
  });

  it('rejects incomplete TLS options', () => {
    assert.throws(() => openEtcdBackend({ endpoints: ['https://127.0.0.1:1'], caFile: pki.caFile, certFile: pki.clientCertFile }), /together/);
  });
});
