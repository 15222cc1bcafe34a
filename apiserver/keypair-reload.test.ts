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
});
