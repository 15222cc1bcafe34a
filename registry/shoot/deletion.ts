/**
 * Gardener's DeletionConfirmation admission for Shoots and Projects: a DELETE is only admitted when the
 * object carries `confirmation.gardener.cloud/deletion` with a true value (Go's strconv.ParseBool: 1, t,
 * T, TRUE, true, True). Otherwise 403 `shoots.core.gardener.cloud "<name>" is forbidden: must have a
 * "confirmation.gardener.cloud/deletion" annotation to delete` (`projects.core.gardener.cloud` alike).
 */
import { forbidden, type StatusError } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { Annotation, GROUP } from './types.js';

const TRUE_VALUES = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

/** The reason text Gardener returns. */
export const DELETION_NOT_CONFIRMED = `must have a ${JSON.stringify(Annotation.ConfirmDeletion)} annotation to delete`;

/** Whether the deletion of `obj` is confirmed by its annotation. */
export function deletionConfirmed(obj: KubeObject): boolean {
  return TRUE_VALUES.has(obj.metadata.annotations?.[Annotation.ConfirmDeletion] ?? '');
}

/**
 * The admission check for DELETE of a Shoot or Project (the stored object) of `resource`: undefined when
 * confirmed, else the 403 to return. Called once per object, also for each item of a deletecollection.
 */
export function checkDeletionConfirmation(obj: KubeObject, resource = 'shoots'): StatusError | undefined {
  if (deletionConfirmed(obj)) return undefined;
  return forbidden({ group: GROUP, resource }, obj.metadata.name ?? '', DELETION_NOT_CONFIRMED);
}
