import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestPki, startEtcd, startEtcdForRenewal, type CertificateRenewal, type EtcdCluster, type EtcdTestPki } from '../../test/support/etcd.js';
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

describe('etcd3 backend: a renewed client certificate (real etcd)', function () {
  this.timeout(60_000);
  let renewal: CertificateRenewal | undefined;

  after(async () => renewal?.stop());

  it('asks again for the progress a watch asked for on the channels it moved off', async () => {
    // Without periodic progress notifications every answer seen is a requested one.
    const quiet = await startEtcdForRenewal({ progressNotifyInterval: '1h' });
    const backend = openEtcdBackend({ endpoints: quiet.etcd.endpoints, caFile: quiet.old.caFile, certFile: quiet.certFile, keyFile: quiet.keyFile, progressRequests: 'always' });
    try {
      const rec = new WatchRecorder().start(backend, '/progress/', await backend.currentRevision());
      rec.watch?.requestProgress?.();
      await rec.until('the first answer', () => rec.progress.length === 1);
      rec.watch?.requestProgress?.();
      backend.connection.updateClientCertificate(quiet.renewFiles());
      await rec.until('the answer on the new channels', () => rec.progress.length === 2, 20_000);
      rec.watch?.cancel();
    } finally {
      await backend.close();
      await quiet.stop();
    }
  });

  it('connects with the new certificate once told, so it keeps working when etcd stops accepting the old one', async () => {
    renewal = await startEtcdForRenewal();
    const { certFile, keyFile } = renewal;
    const options = { endpoints: renewal.etcd.endpoints, caFile: renewal.old.caFile, certFile, keyFile, requestTimeoutMs: 5000 };
    const backend = openEtcdBackend(options);
    // The control: a connection that is never told keeps the old certificate.
    const stale = openEtcdBackend({ ...options, requestTimeoutMs: 2000 });
    try {
      const rec = new WatchRecorder().start(backend, '/rot/', await backend.currentRevision());
      assert.ok((await backend.create('/rot/a', Buffer.from('1'))).succeeded);
      await stale.currentRevision();
      backend.connection.updateClientCertificate(renewal.renewFiles());
      assert.ok((await backend.create('/rot/b', Buffer.from('2'))).succeeded);
      await renewal.distrustOld();
      assert.ok((await backend.create('/rot/c', Buffer.from('3'))).succeeded);
      await rec.until('the three creates, the watch having moved to the new channels', () => rec.events.length === 3);
      rec.watch?.cancel();
      await assert.rejects(stale.currentRevision(), UnreachableError, 'etcd refuses the old certificate');
    } finally {
      await backend.close();
      await stale.close();
    }
  });
});
