/**
 * A Project's `spec.dualApprovalForDeletion`: for the listed resources (and objects its label selector
 * matches), whoever confirmed a deletion (`deletion.gardener.cloud/confirmed-by`) may not also send the
 * DELETE. ServiceAccounts are included unless `includeServiceAccounts` is false.
 */
import type { KubeObject } from '../../apimachinery/types.js';

/** Who confirmed the deletion of a Shoot, maintained by the DeletionConfirmation admission plugin. */
export const DELETION_CONFIRMED_BY = 'deletion.gardener.cloud/confirmed-by';

/** The refusal when the confirming user also deletes. */
export const DUAL_APPROVAL_REQUIRED = 'you are not allowed to both confirm the deletion and send the actual DELETE request - another subject must perform the deletion';

interface SelectorExpression {
  key?: unknown;
  operator?: unknown;
  values?: unknown;
}

/** Whether `labels` match a metav1.LabelSelector (an empty selector matches everything). */
export function selectorMatches(selector: unknown, labels: Record<string, string> = {}): boolean {
  const s = (selector ?? {}) as { matchLabels?: Record<string, unknown>; matchExpressions?: SelectorExpression[] };
  for (const [k, v] of Object.entries(s.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of Array.isArray(s.matchExpressions) ? s.matchExpressions : []) {
    const key = String(e.key ?? '');
    const values = Array.isArray(e.values) ? e.values.map(String) : [];
    const has = Object.hasOwn(labels, key);
    const ok =
      e.operator === 'In' ? has && values.includes(labels[key] ?? '')
      : e.operator === 'NotIn' ? !has || !values.includes(labels[key] ?? '')
      : e.operator === 'Exists' ? has
      : e.operator === 'DoesNotExist' ? !has
      : false;
    if (!ok) return false;
  }
  return true;
}

/** Whether the Project demands that someone other than `user` (who confirmed) deletes `obj`. */
export function dualApprovalRequired(project: KubeObject | undefined, resource: string, obj: KubeObject, user: string): boolean {
  const configs = ((project?.spec as { dualApprovalForDeletion?: unknown } | undefined)?.dualApprovalForDeletion ?? []) as {
    resource?: unknown;
    selector?: unknown;
    includeServiceAccounts?: unknown;
  }[];
  const config = Array.isArray(configs) ? configs.find((c) => c.resource === resource) : undefined;
  if (config === undefined || !selectorMatches(config.selector, obj.metadata.labels)) return false;
  if (user.startsWith('system:serviceaccount:')) return config.includeServiceAccounts !== false;
  return true;
}
