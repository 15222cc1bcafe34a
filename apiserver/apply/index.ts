/**
 * Server-side apply and managedFields for every write. What the handlers use:
 *
 * - {@link decodeApplyBody} for `application/apply-patch+yaml` PATCHes;
 * - {@link applyPatch} inside the update loop of an apply (creates the object when missing);
 * - {@link trackUpdate} on every other create, update and patch;
 * - {@link defaultManager} for writes without `fieldManager`;
 *
 * The lower layers (field sets, FieldsV1, typed merge and compare) are exported for tests and tools.
 */
export { APPLY_PATCH, checkDuplicateKeys, decodeApplyBody, type DecodedApplyBody, type ExpectedKind } from './body.js';
export { applyConflictError, conflictMessage } from './conflict.js';
export {
  applyPatch,
  checkDeclaredFields,
  defaultManager,
  nowRfc3339,
  trackUpdate,
  type ApplyPatchInput,
  type ApplyPatchResult,
  type FieldManagerKind,
  type TrackUpdateInput,
} from './fieldmanager.js';
export { FieldSet, FieldsV1Error, type FieldsV1 } from './fieldset.js';
export { LAST_APPLIED_ANNOTATION } from './lastapplied.js';
export { decodeManagedFields, encodeManagedFields, ManagedFieldsError, MAX_UPDATE_MANAGERS } from './managed.js';
export { kindType, TypeResolver, type KindSchema, type TypeNode } from './schema.js';
