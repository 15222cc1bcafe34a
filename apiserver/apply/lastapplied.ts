/**
 * kubectl's `kubectl.kubernetes.io/last-applied-configuration` annotation during server-side apply by
 * the manager `kubectl` (k8s.io/apimachinery `managedfields/internal/lastapplied*.go`):
 *
 * - conflicts on fields whose live value still equals the last client-side-applied value are allowed,
 *   so switching from `kubectl apply` to `kubectl apply --server-side` never conflicts with
 *   `kubectl-client-side-apply` over values kubectl itself wrote;
 * - when the object carries the annotation, it is kept up to date with the applied configuration, so
 *   going back to client-side apply still works.
 */
import { jsonTooDeep } from '../../apimachinery/json.js';
import { isPlainObject, type KubeObject } from '../../apimachinery/types.js';
import type { FieldSet } from './fieldset.js';
import { goJson } from './pathelement.js';
import type { TypeNode } from './schema.js';
import { compareValues, toFieldSet } from './typed.js';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** The only manager whose applies look at the annotation. */
export const KUBECTL_MANAGER = 'kubectl';

/** Annotations may add up to this many bytes (keys plus values), as Kubernetes validates. */
const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

function lastApplied(obj: KubeObject): string | undefined {
  const v = obj.metadata.annotations?.[LAST_APPLIED_ANNOTATION];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * The fields whose conflicts an apply by `kubectl` may override: those of the last-applied
 * configuration whose live value is still the applied one. `undefined` without a usable annotation.
 */
export function allowedConflictsFromLastApplied(live: KubeObject, root: TypeNode, apiVersion: string): FieldSet | undefined {
  const text = lastApplied(live);
  if (text === undefined || jsonTooDeep(text)) return undefined;
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (e: unknown) {
    void e;
    return undefined;
  }
  if (!isPlainObject(config) || config.apiVersion !== apiVersion) return undefined;
  const errors: string[] = [];
  const set = toFieldSet(config, root, errors);
  if (errors.length > 0) return undefined;
  const cmp = compareValues(config, live, root);
  return set.difference(cmp.modified).difference(cmp.added).difference(cmp.removed);
}

/** The annotation value for an applied configuration: its JSON without the annotation itself. */
export function buildLastApplied(applied: Record<string, unknown>): string {
  const copy = structuredClone(applied);
  const meta = copy.metadata;
  if (isPlainObject(meta) && isPlainObject(meta.annotations)) delete meta.annotations[LAST_APPLIED_ANNOTATION];
  return `${goJson(copy)}\n`;
}

/**
 * After an apply by `kubectl`: when the result carries the annotation, sets it to the applied
 * configuration (dropped when the annotations would grow too large). Modifies `obj`.
 */
export function updateLastApplied(obj: KubeObject, applied: Record<string, unknown>, manager: string): void {
  if (manager !== KUBECTL_MANAGER || lastApplied(obj) === undefined) return;
  const annotations = { ...(obj.metadata.annotations ?? {}) };
  annotations[LAST_APPLIED_ANNOTATION] = buildLastApplied(applied);
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) size += Buffer.byteLength(k) + Buffer.byteLength(v);
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) delete annotations[LAST_APPLIED_ANNOTATION];
  if (Object.keys(annotations).length > 0) obj.metadata.annotations = annotations;
  else delete obj.metadata.annotations;
}
