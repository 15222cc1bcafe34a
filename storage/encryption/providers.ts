/**
 * Value transformers that are byte-compatible with kube-apiserver's encryption-at-rest providers
 * (k8s.io/apiserver `storage/value/encrypt/{identity,aes,secretbox}` and `storage/value/transformer.go`).
 *
 * On-disk layout (`value = PREFIX || payload`):
 * - identity:  no prefix, plaintext.
 * - aescbc:    `k8s:enc:aescbc:v1:<key>:`    IV(16) ‖ AES-CBC(plaintext ‖ PKCS#7). No MAC, no AAD.
 * - aesgcm:    `k8s:enc:aesgcm:v1:<key>:`    nonce(12) ‖ ciphertext ‖ tag(16). AAD = storage key (UTF-8).
 * - secretbox: `k8s:enc:secretbox:v1:<key>:` nonce(24) ‖ NaCl secretbox = Poly1305 tag(16) ‖ XSalsa20 ciphertext.
 *
 * A provider with several keys writes with the first key and reads with every key whose `<name>:` prefix
 * matches; a resource with several providers writes with the first one and reads with every provider whose
 * prefix matches (identity matches everything). Reading with anything but the first provider / first key
 * marks the value stale, so a no-op update re-writes it with the current provider and key.
 */
import { createCipheriv, createDecipheriv, createHash, createSecretKey, randomBytes } from 'node:crypto';
import type { CipherGCMTypes, KeyObject } from 'node:crypto';
import nacl from 'tweetnacl';
import type { FromStorageResult, ValueTransformer } from '../transformer.js';

/** Every encrypted value starts with this; identity refuses to read such values. */
export const ENCRYPTED_PREFIX = 'k8s:enc:';
/** Provider prefixes (the key name and `:` follow). */
export const AESCBC_PREFIX = 'k8s:enc:aescbc:v1:';
export const AESGCM_PREFIX = 'k8s:enc:aesgcm:v1:';
export const SECRETBOX_PREFIX = 'k8s:enc:secretbox:v1:';

/** The providers garden-apiserver implements (kms is rejected at load time). */
export type ProviderKind = 'identity' | 'aescbc' | 'aesgcm' | 'secretbox';

/** A named, already base64-decoded key. */
export interface NamedKey {
  name: string;
  secret: Uint8Array;
}

/** A transformer that handles values starting with `prefix` (the prefix is stripped before it is called). */
export interface PrefixTransformer {
  prefix: Uint8Array;
  transformer: ValueTransformer;
}

/** Upstream messages, kept verbatim so logs read the same as kube-apiserver's. */
export const ERR_IDENTITY_ENCRYPTED = 'identity transformer tried to read encrypted data';
export const ERR_NO_MATCHING_PREFIX = 'no matching prefix found';
export const ERR_NO_MATCHING_AES_KEY = 'no matching key was found for the provided AES transformer';
export const ERR_NO_MATCHING_SECRETBOX_KEY = 'no matching key was found for the provided Secretbox transformer';
const ERR_SHORT = 'the stored data was shorter than the required size';
const ERR_BLOCK_SIZE = 'the stored data is not a multiple of the block size';
const ERR_PKCS7_DATA = 'invalid PKCS7 data (empty or not padded)';
const ERR_PKCS7_PADDING = 'invalid padding on input';
const ERR_GCM_AUTH = 'cipher: message authentication failed';
const ERR_SECRETBOX_AUTH = 'secretbox: message authentication failed';

const AES_BLOCK = 16;
const GCM_NONCE = 12;
const GCM_TAG = 16;
const SECRETBOX_NONCE = 24;
const SECRETBOX_OVERHEAD = 16;
/** Valid AES key lengths (AES-128/192/256). */
export const AES_KEY_SIZES: readonly number[] = [16, 24, 32];
/** Valid secretbox key lengths. */
export const SECRETBOX_KEY_SIZES: readonly number[] = [32];

