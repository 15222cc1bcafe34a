/**
 * The 409 of an apply that conflicts with other managers, as k8s.io/apiserver's `NewConflictError`:
 * reason `Conflict`, one `FieldManagerConflict` cause per field, and a message such as
 * `Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using core.gardener.cloud/v1beta1: .data.k`.
 */
import { StatusError } from '../../apimachinery/errors.js';
import type { StatusCause } from '../../apimachinery/types.js';
import { printManager } from './managed.js';
import { pathString } from './pathelement.js';
import type { Conflict } from './updater.js';

/** Conflicts ordered by owner identity (as upstream groups them in the message), paths in set order. */
function sorted(conflicts: readonly Conflict[]): Conflict[] {
  return conflicts
    .map((c, i) => ({ c, i }))
    .sort((a, b) => (a.c.managerId < b.c.managerId ? -1 : a.c.managerId > b.c.managerId ? 1 : a.i - b.i))
    .map(({ c }) => c);
}

/** The Status message of a set of conflicts. */
export function conflictMessage(conflicts: readonly Conflict[]): string {
  const list = sorted(conflicts);
  const [only] = list;
  if (list.length === 1 && only !== undefined) {
    return `Apply failed with 1 conflict: conflict with ${printManager(only.owner.info)}: ${pathString(only.path)}`;
  }
  const lines: string[] = [];
  let current: string | undefined;
  for (const c of list) {
    if (c.managerId !== current) {
      current = c.managerId;
      lines.push(`conflicts with ${printManager(c.owner.info)}:`);
    }
    lines.push(`- ${pathString(c.path)}`);
  }
  return `Apply failed with ${list.length} conflicts: ${lines.join('\n')}`;
}

/** The 409 Conflict StatusError of an apply with `conflicts` (at least one). */
export function applyConflictError(conflicts: readonly Conflict[]): StatusError {
  const causes: StatusCause[] = sorted(conflicts).map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${printManager(c.owner.info)}`,
    field: pathString(c.path),
  }));
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: conflictMessage(conflicts),
    reason: 'Conflict',
    details: { causes },
    code: 409,
  });
}
