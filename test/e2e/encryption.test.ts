/**
 * Encryption at rest through the whole server: what lands in the SQLite file is ciphertext with
 * kube-apiserver's prefix, never the secret bytes, whichever configuration is in force.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parseOptions } from '../../apiserver/options.js';
import { runServer } from '../../apiserver/run.js';
import { silentLogger } from '../../apiserver/log.js';
import { startInProcess, tempDir } from '../support/server.js';

const MARKER = 'plaintext-marker-7f3a9c';
const COLL = '/apis/core.gardener.cloud/v1beta1/namespaces/enc/internalsecrets';

const PREFIX = '/registry-gardener/core.gardener.cloud/internalsecrets/';

/** Every stored InternalSecret value (current and history) of the data directory's database. */
function storedValues(dataDir: string): Buffer[] {
  const db = new Database(join(dataDir, 'garden-apiserver.db'), { readonly: true });
  try {
    const rows = db
      .prepare(`SELECT value FROM log WHERE value IS NOT NULL AND key LIKE '${PREFIX}%' UNION ALL SELECT value FROM current WHERE key LIKE '${PREFIX}%'`)
      .all() as { value: Buffer }[];
    return rows.map((r) => r.value);
  } finally {
    db.close();
  }
}

/** The stored InternalSecret values now (no history). */
function storedCurrent(dataDir: string): Buffer[] {
  const db = new Database(join(dataDir, 'garden-apiserver.db'), { readonly: true });
  try {
    return (db.prepare(`SELECT value FROM current WHERE key LIKE '${PREFIX}%'`).all() as { value: Buffer }[]).map((r) => r.value);
  } finally {
    db.close();
  }
}

function assertEncrypted(values: Buffer[], prefix: string): void {
  assert.ok(values.length > 0);
  for (const v of values) {
    assert.ok(v.subarray(0, prefix.length).toString() === prefix, `value does not start with ${prefix}: ${v.subarray(0, 40).toString()}`);
    assert.ok(!v.includes(MARKER), 'plaintext found in storage');
    assert.ok(!v.includes(Buffer.from(MARKER).toString('base64')), 'base64 plaintext found in storage');
  }
}

