/**
 * Strategic merge patch (`application/strategic-merge-patch+json`) as kube-apiserver applies it to
 * built-in kinds, with the patch metadata of the kind's schema.
 */
import type { Definitions, Schema } from '../../openapi/schema.js';
import { PatchError } from './errors.js';
import type { JsonMap } from './json.js';
import { mergeMap } from './merge.js';
import { SchemaPatchMeta } from './meta.js';

export { PatchError } from './errors.js';
export { SchemaPatchMeta, type PatchMeta, type PatchMetaLookup } from './meta.js';

/**
 * Applies `patch` to `original` and returns the result. Both are changed in place: pass copies.
 * @throws PatchError with upstream's text when the patch cannot be applied.
 */
export function strategicMergePatch(original: JsonMap, patch: JsonMap, schema: Schema, definitions: Definitions): JsonMap {
  return mergeMap(original, patch, new SchemaPatchMeta(schema, definitions));
}

export function isPatchError(e: unknown): e is PatchError {
  return e instanceof PatchError;
}