const utf8 = new TextEncoder();
const ENCRYPTED_PREFIX_BYTES = utf8.encode(ENCRYPTED_PREFIX);

function hasPrefix(data: Uint8Array, prefix: Uint8Array): boolean {
  if (data.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) {
    if (data[i] !== prefix[i]) return false;
  }
  return true;
}

/** A Uint8Array view of `b` (no copy). */
function view(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return view(Buffer.concat(parts));
}

/** Bytes drawn from the CSPRNG per refill of {@link randomNonce}'s pool. */
const RANDOM_POOL_BYTES = 4096;
let randomPool = Buffer.alloc(0);
let randomOffset = 0;

/**
 * `n` fresh random bytes for an IV or nonce. Drawn from a pool refilled 4 KiB at a time: one call
 * into the CSPRNG costs as much as the encryption of a whole object, so it is made once per hundreds
 * of values. Bytes are never handed out twice.
 */
function randomNonce(n: number): Buffer {
  if (randomOffset + n > randomPool.length) {
    randomPool = randomBytes(Math.max(RANDOM_POOL_BYTES, n));
    randomOffset = 0;
  }
  const out = randomPool.subarray(randomOffset, randomOffset + n);
  randomOffset += n;
  return out;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Identity with the encrypt check (upstream `identity.NewEncryptCheckTransformer`): writes plaintext,
 * reads plaintext, and fails on values that start with `k8s:enc:`.
 */
export const identityEncryptCheckTransformer: ValueTransformer = {
  toStorage: async (data) => data,
  fromStorage: async (stored) => {
    if (hasPrefix(stored, ENCRYPTED_PREFIX_BYTES)) throw new Error(ERR_IDENTITY_ENCRYPTED);
    return { data: stored, stale: false };
  },
};

function aesKey(secret: Uint8Array): { key: KeyObject; bits: number } {
  if (!AES_KEY_SIZES.includes(secret.length)) {
    throw new Error(`crypto/aes: invalid key size ${secret.length}`);
  }
  return { key: createSecretKey(Buffer.from(secret)), bits: secret.length * 8 };
}

/** AES-CBC with PKCS#7 padding and a random IV (upstream `aes.NewCBCTransformer`). No prefix. */
export function aescbcTransformer(secret: Uint8Array): ValueTransformer {
  const { key, bits } = aesKey(secret);
  const algorithm = `aes-${bits}-cbc`;
  return {
    toStorage: async (data) => {
      const iv = randomNonce(AES_BLOCK);
      const cipher = createCipheriv(algorithm, key, iv); // auto padding = PKCS#7, full block when aligned
      return concat(iv, cipher.update(data), cipher.final());
    },
    fromStorage: async (stored) => ({ data: cbcDecrypt(algorithm, key, stored), stale: false }),
  };
}

function cbcDecrypt(algorithm: string, key: KeyObject, stored: Uint8Array): Uint8Array {
  if (stored.length < AES_BLOCK) throw new Error(ERR_SHORT);
  const iv = stored.subarray(0, AES_BLOCK);
  const body = stored.subarray(AES_BLOCK);
  if (body.length % AES_BLOCK !== 0) throw new Error(ERR_BLOCK_SIZE);
  if (body.length === 0) throw new Error(ERR_PKCS7_DATA);
  const decipher = createDecipheriv(algorithm, key, iv);
  decipher.setAutoPadding(false); // padding is checked below exactly like upstream
  const plain = Buffer.concat([decipher.update(body), decipher.final()]);
  const pad = plain[plain.length - 1] ?? 0;
  if (pad === 0 || pad > plain.length) throw new Error(ERR_PKCS7_DATA);
  for (let i = plain.length - pad; i < plain.length; i++) {
    if (plain[i] !== pad) throw new Error(ERR_PKCS7_PADDING);
  }
  return view(plain.subarray(0, plain.length - pad));
}

/**
 * AES-GCM with a random 96-bit nonce and a 128-bit tag (upstream `aes.NewGCMTransformer`). The storage
 * key is the additional authenticated data, so a value copied to another key fails to decrypt. No prefix.
 */
export function aesgcmTransformer(secret: Uint8Array): ValueTransformer {
  const { key, bits } = aesKey(secret);
  const algorithm: CipherGCMTypes = bits === 128 ? 'aes-128-gcm' : bits === 192 ? 'aes-192-gcm' : 'aes-256-gcm';
  return {
    toStorage: async (data, storageKey) => {
      const nonce = randomNonce(GCM_NONCE);
      const cipher = createCipheriv(algorithm, key, nonce, { authTagLength: GCM_TAG });
      cipher.setAAD(Buffer.from(storageKey, 'utf8'));
      const body = Buffer.concat([cipher.update(data), cipher.final()]);
      return concat(nonce, body, cipher.getAuthTag());
    },
    fromStorage: async (stored, storageKey) => {
      if (stored.length < GCM_NONCE) throw new Error(ERR_SHORT);
      if (stored.length < GCM_NONCE + GCM_TAG) throw new Error(ERR_GCM_AUTH);
      const nonce = stored.subarray(0, GCM_NONCE);
      const body = stored.subarray(GCM_NONCE, stored.length - GCM_TAG);
      const decipher = createDecipheriv(algorithm, key, nonce, { authTagLength: GCM_TAG });
      decipher.setAAD(Buffer.from(storageKey, 'utf8'));
      decipher.setAuthTag(stored.subarray(stored.length - GCM_TAG));
      try {
        return { data: view(Buffer.concat([decipher.update(body), decipher.final()])), stale: false };
      } catch (e: unknown) {
        throw new Error(`${ERR_GCM_AUTH} (${errorMessage(e)})`);
      }
    },
  };
}

/** NaCl secretbox (XSalsa20-Poly1305) with a random 192-bit nonce (upstream `secretbox`). No prefix. */
export function secretboxTransformer(secret: Uint8Array): ValueTransformer {
  if (secret.length !== nacl.secretbox.keyLength) {
    throw new Error(`expected key size 32 for secretbox provider, got ${secret.length}`);
  }
  const key = new Uint8Array(secret);
  return {
    toStorage: async (data) => {
      const nonce = new Uint8Array(randomNonce(SECRETBOX_NONCE));
      return concat(nonce, nacl.secretbox(data, nonce, key));
    },
    fromStorage: async (stored) => {
      if (stored.length < SECRETBOX_NONCE + SECRETBOX_OVERHEAD) throw new Error(ERR_SHORT);
      const opened = nacl.secretbox.open(stored.subarray(SECRETBOX_NONCE), stored.subarray(0, SECRETBOX_NONCE), key);
      if (opened === null) throw new Error(ERR_SECRETBOX_AUTH);
      return { data: opened, stale: false };
    },
  };
}

/** Renders errors the way Go's `utilerrors.Reduce(NewAggregate(errs))` does. */
function aggregate(messages: string[]): string {
  return messages.length === 1 ? (messages[0] ?? '') : `[${messages.join(', ')}]`;
}

/**
 * Chooses among transformers by prefix (upstream `value.NewPrefixTransformers`).
 *
 * - toStorage: the first transformer, its prefix prepended.
 * - fromStorage: every transformer whose prefix matches, in order; the first success wins and is stale
 *   when it is not the first transformer (or the inner one reported stale). An empty-prefix (identity)
 *   transformer's failure is skipped silently; other failures are aggregated. Nothing matched → `noMatch`.
 */
export class PrefixTransformers implements ValueTransformer {
  readonly #list: readonly PrefixTransformer[];
  readonly #noMatch: string;

  /** @param list at least one transformer; the first one writes. */
  constructor(noMatch: string, list: readonly PrefixTransformer[]) {
    if (list.length === 0) throw new Error('PrefixTransformers needs at least one transformer');
    this.#list = list;
    this.#noMatch = noMatch;
  }

  async toStorage(data: Uint8Array, key: string): Promise<Uint8Array> {
    const first = this.#list[0] as PrefixTransformer;
    return concat(first.prefix, await first.transformer.toStorage(data, key));
  }

  async fromStorage(stored: Uint8Array, key: string): Promise<FromStorageResult> {
    const errors: string[] = [];
    for (const [i, t] of this.#list.entries()) {
      if (!hasPrefix(stored, t.prefix)) continue;
      try {
        const result = await t.transformer.fromStorage(stored.subarray(t.prefix.length), key);
        return { data: result.data, stale: result.stale || i !== 0 };
      } catch (e: unknown) {
        if (t.prefix.length > 0) errors.push(errorMessage(e));
      }
    }
    throw new Error(errors.length > 0 ? aggregate(errors) : this.#noMatch);
  }
}

/** One configured provider, ready to be put in a resource's provider list. */
export interface BuiltProvider {
  kind: ProviderKind;
  /** Key names in configuration order (empty for identity). */
  keyNames: readonly string[];
  /** {@link keyFingerprint} of each key's secret, in the same order. */
  keyFingerprints: readonly string[];
  /** The provider with its outer prefix (empty for identity). */
  prefixed: PrefixTransformer;
}

const PROVIDER_PREFIX: Record<Exclude<ProviderKind, 'identity'>, string> = {
  aescbc: AESCBC_PREFIX,
  aesgcm: AESGCM_PREFIX,
  secretbox: SECRETBOX_PREFIX,
};

/**
 * Tells keys apart without revealing them: the first 48 bits of the secret's SHA-256, in hex. Two keys
 * of one name with different secrets (a secret replaced under the same name) get different
 * fingerprints, so what was fully rewritten with one is not taken as rewritten with the other.
 */
export function keyFingerprint(secret: Uint8Array): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 12);
}