describe('encryption at rest (server)', function () {
  this.timeout(60_000);

  it('generates an aescbc key in standalone mode and never stores plaintext', async () => {
    const s = await startInProcess();
    await s.request('post', COLL).send({ metadata: { name: 'a' }, stringData: { secret: MARKER } }).expect(201);
    await s.request('patch', `${COLL}/a`).set('Content-Type', 'application/merge-patch+json').send(`{"stringData":{"other":"${MARKER}"}}`).expect(200);
    const got = await s.request('get', `${COLL}/a`).expect(200);
    assert.equal(Buffer.from(got.body.data.secret, 'base64').toString(), MARKER);
    const config = readFileSync(join(s.dataDir, 'encryption-config.yaml'), 'utf8');
    assert.match(config, /internalsecrets\.core\.gardener\.cloud/);
    await s.running.close();
    assertEncrypted(storedValues(s.dataDir), 'k8s:enc:aescbc:v1:key');
    rmSync(s.dataDir, { recursive: true, force: true });
  });

  it('uses a given configuration (secretbox) and refuses one that leaves InternalSecrets in plaintext', async () => {
    const dir = tempDir();
    const file = join(dir, 'enc.yaml');
    writeFileSync(
      file,
      `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
- resources: ["internalsecrets.core.gardener.cloud"]
  providers:
  - secretbox:
      keys:
      - name: sb1
        secret: ${Buffer.alloc(32, 3).toString('base64')}
  - identity: {}
`,
    );
    const s = await startInProcess([`--encryption-provider-config=${file}`]);
    await s.request('post', COLL).send({ metadata: { name: 'b' }, stringData: { secret: MARKER } }).expect(201);
    await s.running.close();
    assertEncrypted(storedValues(s.dataDir), 'k8s:enc:secretbox:v1:sb1:');
    rmSync(s.dataDir, { recursive: true, force: true });

    writeFileSync(file, 'apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: ["secrets"]\n  providers:\n  - identity: {}\n');
    await assert.rejects(
      runServer(parseOptions(['--secure-port=0', `--data-dir=${join(dir, 'data')}`, `--encryption-provider-config=${file}`]), silentLogger),
      /refusing to start: "internalsecrets\.core\.gardener\.cloud" would be stored unencrypted/,
    );
    rmSync(dir, { recursive: true, force: true });
  });

  it('stays ready with values no key reads, and reads and rewrites them once the key is back', async () => {
    const dir = tempDir();
    const file = join(dir, 'enc.yaml');
    const key = (name: string, fill: number) => `      - name: ${name}\n        secret: ${Buffer.alloc(32, fill).toString('base64')}`;
    const write = (keys: string[]) =>
      writeFileSync(file, `apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: ["internalsecrets.core.gardener.cloud"]\n  providers:\n  - aescbc:\n      keys:\n${keys.join('\n')}\n`);
    const args = [`--encryption-provider-config=${file}`, '--encryption-provider-config-automatic-reload', '--encryption-provider-config-reload-interval=1'];
    write([key('a', 1)]);
    const first = await startInProcess(args);
    for (const name of ['x', 'shoot.ca-client']) await first.request('post', COLL).send({ metadata: { name }, stringData: { v: MARKER } }).expect(201);
    await first.running.close();
    // Restarted with key a dropped by mistake: nothing reads the objects, but the server stays ready.
    write([key('b', 2)]);
    const s = await startInProcess(args, first.dataDir);
    try {
      const until = async (what: string, done: () => Promise<boolean>) => {
        const deadline = Date.now() + 60_000;
        while (!(await done())) {
          if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      };
      await until('readiness', async () => (await s.request('get', '/readyz')).status === 200);
      const broken = await s.request('get', COLL).expect(500);
      assert.match(broken.body.message, /no matching key was found for the provided AES transformer/);
      await until('the rewrite to give up on the unreadable values', async () => /internalsecrets[^;]*complete toward aescbc:b,/.test((await s.request('get', '/readyz?verbose')).text));
      assert.doesNotMatch((await s.request('get', '/readyz?verbose')).text, /#[0-9a-f]{12}/, 'no key fingerprints for anyone who may read /readyz');
      // The old configuration back: nothing needs a rewrite, the watch cache reads the values again.
      write([key('a', 1)]);
      await until('the list to work again', async () => (await s.request('get', COLL)).status === 200);
      assert.deepEqual((await s.request('get', COLL).expect(200)).body.items.map((o: { metadata: { name: string } }) => o.metadata.name).sort(), ['shoot.ca-client', 'x']);
      // Key b first and key a behind it: the values left unreadable by the walk toward b are walked again.
      write([key('b', 2), key('a', 1)]);
      await until('the values to be rewritten with key b', async () => storedCurrent(s.dataDir).every((v) => v.subarray(0, 20).toString() === 'k8s:enc:aescbc:v1:b:'));
    } finally {
      await s.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rotates keys without manual steps: reload, background rewrite, old key removed', async () => {
    const dir = tempDir();
    const file = join(dir, 'enc.yaml');
    const key = (name: string, fill: number) => `      - name: ${name}\n        secret: ${Buffer.alloc(32, fill).toString('base64')}`;
    const write = (keys: string[]) =>
      writeFileSync(file, `apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: ["internalsecrets.core.gardener.cloud"]\n  providers:\n  - aescbc:\n      keys:\n${keys.join('\n')}\n  - identity: {}\n`);
    write([key('a', 1)]);
    const s = await startInProcess([`--encryption-provider-config=${file}`, '--encryption-provider-config-automatic-reload', '--encryption-provider-config-reload-interval=1']);
    try {
      for (let i = 0; i < 150; i++) await s.request('post', COLL).send({ metadata: { name: `r${i}` }, stringData: { v: MARKER } }).expect(201);
      write([key('b', 2), key('a', 1)]);
      const deadline = Date.now() + 30_000;
      for (;;) {
        const text = (await s.request('get', '/metrics').expect(200)).text;
        const m = /garden_apiserver_reencryption_objects_total\{resource="internalsecrets.core.gardener.cloud"\} (\d+)/.exec(text);
        if (m && Number(m[1]) >= 150) break;
        if (Date.now() > deadline) throw new Error(`rewrite did not finish: ${m?.[1] ?? 0}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const verbose = (await s.request('get', '/readyz?verbose').expect(200)).text;
      assert.match(verbose, /\[\+\]reencryption ok \(.*internalsecrets\.core\.gardener\.cloud/);
      write([key('b', 2)]);
      await new Promise((r) => setTimeout(r, 2500));
      const list = await s.request('get', COLL).expect(200);
      assert.equal(list.body.items.length, 150, 'everything is still readable with only the new key');
    } finally {
      await s.running.close();
    }
    const values = storedValues(s.dataDir);
    const current = storedCurrent(s.dataDir);
    assert.equal(current.length, 150);
    assertEncrypted(current, 'k8s:enc:aescbc:v1:b:');
    assert.ok(values.length >= 300);
    rmSync(s.dataDir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });
});
