/**
 * The errors applying a strategic merge patch can raise, with upstream's texts (k8s.io/apimachinery
 * `mergepatch` and `strategicpatch`), which print values the way Go's `%v` prints decoded JSON.
 */

/** Why a strategic merge patch cannot be applied; `kind` tells how kube-apiserver reports it. */
export class PatchError extends Error {
  override name = 'PatchError';

  /**
   * @param kind `badRequest` for malformed directives (400), `invalid` for lists of lists and retainKeys
   *   mismatches (422), `other` for everything kube-apiserver passes on unclassified.
   */
  constructor(
    message: string,
    readonly kind: 'badRequest' | 'invalid' | 'other' = 'other',
  ) {
    super(message);
  }
}

export const errBadJSONDoc = () => new PatchError('invalid JSON document', 'badRequest');
export const errNoListOfLists = () => new PatchError('lists of lists are not supported', 'invalid');
export const errBadPatchFormatForPrimitiveList = () => new PatchError('invalid patch format of primitive list', 'badRequest');
export const errBadPatchFormatForRetainKeys = () => new PatchError('invalid patch format of retainKeys', 'badRequest');
export const errBadPatchFormatForSetElementOrderList = () => new PatchError('invalid patch format of setElementOrder list', 'badRequest');

/** Go's `%v` of a float64 that is not integral: shortest form, two-digit exponents. */
function goFloat(n: number): string {
  return String(n).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** A decoded JSON value as Go's `%v` prints it (`map[a:1 b:[x y]]`, `<nil>`). */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o)
      .sort()
      .map((k) => `${k}:${goValue(o[k])}`)
      .join(' ')}]`;
  }
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : goFloat(v);
  return String(v);
}

/** Go's reflect type name of a decoded JSON value (integral numbers decode as int64 in kube-apiserver). */
export function goType(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  if (typeof v === 'object') return 'map[string]interface {}';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  return 'string';
}

export function errNoMergeKey(m: Record<string, unknown>, key: string): PatchError {
  return new PatchError(`map: ${goValue(m)} does not contain declared merge key: ${key}`);
}

/** `expected a <type of expected>, but received a <type of actual>`. */
export function errBadArgType(expected: 'map' | 'slice', actual: unknown): PatchError {
  return new PatchError(`expected a ${expected === 'map' ? 'map[string]interface {}' : '[]interface {}'}, but received a ${goType(actual)}`);
}

export function errBadPatchType(t: unknown, m: Record<string, unknown>): PatchError {
  return new PatchError(`unknown patch type: ${typeof t === 'string' ? t : `%!s(${goType(t)}=${goValue(t)})`} in map: ${goValue(m)}`);
}
