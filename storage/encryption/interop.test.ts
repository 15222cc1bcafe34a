/**
 * Interop vectors from independent implementations, in both directions:
 * - aescbc: the `openssl enc` CLI (live) plus a vector it produced (fixed).
 * - aesgcm: NIST/McGrew-Viega GCM test case 3 (fixed, empty AAD = empty storage key), a vector made with
 *   Python `cryptography` (OpenSSL-backed, fixed) binding a real storage key as AAD, and live Python.
 * - secretbox: the NaCl distribution's secretbox vector (tests/secretbox.c / secretbox.out), plus live
 *   libsodium (`crypto_secretbox_easy`, via Python ctypes) when the library is present.
 * Live checks skip when the tool is missing; the fixed vectors always run.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { AESCBC_PREFIX, AESGCM_PREFIX, SECRETBOX_PREFIX, buildProvider, providerListTransformer } from './providers.js';
import type { ProviderKind } from './providers.js';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const cat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

function transformer(kind: ProviderKind, secretHex: string, name = 'key1') {
  return providerListTransformer([buildProvider(kind, [{ name, secret: hex(secretHex) }])]);
}

function run(cmd: string, args: string[], input: Uint8Array): { ok: boolean; out: Uint8Array; missing: boolean } {
  const r = spawnSync(cmd, args, { input, maxBuffer: 1 << 20 });
  const missing = r.error !== undefined || r.status === 3;
  return { ok: r.status === 0, out: new Uint8Array(r.stdout ?? Buffer.alloc(0)), missing };
}

const KEY256 = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
const IV = '0f0e0d0c0b0a09080706050403020100';
const STORAGE_KEY = '/registry-gardener/core.gardener.cloud/internalsecrets/garden/s1';
const PLAIN = utf8('{"kind":"InternalSecret","apiVersion":"core.gardener.cloud/v1beta1"}\n');

describe('encryption interop', () => {
  describe('aescbc vs openssl enc', () => {
    // printf '<PLAIN>' | openssl enc -aes-256-cbc -K <KEY256> -iv <IV>
    const OPENSSL_CT =
      '5307b8e24cc4b73002f6127b29410d00d7a5003d87e29b2dd757f7e9e638a5a74e1ed92b3fa01d6611b4e18bae9b35' +
      '07936079e2015aea8cf6409a8fdacd749c5073f6b126a5a1c0154c3fc7ca130641';

    it('decrypts a fixed openssl vector', async () => {
      const stored = cat(utf8(`${AESCBC_PREFIX}key1:`), hex(IV), hex(OPENSSL_CT));
      const r = await transformer('aescbc', KEY256).fromStorage(stored, STORAGE_KEY);
      assert.deepEqual(r, { data: PLAIN, stale: false });
    });

    for (const bits of [128, 192, 256]) {
      it(`round-trips with live openssl (AES-${bits}, both directions)`, async function () {
        const key = KEY256.slice(0, bits / 4);
        const plain = utf8(`secret payload of some length for aes-${bits} ${'x'.repeat(bits / 8)}`);
        const enc = run('openssl', ['enc', `-aes-${bits}-cbc`, '-K', key, '-iv', IV], plain);
        if (enc.missing) this.skip();
        assert.ok(enc.ok);
        const t = transformer('aescbc', key);
        const stored = cat(utf8(`${AESCBC_PREFIX}key1:`), hex(IV), enc.out);
        assert.deepEqual((await t.fromStorage(stored, STORAGE_KEY)).data, plain);

        const ours = await t.toStorage(plain, STORAGE_KEY);
        const prefix = utf8(`${AESCBC_PREFIX}key1:`);
        assert.deepEqual(ours.subarray(0, prefix.length), prefix);
        const payload = ours.subarray(prefix.length);
        const iv = toHex(payload.subarray(0, 16));
        const dec = run('openssl', ['enc', '-d', `-aes-${bits}-cbc`, '-K', key, '-iv', iv], payload.subarray(16));
        assert.ok(dec.ok, 'openssl rejected our ciphertext/padding');
        assert.deepEqual(dec.out, plain);
      });
    }

    it('pads a block-aligned plaintext with a full block, like openssl', async function () {
      const plain = utf8('0123456789abcdef0123456789abcdef');
      const enc = run('openssl', ['enc', '-aes-256-cbc', '-K', KEY256, '-iv', IV], plain);
      if (enc.missing) this.skip();
      assert.equal(enc.out.length, 48);
      const stored = cat(utf8(`${AESCBC_PREFIX}key1:`), hex(IV), enc.out);
      assert.deepEqual((await transformer('aescbc', KEY256).fromStorage(stored, 'k')).data, plain);
    });
  });

  describe('aesgcm', () => {
    it('matches NIST GCM test case 3 (AES-128, empty AAD = empty storage key)', async () => {
      const key = 'feffe9928665731c6d6a8f9467308308';
      const nonce = 'cafebabefacedbaddecaf888';
      const p =
        'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72' +
        '1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255';
      const c =
        '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e' +
        '21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985';
      const tag = '4d5c2af327cd64a62cf35abd2ba6fab4';
      const stored = cat(utf8(`${AESGCM_PREFIX}key1:`), hex(nonce + c + tag));
      const r = await transformer('aesgcm', key).fromStorage(stored, '');
      assert.equal(toHex(r.data), p);
      await assert.rejects(transformer('aesgcm', key).fromStorage(stored, '/registry/x'), /message authentication failed/);
    });

    // Python: AESGCM(bytes(range(N))).encrypt(bytes.fromhex('000102030405060708090a0b'), PLAIN, STORAGE_KEY)
    const PY_VECTORS: Record<string, string> = {
      [KEY256]:
        '3c20bd72ab81e021af08f9ffd49b160cef85e257821e2b5e144584f5743f65c07279c1928dfb30fb1bd61ac3efe65a5c' +
        '8b3705ff74b5cfb54af3056f2981909a910de407d9455a74a81c752a821eaea22b72fed941',
      [KEY256.slice(0, 32)]:
        'e84ecca7087fd56e699b0ffe53d11e69df757f85218889d4ca03905d7d12c71ef6cdb499d6ba95802f866cc9a7e8a5f6' +
        'a9f171822ae45a145b2a5da49b2e7390fb3fd7335528c9d7a193ab2caa3916314a2ea456d3',
    };
    for (const [key, ct] of Object.entries(PY_VECTORS)) {
      it(`decrypts a Python cryptography vector bound to the storage key (AES-${key.length * 4})`, async () => {
        const stored = cat(utf8(`${AESGCM_PREFIX}key1:`), hex('000102030405060708090a0b'), hex(ct));
        const t = transformer('aesgcm', key);
        assert.deepEqual(await t.fromStorage(stored, STORAGE_KEY), { data: PLAIN, stale: false });
        await assert.rejects(t.fromStorage(stored, `${STORAGE_KEY}x`), /message authentication failed/);
      });
    }

    it('round-trips with live Python cryptography (both directions)', async function () {
      const script = `
import sys
try:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
except ImportError:
    sys.exit(3)
mode, key, aad = sys.argv[1], bytes.fromhex(sys.argv[2]), sys.argv[3].encode()
data = sys.stdin.buffer.read()
g = AESGCM(key)
out = g.encrypt(bytes(range(12)), data, aad) if mode == 'enc' else g.decrypt(data[:12], data[12:], aad)
sys.stdout.buffer.write(out)`;
      const t = transformer('aesgcm', KEY256);
      const prefix = utf8(`${AESGCM_PREFIX}key1:`);
      const ours = await t.toStorage(PLAIN, STORAGE_KEY);
      const dec = run('python3', ['-c', script, 'dec', KEY256, STORAGE_KEY], ours.subarray(prefix.length));
      if (dec.missing) this.skip();
      assert.ok(dec.ok, 'python rejected our ciphertext');
      assert.deepEqual(dec.out, PLAIN);
      const enc = run('python3', ['-c', script, 'enc', KEY256, STORAGE_KEY], PLAIN);
      assert.ok(enc.ok);
      const stored = cat(prefix, hex('000102030405060708090a0b'), enc.out);
      assert.deepEqual((await t.fromStorage(stored, STORAGE_KEY)).data, PLAIN);
    });
  });

  describe('secretbox', () => {
    // NaCl tests/secretbox.c (firstkey, nonce, m after 32 zero bytes) and secretbox.out (after 16 zero bytes).
    const KEY = '1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389';
    const NONCE = '69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37';
    const M =
      'be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffce5ecbaaf33bd751a1ac728d45e6c61296cdc3c01' +
      '233561f41db66cce314adb310e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde048977eb48f59f' +
      'fd4924ca1c60902e52f0a089bc76897040e082f937763848645e0705';
    const C =
      'f3ffc7703f9400e52a7dfb4b3d3305d98e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c531a1186ac0dfc17c' +
      '98dce87b4da7f011ec48c97271d2c20f9b928fe2270d6fb863d51738b48eeee314a7cc8ab932164548e526ae90224368517acfea' +
      'bd6bb3732bc0e9da99832b61ca01b6de56244a9e88d5f9b37973f622a43d14a6599b1f654cb45a74e355a5';

    it('opens the published NaCl secretbox vector', async () => {
      const stored = cat(utf8(`${SECRETBOX_PREFIX}key1:`), hex(NONCE + C));
      assert.equal(toHex((await transformer('secretbox', KEY).fromStorage(stored, 'ignored')).data), M);
    });

    it('round-trips with live libsodium (both directions)', async function () {
      const script = `
import sys, ctypes, ctypes.util
name = ctypes.util.find_library('sodium')
if not name:
    sys.exit(3)
lib = ctypes.CDLL(name)
if lib.sodium_init() < 0:
    sys.exit(3)
mode, key = sys.argv[1], bytes.fromhex(sys.argv[2])
data = sys.stdin.buffer.read()
if mode == 'seal':
    nonce = bytes(range(24))
    out = ctypes.create_string_buffer(len(data) + 16)
    lib.crypto_secretbox_easy(out, data, ctypes.c_ulonglong(len(data)), nonce, key)
    sys.stdout.buffer.write(nonce + out.raw)
else:
    nonce, box = data[:24], data[24:]
    out = ctypes.create_string_buffer(max(len(box) - 16, 1))
    if lib.crypto_secretbox_open_easy(out, box, ctypes.c_ulonglong(len(box)), nonce, key) != 0:
        sys.exit(1)
    sys.stdout.buffer.write(out.raw[:len(box) - 16])`;
      const t = transformer('secretbox', KEY);
      const prefix = utf8(`${SECRETBOX_PREFIX}key1:`);
      const ours = await t.toStorage(PLAIN, STORAGE_KEY);
      const opened = run('python3', ['-c', script, 'open', KEY], ours.subarray(prefix.length));
      if (opened.missing) this.skip();
      assert.ok(opened.ok, 'libsodium rejected our box');
      assert.deepEqual(opened.out, PLAIN);
      const sealed = run('python3', ['-c', script, 'seal', KEY], PLAIN);
      assert.ok(sealed.ok);
      assert.deepEqual((await t.fromStorage(cat(prefix, sealed.out), STORAGE_KEY)).data, PLAIN);
    });
  });
});
