/**
 * Null-tolerant readers of the stored JSON for the Shoot rules. The schema has already checked types, so
 * a reader only has to treat a missing field and JSON null alike (as Go's decoding does) and fall back
 * to the Go zero value where the rule reads a value type.
 */
import { parseDuration, DurationError } from '../../../apimachinery/duration.js';
import { isPlainObject } from '../../../apimachinery/types.js';

export type Obj = Record<string, unknown>;

/** `o[k]` when it is an object. */
export function child(o: unknown, k: string): Obj | undefined {
  if (!isPlainObject(o)) return undefined;
  const v = o[k];
  return isPlainObject(v) ? v : undefined;
}

/** `o.a.b.c` when every step is an object. */
export function path(o: unknown, ...keys: string[]): Obj | undefined {
  let cur: unknown = o;
  for (const k of keys) cur = child(cur, k);
  return isPlainObject(cur) ? cur : undefined;
}

/** `o[k]` when it is a string. */
export function str(o: unknown, k: string): string | undefined {
  if (!isPlainObject(o)) return undefined;
  const v = o[k];
  return typeof v === 'string' ? v : undefined;
}

/** `o[k]` as a string, `""` when absent (a Go string field). */
export function strOr(o: unknown, k: string): string {
  return str(o, k) ?? '';
}

/** `o[k]` when it is a number. */
export function num(o: unknown, k: string): number | undefined {
  if (!isPlainObject(o)) return undefined;
  const v = o[k];
  return typeof v === 'number' ? v : undefined;
}

/** `o[k]` when it is a boolean. */
export function bool(o: unknown, k: string): boolean | undefined {
  if (!isPlainObject(o)) return undefined;
  const v = o[k];
  return typeof v === 'boolean' ? v : undefined;
}

/** Whether `o[k]` is set (not absent, not null): a Go pointer that is not nil. */
export function isSet(o: unknown, k: string): boolean {
  return isPlainObject(o) && o[k] !== undefined && o[k] !== null;
}

/** `o[k]` as a list, `[]` when absent. */
export function list(o: unknown, k: string): unknown[] {
  if (!isPlainObject(o)) return [];
  const v = o[k];
  return Array.isArray(v) ? v : [];
}

/** `o[k]` as a list of objects (null entries read as empty objects). */
export function objs(o: unknown, k: string): Obj[] {
  return list(o, k).map((v) => (isPlainObject(v) ? v : {}));
}

/** `o[k]` as a list of strings (null entries read as `""`). */
export function strs(o: unknown, k: string): string[] {
  return list(o, k).map((v) => (typeof v === 'string' ? v : ''));
}

/** `o[k]` as a map, or undefined. */
export function map(o: unknown, k: string): Obj | undefined {
  return child(o, k);
}

/**
 * `o[k]` as Go duration nanoseconds; undefined when absent or not a Go duration (such values are kept as
 * written by decoding and have no meaning to the rules).
 */
export function duration(o: unknown, k: string): bigint | undefined {
  const text = str(o, k);
  if (text === undefined) return undefined;
  try {
    return parseDuration(text);
  } catch (e: unknown) {
    if (e instanceof DurationError) return undefined;
    throw e;
  }
}
