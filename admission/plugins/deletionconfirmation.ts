/**
 * DeletionConfirmation (Gardener's plugin of that name): a Shoot or a Project is only deleted when it
 * carries `confirmation.gardener.cloud/deletion=true`, so a stray `kubectl delete` cannot remove a
 * cluster or a project with all of its clusters. A deletecollection is refused as a whole, deleting
 * nothing, when any object of the resource in the namespace is unconfirmed. On Shoots the plugin
 * maintains `deletion.gardener.cloud/confirmed-by`: the user who set the confirmation, kept while it
 * stays, removed with it, never taken from the request. Where the Project asks for dual approval
 * (`spec.dualApprovalForDeletion`), that user may not also delete.
 */
import { forbidden, type StatusError } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { DELETION_CONFIRMED_BY, DUAL_APPROVAL_REQUIRED, dualApprovalRequired } from '../../registry/project/dualapproval.js';
import { checkDeletionConfirmation, deletionConfirmed } from '../../registry/shoot/deletion.js';
import type { AdmissionAttributes, AdmissionDeps, AdmissionPlugin } from '../types.js';

export const DELETION_CONFIRMATION = 'DeletionConfirmation';

/** The kinds whose deletion must be confirmed. */
const CONFIRMED_RESOURCES: ReadonlySet<string> = new Set(['shoots', 'projects']);

const covered = (attrs: AdmissionAttributes): boolean =>
  attrs.resource.group === 'core.gardener.cloud' && CONFIRMED_RESOURCES.has(attrs.resource.resource) && attrs.subresource === '';

/** Sets, keeps or drops `deletion.gardener.cloud/confirmed-by` on a Shoot being written. */
function maintainConfirmedBy(obj: KubeObject, old: KubeObject | undefined, user: string): void {
  const annotations = { ...(obj.metadata.annotations ?? {}) };
  if (!deletionConfirmed(obj)) delete annotations[DELETION_CONFIRMED_BY];
  else if (old === undefined || !deletionConfirmed(old)) annotations[DELETION_CONFIRMED_BY] = user;
  else annotations[DELETION_CONFIRMED_BY] = old.metadata.annotations?.[DELETION_CONFIRMED_BY] ?? '';
  if (Object.keys(annotations).length > 0) obj.metadata.annotations = annotations;
  else delete obj.metadata.annotations;
}

/** The refusal of deleting `obj`, if any: unconfirmed, or confirmed by the deleting user under dual approval. */
async function refusal(deps: AdmissionDeps, attrs: AdmissionAttributes, obj: KubeObject): Promise<StatusError | undefined> {
  const resource = attrs.resource.resource;
  const unconfirmed = checkDeletionConfirmation(obj, resource);
  if (unconfirmed !== undefined) return unconfirmed;
  const project = resource === 'projects' ? obj : await deps.projectForNamespace(obj.metadata.namespace ?? '');
  const confirmedBy = obj.metadata.annotations?.[DELETION_CONFIRMED_BY];
  if (confirmedBy === attrs.user.name && dualApprovalRequired(project, resource, obj, attrs.user.name)) {
    return forbidden({ group: attrs.resource.group, resource }, obj.metadata.name ?? '', DUAL_APPROVAL_REQUIRED);
  }
  return undefined;
}

/**
 * The errors of several objects in one text, as Go's multierror prints them:
 * `2 errors occurred:\n\t* <first>\n\t* <second>\n\n`.
 */
function joinErrors(errs: readonly StatusError[]): string {
  const head = errs.length === 1 ? '1 error occurred' : `${errs.length} errors occurred`;
  return `${head}:\n\t${errs.map((e) => `* ${e.message}`).join('\n\t')}\n\n`;
}

/** Confirmation on DELETE (each object and each deletecollection as a whole); confirmed-by on Shoot writes. */
export function deletionConfirmation(deps: AdmissionDeps): AdmissionPlugin {
  return {
    name: DELETION_CONFIRMATION,
    operations: ['CREATE', 'UPDATE', 'DELETE'],
    async admit(attrs) {
      if (attrs.operation === 'DELETE' || !covered(attrs) || attrs.resource.resource !== 'shoots' || attrs.object === undefined) return;
      maintainConfirmedBy(attrs.object, attrs.operation === 'UPDATE' ? attrs.oldObject : undefined, attrs.user.name);
    },
    async validate(attrs) {
      if (attrs.operation !== 'DELETE' || !covered(attrs)) return;
      const current = attrs.oldObject ?? attrs.object;
      if (current === undefined) return;
      const err = await refusal(deps, attrs, current);
      if (err !== undefined) throw err;
    },
    async validateCollection(attrs, all) {
      if (!covered(attrs)) return;
      const errs: StatusError[] = [];
      for (const obj of await all()) {
        const err = await refusal(deps, attrs, obj);
        if (err !== undefined) errs.push(err);
      }
      if (errs.length > 0) throw forbidden({ group: attrs.resource.group, resource: attrs.resource.resource }, '', joinErrors(errs));
    },
  };
}
