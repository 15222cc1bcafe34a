/** Reloading the serving certificate: a real listener presents the new certificate after a reload. */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { tempDir } from '../test/support/server.js';
import { openListener, type Listener } from './listener.js';
import type { Logger } from './log.js';
import { reloadKeyPair } from './keypair-reload.js';
import { createCA, createLeaf } from './standalone/pki.js';

/** The common name of the certificate the listener presents to a new connection. */
function presentedName(listener: Listener, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: listener.port, ca, servername: 'localhost' }, () => {
      const cn = socket.getPeerCertificate().subject?.CN;
      socket.end();
      resolve(Array.isArray(cn) ? (cn[0] ?? '') : (cn ?? ''));
    });
    socket.on('error', reject);
  });
}

describe('serving certificate reload', () => {
  const ca = createCA('reload-test-ca');
  const leaf = (cn: string) => createLeaf(ca, { commonName: cn, dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], usage: 'server' });
  const [first, second] = [leaf('first'), leaf('second')];
  let dir: string;
  let listener: Listener;
  const errors: string[] = [];
  const log: Logger = { info: () => undefined, error: (msg, fields) => errors.push(`${msg} ${JSON.stringify(fields)}`) };

  before(async () => {
    dir = tempDir();
    listener = await openListener({ ...first, clientCA: ca.cert }, '127.0.0.1', 0, 0);
    listener.serve((_req, res) => res.end('ok'), { ...first, clientCA: ca.cert });
  });
  after(async () => {
    await new Promise<void>((resolve) => listener.server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('presents a changed pair to new connections and keeps the last good one otherwise', async () => {
    const [certFile, keyFile] = [join(dir, 'tls.crt'), join(dir, 'tls.key')];
    writeFileSync(certFile, first.cert);
    writeFileSync(keyFile, first.key);
    const reload = reloadKeyPair({ name: 'serving certificate', certFile, keyFile, current: first, install: (pair) => listener.updateTLS(pair), log, intervalMs: 3_600_000 });
    try {
      assert.equal(await presentedName(listener, ca.cert), 'first');
      writeFileSync(certFile, second.cert);
      writeFileSync(keyFile, second.key);
      await reload.check();
      assert.equal(await presentedName(listener, ca.cert), 'second');
      assert.deepEqual(errors, []);

      // A certificate whose key does not match: refused once, logged once, the previous pair stays.
      writeFileSync(certFile, first.cert);
      await reload.check();
      await reload.check();
      assert.equal(await presentedName(listener, ca.cert), 'second');
      assert.equal(errors.length, 1);
      assert.match(errors[0] ?? '', /not usable, keeping the current one/);
      assert.ok(!errors.join('').includes('PRIVATE KEY'), 'no key material in the log');

      writeFileSync(keyFile, first.key);
      await reload.check();
      assert.equal(await presentedName(listener, ca.cert), 'first');
    } finally {
      reload.stop();
    }
  });

  it('logs nothing for a pair caught between its two files, refuses an empty key, and logs unreadable files once', async () => {
    const [certFile, keyFile] = [join(dir, 'b.crt'), join(dir, 'b.key')];
    writeFileSync(certFile, first.cert);
    writeFileSync(keyFile, first.key);
    errors.length = 0;
    const installed: string[] = [];
    const reload = reloadKeyPair({ name: 'etcd client certificate', certFile, keyFile, current: first, install: (pair) => installed.push(pair.cert), log, intervalMs: 3_600_000 });
    try {
      // The certificate is replaced, the key not yet: one read finds them apart.
      writeFileSync(certFile, second.cert);
      await reload.check();
      writeFileSync(keyFile, second.key);
      await reload.check();
      assert.deepEqual(installed, [second.cert]);
      assert.deepEqual(errors, []);
      // A key file written empty (or cut short) is no key.
      writeFileSync(keyFile, '');
      await reload.check();
      await reload.check();
      assert.deepEqual(installed, [second.cert]);
      assert.equal(errors.length, 1);
      assert.match(errors[0] ?? '', /etcd client certificate: the new certificate and key are not usable/);
      rmSync(keyFile);
      for (let i = 0; i < 3; i++) await reload.check();
      assert.equal(errors.length, 2, errors.join('\n'));
      assert.match(errors[1] ?? '', /cannot read the files/);
    } finally {
      reload.stop();
    }
  });
});
