/**
 * Duplicate owner references, dropped with a warning as kube-apiserver does (an entry equal to an
 * earlier one with the same uid; entries that share a uid but differ are kept for validation).
 */
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../apimachinery/types.js';

const ADVICE = 'API server dedups owner references in 1.20+, and may reject such requests as early as 1.24; please fix your requests; duplicate UID(s) observed:';

/**
 * Removes repeated owner references from `obj` and, when there were any, adds kube-apiserver's warning
 * to `warnings` (worded for a request body, or for the object after admission and patching).
 */
export function dedupOwnerReferences(obj: KubeObject, warnings: string[], afterAdmission: boolean): void {
  const refs = obj.metadata.ownerReferences;
  if (!Array.isArray(refs) || refs.length < 2) return;
  const kept: unknown[] = [];
  const duplicates: string[] = [];
  const seen = new Set<unknown>();
  for (const ref of refs) {
    const uid = (ref as { uid?: unknown } | null)?.uid;
    if (seen.has(uid) && kept.some((k) => isDeepStrictEqual(k, ref))) {
      duplicates.push(String(uid ?? ''));
      continue;
    }
    seen.add(uid);
    kept.push(ref);
  }
  if (duplicates.length === 0) return;
  obj.metadata.ownerReferences = kept as typeof refs;
  const where = afterAdmission ? ' after mutating admission happens' : '';
  warnings.push(`.metadata.ownerReferences contains duplicate entries${where}; ${ADVICE} ${duplicates.join(', ')}`);
}
