/** Small in-place setters for defaulting plain JSON objects. */
import { formatDuration } from '../../apimachinery/duration.js';
import { isPlainObject } from '../../apimachinery/types.js';

type Obj = Record<string, unknown>;

/** The object at `holder[key]`, created (replacing null or a non-object) when missing. */
export function child(holder: Obj, key: string): Obj {
  const v = holder[key];
  if (isPlainObject(v)) return v;
  const created: Obj = {};
  holder[key] = created;
  return created;
}

/** Sets `o[key]` when it is absent or null. */
export function setDefault(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

/** A duration in nanoseconds as Go writes it (`40s`, `2m0s`, `1h0m0s`). */
export const goDuration = (ns: bigint): string => formatDuration(ns);
