/**
 * Equality of decoded JSON values as Kubernetes' `apiequality.Semantic.DeepEqual` sees the Go structs
 * they decode into: an absent field, `null` and an empty list are the same (a nil slice equals an
 * empty one); key order does not matter. An empty object stays distinct from an absent one, as a
 * pointer to an empty struct is from a nil pointer.
 */

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || (Array.isArray(v) && v.length === 0);
}

/** Whether `a` and `b` decode into semantically equal Go values. */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (isEmpty(a) || isEmpty(b)) return isEmpty(a) && isEmpty(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => semanticEqual(x, b[i]));
  }
  if (typeof a === 'object' && typeof b === 'object') {
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
    for (const k of keys) if (!semanticEqual(ra[k], rb[k])) return false;
    return true;
  }
  return a === b;
}
