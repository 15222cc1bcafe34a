import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sharedPath } from '../../test/support/shared.js';
import { EncryptionConfigError, KMS_UNSUPPORTED, loadEncryptionConfig, parseEncryptionConfiguration } from './config.js';
import type { EncryptionConfig } from './config.js';
import { parseGoDuration } from './decode.js';
import { ERR_IDENTITY_ENCRYPTED } from './providers.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const K32 = Buffer.alloc(32, 1).toString('base64');
const K32B = Buffer.alloc(32, 2).toString('base64');
const K16 = Buffer.alloc(16, 3).toString('base64');
const HEAD = 'apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\n';

/** Builds a config from `resources` entries given as JSON-ish objects. */
function cfg(resources: unknown[]): string {
  return JSON.stringify({ apiVersion: 'apiserver.config.k8s.io/v1', kind: 'EncryptionConfiguration', resources });
}
const cbc = (name = 'key1', secret = K32) => ({ aescbc: { keys: [{ name, secret }] } });
const identity = { identity: {} };

function errorsOf(source: string): readonly string[] {
  try {
    loadEncryptionConfig(source);
  } catch (e: unknown) {
    if (e instanceof EncryptionConfigError) return e.errors;
    throw e;
  }
  assert.fail('expected an EncryptionConfigError');
}

async function writeKind(c: EncryptionConfig, gr: string): Promise<string> {
  const v = text(await c.transformerFor(gr).toStorage(utf8('{}'), '/registry/x/y'));
  return v.startsWith('k8s:enc:') ? v.split(':').slice(2, 3).join('') : 'identity';
}

