/**
 * Cheap staleness detection on raw stored values (no decryption), following the spec's definition
 * (encryption.md §3.3): a value is stale when it is read by any provider but the first, or by any key
 * of the first provider but its first key. Reading with the first provider and first key requires the
 * value to start with that provider's and key's prefix, so a value without it is stale, and one with it
 * is current unless another key of that kind has a name that also matches the prefix (a key named
 * `a:b` next to a first key `a` or the other way round, or a later provider's key named `a` too); such
 * values are reported as `maybe` and left to the transformer.
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
 * The write target of a provider chain: `<provider>:<first key name>` and the fingerprint of that key's
 * secret (`aescbc:key2#1a2b3c4d5e6f`), or `identity`. Two chains with the same target write values that
 * each can read; it is what "fully rewritten" is recorded against, so a secret replaced under the same
 * key name starts a new rewrite.
 */
export function writeTarget(providers: readonly ProviderInfo[] | undefined): string {
  const first = providers?.[0];
  if (first === undefined || first.kind === 'identity') return IDENTITY_TARGET;
  const fingerprint = first.keyFingerprints?.[0];
  return `${first.kind}:${first.keyNames[0] ?? ''}${fingerprint === undefined ? '' : `#${fingerprint}`}`;
}

/**
 * A write target as people are shown it (logs, `/readyz?verbose`): without the fingerprint, which
 * only replicas compare (`aescbc:key2#1a2b3c4d5e6f` reads `aescbc:key2`).
 */
export function targetLabel(target: string): string {
  return target.replace(/#[0-9a-f]{12}$/, '');
}

/**
 * Every key that reads the resource's values, in order, with the fingerprints of their secrets: a walk
 * that left values unreadable is done again when this changes (a key restored), not only when the
 * write target does.
 */
export function readersOf(providers: readonly ProviderInfo[] | undefined): string {
  return (providers ?? []).map((p) => [p.kind, ...p.keyNames.map((name, i) => `${name}#${p.keyFingerprints?.[i] ?? ''}`)].join(':')).join(',');
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
  // Another key whose values may carry the same prefix: one of the same kind named like the first key
  // (a later provider may repeat the name with another secret), named `<key>:...`, or one whose name
  // and separator begin the first key's name (`a` next to a first key `a:b`: its value's IV may begin
  // with `b:`).
  const overlaps = (other: string) => other === key || other.startsWith(`${key}:`) || key.startsWith(`${other}:`);
  const ambiguous = (providers ?? []).some((p, i) => p.kind === first.kind && p.keyNames.some((other, j) => (i !== 0 || j !== 0) && overlaps(other)));
  const match: Staleness = ambiguous ? 'maybe' : 'current';
  return (value) => (startsWith(value, prefix) ? match : 'stale');
}
