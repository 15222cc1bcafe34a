import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  AESCBC_PREFIX,
  ERR_IDENTITY_ENCRYPTED,
  ERR_NO_MATCHING_AES_KEY,
  ERR_NO_MATCHING_PREFIX,
  ERR_NO_MATCHING_SECRETBOX_KEY,
  aescbcTransformer,
  buildProvider,
  identityEncryptCheckTransformer,
  providerListTransformer,
} from './providers.js';
import type { NamedKey, ProviderKind } from './providers.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const key = (name: string, len = 32): NamedKey => ({ name, secret: new Uint8Array(randomBytes(len)) });
const KEY = '/registry/secrets/default/s1';
const PLAIN = utf8('{"kind":"Secret"}');

describe('encryption providers', () => {
  it('identity passes plaintext and refuses encrypted data', async () => {
    assert.deepEqual(await identityEncryptCheckTransformer.toStorage(PLAIN, KEY), PLAIN);
    assert.deepEqual(await identityEncryptCheckTransformer.fromStorage(PLAIN, KEY), { data: PLAIN, stale: false });
    await assert.rejects(identityEncryptCheckTransformer.fromStorage(utf8('k8s:enc:aescbc:v1:k:xx'), KEY), {
      message: ERR_IDENTITY_ENCRYPTED,
    });
  });

  for (const kind of ['aescbc', 'aesgcm', 'secretbox'] as const) {
    describe(kind, () => {
      const sizes = kind === 'secretbox' ? [32] : [16, 24, 32];
      for (const size of sizes) {
        it(`round-trips with a ${size}-byte key and writes prefix + random payload`, async () => {
          const t = providerListTransformer([buildProvider(kind, [key('key1', size)])]);
          const a = await t.toStorage(PLAIN, KEY);
          const b = await t.toStorage(PLAIN, KEY);
          assert.ok(text(a).startsWith(`k8s:enc:${kind}:v1:key1:`));
          assert.notDeepEqual(a, b);
          assert.deepEqual(await t.fromStorage(a, KEY), { data: PLAIN, stale: false });
        });
      }

      it('writes with the first key, reads any key, stale for the others', async () => {
        const [k1, k2] = [key('key1'), key('key2')];
        const oldT = providerListTransformer([buildProvider(kind, [k2])]);
        const t = providerListTransformer([buildProvider(kind, [k1, k2])]);
        const old = await oldT.toStorage(PLAIN, KEY);
        assert.deepEqual(await t.fromStorage(old, KEY), { data: PLAIN, stale: true });
        const fresh = await t.toStorage(PLAIN, KEY);
        assert.ok(text(fresh).startsWith(`k8s:enc:${kind}:v1:key1:`));
        assert.deepEqual(await t.fromStorage(fresh, KEY), { data: PLAIN, stale: false });
      });

      it('fails for an unknown key name', async () => {
        const other = await providerListTransformer([buildProvider(kind, [key('other')])]).toStorage(PLAIN, KEY);
        const t = providerListTransformer([buildProvider(kind, [key('key1')])]);
        const msg = kind === 'secretbox' ? ERR_NO_MATCHING_SECRETBOX_KEY : ERR_NO_MATCHING_AES_KEY;
        await assert.rejects(t.fromStorage(other, KEY), { message: msg });
      });

      if (kind !== 'aescbc') {
        it('detects tampering', async () => {
          const t = providerListTransformer([buildProvider(kind, [key('key1')])]);
          const v = await t.toStorage(PLAIN, KEY);
          v[v.length - 1] = (v[v.length - 1] ?? 0) ^ 1;
          await assert.rejects(t.fromStorage(v, KEY), /authentication failed/);
        });
      }
    });
  }

  it('aesgcm binds the value to the storage key', async () => {
    const t = providerListTransformer([buildProvider('aesgcm', [key('key1')])]);
    const v = await t.toStorage(PLAIN, KEY);
    await assert.rejects(t.fromStorage(v, '/registry/secrets/default/s2'), /message authentication failed/);
  });

  it('aescbc reports short, unaligned and badly padded data', async () => {
    const secret = new Uint8Array(randomBytes(32));
    const t = aescbcTransformer(secret);
    await assert.rejects(t.fromStorage(new Uint8Array(15), KEY), { message: 'the stored data was shorter than the required size' });
    await assert.rejects(t.fromStorage(new Uint8Array(33), KEY), { message: 'the stored data is not a multiple of the block size' });
    await assert.rejects(t.fromStorage(new Uint8Array(16), KEY), { message: 'invalid PKCS7 data (empty or not padded)' });
    const good = await t.toStorage(PLAIN, KEY); // 17 bytes → two blocks, 15 bytes of padding
    const bad = new Uint8Array(good);
    bad[bad.length - 17] = (bad[bad.length - 17] ?? 0) ^ 0xff; // flips the last plaintext byte = pad length
    await assert.rejects(t.fromStorage(bad, KEY), /invalid PKCS7|invalid padding/);
  });

  it('rejects bad key sizes when building', () => {
    assert.throws(() => buildProvider('aescbc', [key('k', 20)]), /invalid key size 20/);
    assert.throws(() => buildProvider('secretbox', [key('k', 16)]), /expected key size 32/);
    assert.throws(() => buildProvider('aesgcm', []), /aes provider has no valid keys/);
  });

  describe('provider lists', () => {
    const build = (...kinds: ProviderKind[]) => {
      const keys = new Map<ProviderKind, NamedKey>();
      const providers = kinds.map((k) => {
        if (k === 'identity') return buildProvider('identity');
        keys.set(k, keys.get(k) ?? key(`${k}-key`));
        return buildProvider(k, [keys.get(k) as NamedKey]);
      });
      return providerListTransformer(providers);
    };

    it('[aescbc, identity]: encrypts; old plaintext is read and stale', async () => {
      const t = build('aescbc', 'identity');
      assert.ok(text(await t.toStorage(PLAIN, KEY)).startsWith(`${AESCBC_PREFIX}aescbc-key:`));
      assert.deepEqual(await t.fromStorage(PLAIN, KEY), { data: PLAIN, stale: true });
    });

    it('[identity, aescbc]: writes plaintext; encrypted values are read and stale', async () => {
      const cbc = buildProvider('aescbc', [key('k1')]);
      const encrypted = await providerListTransformer([cbc]).toStorage(PLAIN, KEY);
      const t = providerListTransformer([buildProvider('identity'), cbc]);
      assert.deepEqual(await t.toStorage(PLAIN, KEY), PLAIN);
      assert.deepEqual(await t.fromStorage(encrypted, KEY), { data: PLAIN, stale: true });
      assert.deepEqual(await t.fromStorage(PLAIN, KEY), { data: PLAIN, stale: false });
    });

    it('only identity: encrypted data gives "no matching prefix found"', async () => {
      const encrypted = await build('secretbox').toStorage(PLAIN, KEY);
      await assert.rejects(build('identity').fromStorage(encrypted, KEY), { message: ERR_NO_MATCHING_PREFIX });
    });

    it('tries every matching prefix (first success wins) and aggregates failures', async () => {
      const kA = key('k');
      const kB = key('k:x'); // its prefix "k:x:" also matches "k:"
      const written = await providerListTransformer([buildProvider('aesgcm', [kB])]).toStorage(PLAIN, KEY);
      const t = providerListTransformer([buildProvider('aesgcm', [kA, kB])]);
      assert.deepEqual(await t.fromStorage(written, KEY), { data: PLAIN, stale: true });

      const wrong = providerListTransformer([buildProvider('aesgcm', [key('k:x')]), buildProvider('aesgcm', [key('k:x')])]);
      await assert.rejects(wrong.fromStorage(written, KEY), (e: unknown) => {
        assert.ok(e instanceof Error);
        assert.match(e.message, /^\[cipher: message authentication failed.*, cipher: message authentication failed.*\]$/u);
        return true;
      });
    });
  });
});
