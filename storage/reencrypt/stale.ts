/**
 * Cheap staleness detection on raw stored values (no decryption), following the spec's definition
 * (encryption.md §3.3): a value is stale when it is read by any provider but the first, or by any key
 * of the first provider but its first key. Reading with the first provider and first key requires the
 * value to start with that provider's and key's prefix, so a value without it is stale, and one with it
 * is current unless another key of the first provider has a name that also matches the prefix (a key
 * named `a:b` next to a first key `a`); such values are reported as `maybe` and left to the transformer.
 */
import type { ProviderInfo } from '../encryption/config.js';
import { ENCRYPTED_PREFIX } from '../encryption/providers.js';

/** `current`: written with the write provider/key; `stale`: needs a rewrite; `maybe`: ask the transformer. */
export type Staleness = 'current' | 'stale' | 'maybe';

/** Classifies a raw stored value. */
export type StalenessCheck = (value: Uint8Array) => Staleness;

/** Target of plaintext writes (identity first, or a resource no rule covers). */
export const IDENTITY_TARGET = 'identity';

const utf8 = new TextEncoder();

/**
 * The write target of a provider chain: `<provider>:<first key name>` or `identity`. Two chains with the
 * same target write values with the same prefix; it is what "fully rewritten" is recorded against.
 */
export function writeTarget(providers: readonly ProviderInfo[] | undefined): string {
  const first = providers?.[0];
  if (first === undefined || first.kind === 'identity') return IDENTITY_TARGET;
  return `${first.kind}:${first.keyNames[0] ?? ''}`;
}

function startsWith(data: Uint8Array, prefix: Uint8Array): boolean {
  if (data.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) {
    if (data[i] !== prefix[i]) return false;
  }
  return true;
}

/** The check for values of a resource with this provider chain (undefined = not configured: plaintext). */
export function stalenessCheck(providers: readonly ProviderInfo[] | undefined): StalenessCheck {
  const encrypted = utf8.encode(ENCRYPTED_PREFIX);
  const first = providers?.[0];
  if (first === undefined || first.kind === 'identity') {
    // Identity reads everything but `k8s:enc:` values, which a later provider (or nothing) reads.
    return (value) => (startsWith(value, encrypted) ? 'stale' : 'current');
  }
  const key = first.keyNames[0] ?? '';
  const prefix = utf8.encode(`${ENCRYPTED_PREFIX}${first.kind}:v1:${key}:`);
  const ambiguous = first.keyNames.slice(1).some((other) => other.startsWith(`${key}:`));
  const match: Staleness = ambiguous ? 'maybe' : 'current';
  return (value) => (startsWith(value, prefix) ? match : 'stale');
}
