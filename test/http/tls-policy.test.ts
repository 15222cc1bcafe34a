/**
 * `--tls-cipher-suites` and `--tls-min-version` on the real listener: TLS 1.2 offers only the suites
 * named, TLS 1.3 keeps all of its suites (as Go's servers do), and older versions than the minimum are
 * refused, also after the server has installed its final TLS material.
 */
import assert from 'node:assert/strict';
import { connect, type ConnectionOptions, type SecureVersion } from 'node:tls';
import { startInProcess, type InProcessServer } from '../support/server.js';

/** The protocol and cipher a handshake agreed on, or the error that ended it. */
function handshake(port: number, opts: ConnectionOptions): Promise<{ protocol: string | null; cipher: string } | Error> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...opts }, () => {
      resolve({ protocol: socket.getProtocol(), cipher: socket.getCipher().standardName });
      socket.end();
    });
    socket.once('error', (e) => resolve(e));
  });
}

const tls12 = (ciphers: string): ConnectionOptions => ({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers });
const only = (v: SecureVersion): ConnectionOptions => ({ minVersion: v, maxVersion: v });

/** Starts a server with `args` for the tests of the enclosing block; the function gives its port. */
function serverWith(args: string[]): () => number {
  let s: InProcessServer | undefined;
  before(async () => {
    s = await startInProcess(args);
  });
  after(async () => s?.stop());
  return () => Number(new URL(s?.running.url ?? 'https://x:0').port);
}

describe('TLS cipher suites and minimum version', function () {
  this.timeout(60_000);

  describe('--tls-cipher-suites', () => {
    const port = serverWith(['--tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_AES_128_GCM_SHA256']);

    it('offers TLS 1.2 only the suites named', async () => {
      assert.deepEqual(await handshake(port(), tls12('ECDHE-ECDSA-AES128-GCM-SHA256')), { protocol: 'TLSv1.2', cipher: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256' });
      const refused = await handshake(port(), tls12('ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305'));
      assert.ok(refused instanceof Error, 'a suite left out is refused');
    });

    it('keeps every TLS 1.3 suite, as Go does', async () => {
      const r = await handshake(port(), { ...only('TLSv1.3'), ciphers: 'TLS_AES_256_GCM_SHA384' });
      assert.deepEqual(r, { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' });
    });
  });

  describe('--tls-min-version', () => {
    const port = serverWith(['--tls-min-version=VersionTLS13']);

    it('serves TLS 1.1 when asked to, as Go does (OpenSSL needs security level 0 for it)', async () => {
      const old = await startInProcess(['--tls-min-version=VersionTLS11']);
      try {
        const r = await handshake(Number(new URL(old.running.url).port), { ...only('TLSv1.1'), ciphers: 'DEFAULT:@SECLEVEL=0' });
        assert.equal((r as { protocol: string }).protocol, 'TLSv1.1');
        assert.ok((await handshake(Number(new URL(old.running.url).port), { ...only('TLSv1'), ciphers: 'DEFAULT:@SECLEVEL=0' })) instanceof Error, 'nothing older');
      } finally {
        await old.stop();
      }
    });

    it('refuses older versions', async () => {
      assert.ok((await handshake(port(), only('TLSv1.2'))) instanceof Error);
      assert.equal(((await handshake(port(), only('TLSv1.3'))) as { protocol: string }).protocol, 'TLSv1.3');
    });
  });

  it('serves TLS 1.2 with Node\'s default suites when no flag is given', async () => {
    const s = await startInProcess([]);
    try {
      const r = await handshake(Number(new URL(s.running.url).port), tls12('ECDHE-ECDSA-AES256-GCM-SHA384'));
      assert.deepEqual(r, { protocol: 'TLSv1.2', cipher: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384' });
    } finally {
      await s.stop();
    }
  });
});
