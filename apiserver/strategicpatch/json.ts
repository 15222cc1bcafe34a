/** Decoded JSON as the patch algorithm sees it. */
export type JsonMap = Record<string, unknown>;

/** A JSON object (not an array, not null). */
export function isMap(v: unknown): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * What Go's reflect.TypeOf tells apart in decoded JSON: kube-apiserver decodes integral numbers as
 * int64 and others as float64, so the two are different types.
 */
export function jsonType(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return 'slice';
  if (typeof v === 'object') return 'map';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  return typeof v;
}
