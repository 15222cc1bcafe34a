/**
 * How the generic store treats InternalSecrets (Gardener's `internalSecretStrategy`): no status, a
 * generation neither set nor bumped (a client's value kept on create, as for core/v1 Secrets), PUT never
 * creates, PUT without resourceVersion allowed, an empty `type` on update kept from the stored object. Request bodies are normalized first: `stringData` folded into `data`.
 */
import { undecodableBody } from '../../apimachinery/decoding.js';
import { isPlainObject, type KubeObject } from '../../apimachinery/types.js';
import type { Strategy } from '../types.js';
import { Base64Error, canonicalBase64 as canonicalBase64Of, encodeString } from './data.js';
import { KIND, VERSION } from './types.js';
import { validateInternalSecret, validateInternalSecretUpdate } from './validation.js';

/** Go's name for a JSON value's kind in `cannot unmarshal <kind> into ...`. */
function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'object' ? 'object' : typeof v;
}

/** A body the Go decoder would reject: 400 `InternalSecret in version "v1beta1" cannot be handled as a InternalSecret: <why>`. */
function decodeError(why: string): Error {
  return undecodableBody({ kind: KIND, version: VERSION }, KIND, why);
}

function typeError(v: unknown, field: string, goType: string): Error {
  return decodeError(`json: cannot unmarshal ${jsonKind(v)} into Go struct field ${KIND}.${field} of type ${goType}`);
}

/** Checks one map-valued field and returns its entries (null values as `""`). */
function mapEntries(obj: KubeObject, field: 'data' | 'stringData'): [string, string][] {
  const value = obj[field];
  const goType = field === 'data' ? '[]uint8' : 'string';
  if (value === undefined || value === null) return [];
  if (!isPlainObject(value)) throw typeError(value, field, `map[string]${goType}`);
  return Object.entries(value).map(([k, v]): [string, string] => {
    if (v === null) return [k, ''];
    if (typeof v !== 'string') throw typeError(v, field, goType);
    return [k, v];
  });
}

/** Re-encodes a base64 value canonically, as Go's decode-then-encode does. */
function canonicalBase64(value: string): string {
  try {
    return canonicalBase64Of(value);
  } catch (e: unknown) {
    if (e instanceof Base64Error) throw decodeError(e.message);
    throw e;
  }
}

/**
 * Normalizes a decoded request body in place, as Gardener's v1beta1 → internal conversion:
 * - type errors in `immutable`, `data`, `stringData`, `type` and invalid base64 in `data` → 400;
 * - `data` values re-encoded canonically; `stringData` entries added as base64 of their UTF-8 bytes,
 *   overwriting `data` keys of the same name; `stringData` removed;
 * - `data` keys sorted (as Go prints maps), empty `data`, `""`/null `type` and null `immutable` dropped.
 * @throws StatusError 400 BadRequest as above.
 */
export function normalizeInternalSecret(obj: KubeObject): void {
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (key === 'immutable' && v !== null && typeof v !== 'boolean') throw typeError(v, key, 'bool');
    if (key === 'type' && v !== null && typeof v !== 'string') throw typeError(v, key, 'v1.SecretType');
    if (key === 'data' || key === 'stringData') mapEntries(obj, key);
  }
  const merged = new Map<string, string>();
  for (const [k, v] of mapEntries(obj, 'data')) merged.set(k, canonicalBase64(v));
  for (const [k, v] of mapEntries(obj, 'stringData')) merged.set(k, encodeString(v));
  delete obj.stringData;
  if (merged.size === 0) delete obj.data;
  else obj.data = Object.fromEntries([...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  if (obj.type === null || obj.type === '') delete obj.type;
  if (obj.immutable === null) delete obj.immutable;
}

/** The InternalSecret strategy. */
export const internalSecretStrategy: Strategy = {
  allowCreateOnUpdate: false,
  allowUnconditionalUpdate: true,
  tracksGeneration: false,
  decode: normalizeInternalSecret,
  prepareForCreate: () => {},
  prepareForUpdate(obj, old) {
    if (typeof obj.type === 'string' && obj.type !== '') return;
    if (typeof old.type === 'string' && old.type !== '') obj.type = old.type;
    else delete obj.type;
  },
  validate: (obj) => validateInternalSecret(obj),
  validateUpdate: (obj, old) => validateInternalSecretUpdate(obj, old),
};