/**
 * Builds one provider element: identity, or an encrypting provider over its keys (the first key writes,
 * each key is selected on read by its `<name>:` prefix). Throws on an empty key list or a bad key.
 */
export function buildProvider(kind: ProviderKind, keys: readonly NamedKey[] = []): BuiltProvider {
  if (kind === 'identity') {
    return { kind, keyNames: [], keyFingerprints: [], prefixed: { prefix: new Uint8Array(0), transformer: identityEncryptCheckTransformer } };
  }
  if (keys.length === 0) throw new Error(`${kind === 'secretbox' ? 'secretbox' : 'aes'} provider has no valid keys`);
  const make = kind === 'aescbc' ? aescbcTransformer : kind === 'aesgcm' ? aesgcmTransformer : secretboxTransformer;
  const perKey = keys.map((k): PrefixTransformer => {
    if (k.name === '') throw new Error('key with invalid name provided');
    try {
      return { prefix: utf8.encode(`${k.name}:`), transformer: make(k.secret) };
    } catch (e: unknown) {
      throw new Error(`error while creating transformer for named key ${k.name}: ${errorMessage(e)}`);
    }
  });
  const noMatch = kind === 'secretbox' ? ERR_NO_MATCHING_SECRETBOX_KEY : ERR_NO_MATCHING_AES_KEY;
  return {
    kind,
    keyNames: keys.map((k) => k.name),
    keyFingerprints: keys.map((k) => keyFingerprint(k.secret)),
    prefixed: { prefix: utf8.encode(PROVIDER_PREFIX[kind]), transformer: new PrefixTransformers(noMatch, perKey) },
  };
}

/** The transformer for one resource's provider list (the first provider writes). */
export function providerListTransformer(providers: readonly BuiltProvider[]): ValueTransformer {
  return new PrefixTransformers(ERR_NO_MATCHING_PREFIX, providers.map((p) => p.prefixed));
}
