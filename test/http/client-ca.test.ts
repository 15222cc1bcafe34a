/**
 * The CAs the server names in its TLS certificate request follow the client CA bundle it trusts. Go's
 * crypto/tls client, unless it has a GetClientCertificate callback, sends only a certificate issued by
 * one of the named CAs: with a stale list, clients holding a certificate from a rotated CA would send
 * none. The names are read with `openssl s_client`, as a TLS 1.3 client sees them.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testCA } from '../support/authn/pki.js';
import { startInProcess, type InProcessServer } from '../support/server.js';
import { until } from '../support/wait.js';

/** The subjects of the CAs `openssl s_client` reports as acceptable for client certificates. */
async function advertisedCANames(port: number): Promise<string[]> {
  const proc = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  proc.stdout.on('data', (b: Buffer) => (out += b.toString()));
  await new Promise((resolve) => proc.once('close', resolve));
  const lines = out.split('\n');
  const start = lines.indexOf('Acceptable client certificate CA names');
  if (start < 0) return [];
  const names: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!/^(CN|C|O|OU) = /.test(line)) break;
    names.push(line);
  }
  return names;
}

describe('client CA names in the TLS certificate request', function () {
  this.timeout(90_000);
  let s: InProcessServer;
  let dir: string;
  let port: number;
  const first = testCA('client-ca-first');
  const rotated = testCA('client-ca-rotated');

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'client-ca-'));
    writeFileSync(join(dir, 'client-ca.crt'), first.cert);
    s = await startInProcess([`--client-ca-file=${join(dir, 'client-ca.crt')}`]);
    port = Number(new URL(s.running.url).port);
  });
  after(async () => {
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names the CAs of --client-ca-file, and the new ones after the file changes', async () => {
    const before = await advertisedCANames(port);
    assert.ok(before.some((n) => n.includes('client-ca-first')), `first CA named: ${before.join(' | ')}`);
    assert.ok(!before.some((n) => n.includes('client-ca-rotated')));
    writeFileSync(join(dir, 'client-ca.crt'), `${first.cert}${rotated.cert}`);
    let now: string[] = [];
    await until(async () => (now = await advertisedCANames(port)).some((n) => n.includes('client-ca-rotated')), 'the rotated CA to be named', 60_000);
    assert.ok(now.some((n) => n.includes('client-ca-first')), 'the bundle keeps the first CA while both are trusted');
  });
});
