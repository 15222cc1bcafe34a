/**
 * Upstream's `IgnoreManagedFieldsTimestampsTransformer`: a write whose only effect is newer times in
 * `metadata.managedFields` (say, an apply of "1h" over a stored "1h0m0s", or of "1000m" over a stored
 * "1", that decoding normalizes back) keeps the stored times, so the storage sees an unchanged object
 * and does not write it: no new resourceVersion, no watch event.
 */
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject, ManagedFieldsEntry } from '../../apimachinery/types.js';

function withoutTime(e: ManagedFieldsEntry): ManagedFieldsEntry {
  const { time: _time, ...rest } = e;
  return rest;
}

function withoutBookkeeping(obj: KubeObject): KubeObject {
  const { managedFields: _m, resourceVersion: _rv, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/**
 * Restores the times of `old`'s managedFields on `updated` when the two differ in nothing else:
 * same entries apart from their times, same object apart from managedFields and resourceVersion.
 * Call it on the final object of an update (after the strategy ran). Modifies `updated`; returns
 * whether it restored anything.
 */
export function ignoreManagedFieldsTimestamps(old: KubeObject, updated: KubeObject): boolean {
  const before = old.metadata.managedFields;
  const after = updated.metadata.managedFields;
  if (!Array.isArray(before) || !Array.isArray(after) || before.length !== after.length) return false;
  if (isDeepStrictEqual(before, after)) return false;
  for (let i = 0; i < before.length; i++) {
    const b = before[i];
    const a = after[i];
    if (b === undefined || a === undefined || !isDeepStrictEqual(withoutTime(b), withoutTime(a))) return false;
  }
  if (!isDeepStrictEqual(withoutBookkeeping(old), withoutBookkeeping(updated))) return false;
  after.forEach((a, i) => {
    const time = before[i]?.time;
    if (time === undefined) delete a.time;
    else a.time = time;
  });
  return true;
}
