/**
 * PATCH bodies: RFC 6902 JSON patch (fast-json-patch) and RFC 7396 merge patch (json-merge-patch).
 * Strategic merge patch is not offered for these kinds (none of them is built into kubectl), so it
 * gets 415 like any other unknown patch type.
 */
import jsonpatch from 'fast-json-patch';
import mergePatch from 'json-merge-patch';
import { badRequest, requestEntityTooLarge, StatusError, unsupportedMediaType } from '../apimachinery/errors.js';
import { isPlainObject, type KubeObject } from '../apimachinery/types.js';
import { mediaType, parseJson } from './decode.js';

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const PATCH_TYPES = [JSON_PATCH, MERGE_PATCH] as const;
export type PatchType = (typeof PATCH_TYPES)[number];
const ACCEPTED = [JSON_PATCH, MERGE_PATCH, 'application/apply-patch+yaml'] as const;

const MAX_JSON_PATCH_OPERATIONS = 10000;

/** The patch type of a Content-Type header; 415 for anything not served. */
export function patchTypeOf(header: string | undefined): PatchType {
  const type = mediaType(header);
  if ((PATCH_TYPES as readonly string[]).includes(type)) return type as PatchType;
  throw unsupportedMediaType(ACCEPTED);
}

/** A parsed patch, ready to apply to any current object. */
export interface Patch {
  type: PatchType;
  apply(current: KubeObject): unknown;
}

function invalidPatch(message: string): StatusError {
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Invalid', code: 422, details: {} });
}

/** Parses a patch body of `type`; 400 when it is not a patch of that type. */
export function parsePatch(type: PatchType, raw: Buffer): Patch {
  const body = parseJson(raw.toString('utf8'));
  if (type === JSON_PATCH) {
    if (!Array.isArray(body)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
    if (body.length > MAX_JSON_PATCH_OPERATIONS) {
      throw requestEntityTooLarge(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${body.length}`);
    }
    const ops = body as jsonpatch.Operation[];
    const err = jsonpatch.validate(ops);
    if (err) throw badRequest(err.message.split('\n')[0] ?? err.name);
    return {
      type,
      apply(current) {
        try {
          return jsonpatch.applyPatch(structuredClone(current), ops, true, true).newDocument;
        } catch (e: unknown) {
          throw invalidPatch(e instanceof Error ? (e.message.split('\n')[0] ?? e.name) : String(e));
        }
      },
    };
  }
  if (!isPlainObject(body)) throw badRequest('merge patch must be a JSON object');
  return { type, apply: (current) => mergePatch.apply(structuredClone(current), body) as unknown };
}
