import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { EncryptionConfigError, loadEncryptionConfig } from './config.js';
import { INTERNAL_SECRETS_RESOURCE, STANDALONE_CONFIG_FILE, ensureStandaloneEncryptionConfig, requireCovers } from './standalone.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const K = Buffer.alloc(32, 7).toString('base64');
const KEY = '/registry-gardener/core.gardener.cloud/internalsecrets/garden/s1';

function single(resources: string[], providers: object[]): string {
  return JSON.stringify({ apiVersion: 'apiserver.config.k8s.io/v1', kind: 'EncryptionConfiguration', resources: [{ resources, providers }] });
}

describe('standalone encryption config', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'enc-standalone-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('generates a 0600 aescbc+identity config once and reuses it', async () => {
    const dataDir = join(dir, 'data');
    const now = () => new Date(1_732_012_345_678);
    const first = await ensureStandaloneEncryptionConfig(dataDir, { now });
    assert.equal(first.created, true);
    assert.equal(first.path, join(dataDir, STANDALONE_CONFIG_FILE));
    assert.equal((await stat(first.path)).mode & 0o777, 0o600);
    assert.deepEqual(first.warnings, []);
    assert.deepEqual(first.config.describe(), [
      {
        resource: INTERNAL_SECRETS_RESOURCE,
        writeProvider: 'aescbc',
        writeKey: 'key1732012345',
        providers: [
          { kind: 'aescbc', keyNames: ['key1732012345'] },
          { kind: 'identity', keyNames: [] },
        ],
      },
    ]);
    const doc = parse(await readFile(first.path, 'utf8')) as { resources: [{ providers: [{ aescbc: { keys: [{ secret: string }] } }] }] };
    assert.equal(Buffer.from(doc.resources[0].providers[0].aescbc.keys[0].secret, 'base64').length, 32);

    const encrypted = await first.config.transformerFor(INTERNAL_SECRETS_RESOURCE).toStorage(utf8('x'), KEY);
    const second = await ensureStandaloneEncryptionConfig(dataDir, { now: () => new Date() });
    assert.equal(second.created, false);
    assert.equal(second.config.contentHash, first.config.contentHash);
    const read = await second.config.transformerFor(INTERNAL_SECRETS_RESOURCE).fromStorage(encrypted, KEY);
    assert.deepEqual(read, { data: utf8('x'), stale: false });
  });

  it('creates exactly one file under concurrent starts', async () => {
    const results = await Promise.all([1, 2, 3].map(() => ensureStandaloneEncryptionConfig(dir)));
    assert.equal(results.filter((r) => r.created).length, 1);
    assert.equal(new Set(results.map((r) => r.config.contentHash)).size, 1);
  });

  it('never replaces an existing invalid file, and warns about a loose mode', async () => {
    const path = join(dir, STANDALONE_CONFIG_FILE);
    await writeFile(path, 'garbage: [');
    await assert.rejects(ensureStandaloneEncryptionConfig(dir), EncryptionConfigError);
    assert.equal(await readFile(path, 'utf8'), 'garbage: [');
    await writeFile(path, single([INTERNAL_SECRETS_RESOURCE], [{ aescbc: { keys: [{ name: 'a', secret: K }] } }]));
    await chmod(path, 0o644);
    const r = await ensureStandaloneEncryptionConfig(dir);
    assert.equal(r.created, false);
    assert.match(r.warnings[0] ?? '', /accessible by group or others \(mode 644\)/u);
  });

  it('requireCovers refuses identity-first and uncovered resources', () => {
    const cbc = { aescbc: { keys: [{ name: 'a', secret: K }] } };
    const ok = loadEncryptionConfig(single([INTERNAL_SECRETS_RESOURCE], [cbc, { identity: {} }]));
    assert.equal(requireCovers(ok, INTERNAL_SECRETS_RESOURCE), undefined);
    const wildcard = loadEncryptionConfig(single(['*.core.gardener.cloud'], [{ secretbox: { keys: [{ name: 'a', secret: K }] } }]));
    assert.equal(requireCovers(wildcard, INTERNAL_SECRETS_RESOURCE), undefined);
    const identityFirst = loadEncryptionConfig(single([INTERNAL_SECRETS_RESOURCE], [{ identity: {} }, cbc]));
    assert.match(requireCovers(identityFirst, INTERNAL_SECRETS_RESOURCE) ?? '', /first provider for it is identity/u);
    const other = loadEncryptionConfig(single(['secrets'], [cbc]));
    assert.match(requireCovers(other, INTERNAL_SECRETS_RESOURCE) ?? '', /has no rule for it/u);
  });
});