describe('EncryptionConfiguration', () => {
  describe('decoding', () => {
    it('loads the Gardener example', () => {
      const example = sharedPath('examples', 'gardener', '21-encryptionconfiguration.yaml');
      const c = loadEncryptionConfig(readFileSync(example, 'utf8'));
      assert.deepEqual(c.describe(), [
        {
          resource: 'controllerregistrations.core.gardener.cloud',
          writeProvider: 'aescbc',
          writeKey: 'key1',
          providers: [
            { kind: 'aescbc', keyNames: ['key1'] },
            { kind: 'identity', keyNames: [] },
          ],
        },
      ]);
      assert.ok(!JSON.stringify(c.describe()).includes('PMVh6r9'));
      assert.match(c.contentHash ?? '', /^sha256:[0-9a-f]{64}$/u);
    });

    it('accepts JSON (tabs included) as well as YAML', () => {
      const json = cfg([{ resources: ['secrets'], providers: [cbc()] }]).replace(/,/gu, ',\n\t');
      assert.equal(loadEncryptionConfig(json).describe()[0]?.writeProvider, 'aescbc');
    });

    it('rejects empty files, unknown and duplicate fields, wrong kind', () => {
      assert.deepEqual(errorsOf(''), ['encryption provider configuration file "encryption configuration" is empty']);
      assert.match(errorsOf('# only a comment\n')[0] ?? '', /is empty/u);
      const unknown = `${HEAD}resources:\n- resources: [secrets]\n  providers:\n  - aescbc:\n      foo: 1\n      keys: [{name: k, secret: ${K32}}]\n`;
      assert.deepEqual(errorsOf(unknown), ['strict decoding error: unknown field "resources[0].providers[0].aescbc.foo"']);
      const dup = `${HEAD}resources:\n- resources: [secrets]\n  providers: [{identity: {}}]\n  providers: [{identity: {}}]\n`;
      assert.deepEqual(errorsOf(dup), ['strict decoding error: duplicate field "resources[0].providers"']);
      const kind = 'apiVersion: apiserver.config.k8s.io/v1\nkind: Foo\nresources: []\n';
      assert.deepEqual(errorsOf(kind), ['kind: expected "EncryptionConfiguration", got "Foo"']);
      assert.match(errorsOf(`${HEAD}resources: secrets\n`)[0] ?? '', /^resources: expected a list, got string$/u);
    });

    it('never echoes file content in YAML syntax errors', () => {
      const errs = errorsOf(`${HEAD}resources: [ {secret: ${K32}\n`);
      assert.ok(errs.every((e) => !e.includes(K32)));
      assert.match(errs[0] ?? '', /^yaml: .* at line \d+, column \d+$/u);
    });

    it('parses Go durations and defaults KMS fields', () => {
      assert.equal(parseGoDuration('3s'), 3000);
      assert.equal(parseGoDuration('1m30s'), 90_000);
      assert.equal(parseGoDuration('-1.5h'), -5_400_000);
      assert.equal(parseGoDuration('0'), 0);
      assert.equal(parseGoDuration('5'), undefined);
      const c = parseEncryptionConfiguration(cfg([{ resources: ['secrets'], providers: [{ kms: { name: 'a', endpoint: 'unix:///s' } }] }]));
      assert.deepEqual(c.resources[0]?.providers[0]?.kms, { apiVersion: 'v1', name: 'a', endpoint: 'unix:///s', timeoutMs: 3000, cachesize: 1000 });
    });
  });

  describe('validation (upstream messages)', () => {
    it('requires resources, providers and keys', () => {
      assert.deepEqual(errorsOf(cfg([])), ['resources: at least one resources is required']);
      assert.deepEqual(errorsOf(cfg([{}])), [
        'resources[0].resources: at least one resources[0].resources is required',
        'resources[0].providers: at least one resources[0].providers is required',
      ]);
      assert.deepEqual(errorsOf(cfg([{ resources: ['secrets'], providers: [{ aesgcm: { keys: [] } }] }])), [
        'resources[0].providers[0].aesgcm.keys: at least one keys is required',
      ]);
    });

    it('checks resource names (first failing rule each)', () => {
      const names = ['Secrets', '*', 'serviceipallocations', 'events.events.k8s.io', 'deployments.extensions', 'secrets.*', 'ok.example.com'];
      assert.deepEqual(errorsOf(cfg([{ resources: names, providers: [identity] }])), [
        // "*" parses as {group: "", resource: "*"}, which also overlaps the core resources (as upstream)
        "resources[0].resources: using overlapping resources such as 'secrets' and '*.' in the same resource list is not allowed as they will be masked",
        'resources[0].resources[0]: resource name should not contain capital letters',
        "resources[0].resources[1]: use '*.' to encrypt all the resources from core API group or *.* to encrypt all resources",
        'resources[0].resources[2]: resources which do not have REST API/s cannot be encrypted',
        "resources[0].resources[3]: '*.events.k8s.io' objects are stored using the 'events' API group in etcd. Use 'events' instead in the config file",
        "resources[0].resources[4]: 'extensions' group has been removed and cannot be used for encryption",
        'resources[0].resources[5]: encrypting the same resource across groups is not supported',
      ]);
    });

    it('rejects duplicates and overlaps within one list', () => {
      const overlap =
        "resources[0].resources: using overlapping resources such as 'secrets' and '*.' in the same resource list is not allowed as they will be masked";
      const dup = 'resources[0].resources: the same resource cannot be specified multiple times';
      assert.deepEqual(errorsOf(cfg([{ resources: ['secrets', 'secrets'], providers: [identity] }])), [dup]);
      assert.deepEqual(errorsOf(cfg([{ resources: ['secrets', '*.'], providers: [identity] }])), [overlap]);
      assert.deepEqual(errorsOf(cfg([{ resources: ['x.y', '*.*'], providers: [identity] }])), [overlap]);
      assert.deepEqual(errorsOf(cfg([{ resources: ['deployments.apps', '*.apps'], providers: [identity] }])), [overlap]);
      assert.deepEqual(errorsOf(cfg([{ resources: ['*.', '*.'], providers: [identity] }])), [dup, overlap]);
      assert.doesNotThrow(() => loadEncryptionConfig(cfg([{ resources: ['deployments.apps', '*.'], providers: [identity] }])));
    });

    it('checks provider elements and keys, reporting everything', () => {
      const p = 'resources[0].providers';
      const errs = errorsOf(
        cfg([
          {
            resources: ['secrets'],
            providers: [
              {},
              { identity: {}, aescbc: { keys: [{ name: 'k', secret: K32 }] } },
              { aescbc: { keys: [{ secret: K32 }, { name: 'k' }, { name: 'k', secret: 'not base64!' }, { name: 'k', secret: 'AAAAAAAAAAAAAA==' }] } },
              { secretbox: { keys: [{ name: 'k', secret: K16 }] } },
            ],
          },
        ]),
      );
      assert.deepEqual(errs, [
        `${p}[0]: provider does not contain any of the expected providers: KMS, AESGCM, AESCBC, Secretbox, Identity`,
        `${p}[1]: more than one provider specified in a single element, should split into different list elements`,
        `${p}[2].aescbc.keys[0].name: name is a mandatory field for a key`,
        `${p}[2].aescbc.keys[1].secret: secret is a mandatory field for a key`,
        `${p}[2].aescbc.keys[2].secret: secrets must be base64 encoded`,
        `${p}[2].aescbc.keys[3].secret: secret is not of the expected length, got 10, expected one of [16 24 32]`,
        `${p}[3].secretbox.keys[0].secret: secret is not of the expected length, got 16, expected one of [32]`,
      ]);
    });

    it('validates kms like upstream, then rejects it as unsupported', () => {
      const kms = (k: object) => cfg([{ resources: ['secrets'], providers: [{ kms: k }] }]);
      assert.deepEqual(errorsOf(kms({ name: 'a', endpoint: 'https://x', apiVersion: 'v2', cachesize: 5, timeout: '0s' })), [
        'resources[0].providers[0].kms.timeout: timeout should be a positive value',
        'resources[0].providers[0].kms.endpoint: unsupported scheme "https" for KMS provider, only unix is supported',
        'resources[0].providers[0].kms.cachesize: cachesize is not supported in v2',
      ]);
      assert.deepEqual(errorsOf(kms({ name: 'a', endpoint: 'unix:///tmp/kms.sock' })), [
        `resources[0].providers[0].kms: ${KMS_UNSUPPORTED}`,
      ]);
    });

    it('rejects rules masked by an earlier wildcard, across entries', () => {
      const e = (r1: string[], r2: string[]) => errorsOf(cfg([{ resources: r1, providers: [identity] }, { resources: r2, providers: [identity] }]));
      assert.deepEqual(e(['*.'], ['secrets']), ['resources[1].resources[0]: resource "secrets" is masked by earlier rule "*."']);
      assert.deepEqual(e(['*.*'], ['*.']), ['resources[1].resources[0]: resource "*." is masked by earlier rule "*.*"']);
      assert.deepEqual(e(['*.apps'], ['deployments.apps']), [
        'resources[1].resources[0]: resource "deployments.apps" is masked by earlier rule "*.apps"',
      ]);
      assert.deepEqual(e(['*.'], ['*.']), ['resources[1].resources[0]: resource "*." is masked by earlier rule "*."']);
      assert.doesNotThrow(() => loadEncryptionConfig(cfg([{ resources: ['secrets'], providers: [identity] }, { resources: ['*.'], providers: [identity] }])));
    });
  });

  describe('lookup and stale detection', () => {
    const config = loadEncryptionConfig(
      cfg([
        { resources: ['secrets'], providers: [{ aesgcm: { keys: [{ name: 'g', secret: K32 }] } }] },
        { resources: ['*.core.gardener.cloud'], providers: [{ secretbox: { keys: [{ name: 's', secret: K32 }] } }] },
        { resources: ['*.'], providers: [cbc('core')] },
        { resources: ['*.*'], providers: [cbc('all', K32B)] },
      ]),
    );

    it('prefers exact GR, then *.<group>, then *.*', async () => {
      assert.equal(await writeKind(config, 'secrets'), 'aesgcm');
      assert.equal(await writeKind(config, 'internalsecrets.core.gardener.cloud'), 'secretbox');
      assert.equal(await writeKind(config, 'configmaps'), 'aescbc');
      assert.ok(text(await config.transformerFor('configmaps').toStorage(utf8('x'), 'k')).startsWith('k8s:enc:aescbc:v1:core:'));
      assert.deepEqual(
        config.providersFor('deployments.apps')?.map((p) => ({ kind: p.kind, keyNames: p.keyNames, fingerprints: p.keyFingerprints?.length })),
        [{ kind: 'aescbc', keyNames: ['all'], fingerprints: 1 }],
      );
    });

    it('falls back to identity with the encrypt check when nothing matches', async () => {
      const narrow = loadEncryptionConfig(cfg([{ resources: ['secrets'], providers: [cbc()] }]));
      assert.equal(narrow.providersFor('configmaps'), undefined);
      const t = narrow.transformerFor('configmaps');
      assert.equal(text(await t.toStorage(utf8('plain'), 'k')), 'plain');
      const encrypted = await narrow.transformerFor('secrets').toStorage(utf8('x'), 'k');
      await assert.rejects(t.fromStorage(encrypted, 'k'), { message: ERR_IDENTITY_ENCRYPTED });
    });

    it('concatenates provider lists of a resource listed in several entries', async () => {
      const c = loadEncryptionConfig(
        cfg([
          { resources: ['secrets', 'configmaps'], providers: [cbc('new')] },
          { resources: ['secrets'], providers: [{ secretbox: { keys: [{ name: 'old', secret: K32B }] } }, identity] },
        ]),
      );
      assert.deepEqual(c.providersFor('secrets')?.map((p) => p.kind), ['aescbc', 'secretbox', 'identity']);
      assert.deepEqual(c.providersFor('configmaps')?.map((p) => p.kind), ['aescbc']);
      const old = loadEncryptionConfig(cfg([{ resources: ['secrets'], providers: [{ secretbox: { keys: [{ name: 'old', secret: K32B }] } }] }]));
      const v = await old.transformerFor('secrets').toStorage(utf8('s'), 'k');
      assert.deepEqual(await c.transformerFor('secrets').fromStorage(v, 'k'), { data: utf8('s'), stale: true });
      assert.deepEqual(await c.transformerFor('secrets').fromStorage(utf8('p'), 'k'), { data: utf8('p'), stale: true });
    });

    it('marks values read with the second key or the second provider as stale', async () => {
      const rotated = loadEncryptionConfig(cfg([{ resources: ['secrets'], providers: [{ aescbc: { keys: [{ name: 'k2', secret: K32B }, { name: 'k1', secret: K32 }] } }] }]));
      const before = loadEncryptionConfig(cfg([{ resources: ['secrets'], providers: [cbc('k1')] }]));
      const old = await before.transformerFor('secrets').toStorage(utf8('v'), 'k');
      assert.deepEqual(await rotated.transformerFor('secrets').fromStorage(old, 'k'), { data: utf8('v'), stale: true });
      const fresh = await rotated.transformerFor('secrets').toStorage(utf8('v'), 'k');
      assert.ok(text(fresh).startsWith('k8s:enc:aescbc:v1:k2:'));
      assert.deepEqual(await rotated.transformerFor('secrets').fromStorage(fresh, 'k'), { data: utf8('v'), stale: false });
      assert.deepEqual(rotated.describe()[0], {
        resource: 'secrets',
        writeProvider: 'aescbc',
        writeKey: 'k2',
        providers: [{ kind: 'aescbc', keyNames: ['k2', 'k1'] }],
      });
    });
  });
});
