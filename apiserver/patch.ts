/**
 * PATCH bodies: RFC 6902 JSON patch (fast-json-patch) and RFC 7396 merge patch. Strategic merge patch
 * is not offered for these kinds (none of them is built into kubectl), so it gets 415 like any other
 * unknown patch type.
 *
 * Both are bounded: a JSON patch has at most {@link MAX_JSON_PATCH_OPERATIONS} operations and its
 * `copy` operations may add at most {@link MAX_BODY_BYTES} in total (each copy can double a subtree), and
 * patch bodies nest no deeper than any other body (decode.ts), which bounds the merge's recursion.
 */
import jsonpatch from 'fast-json-patch';
import { badRequest, requestEntityTooLarge, StatusError, unsupportedMediaType } from '../apimachinery/errors.js';
import { isPlainObject, type KubeObject } from '../apimachinery/types.js';
import { MAX_BODY_BYTES, mediaType, parseJson } from './decode.js';

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const PATCH_TYPES = [JSON_PATCH, MERGE_PATCH] as const;
export type PatchType = (typeof PATCH_TYPES)[number];
const ACCEPTED = [JSON_PATCH, MERGE_PATCH, 'application/apply-patch+yaml'] as const;

/** Most operations in one JSON patch (Kubernetes' limit). */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

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

/** Sets `key` as an own data property, also for names such as `__proto__`. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

/**
 * RFC 7396: `patch` merged into `target` (which it mutates and returns when `target` is an object).
 * Null members remove, objects merge, anything else replaces. Every key is an ordinary member,
 * including `constructor`, `hasOwnProperty` and `__proto__`.
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = isPlainObject(target) ? target : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else setOwn(out, key, mergePatch(Object.hasOwn(out, key) ? out[key] : undefined, value));
  }
  return out;
}

/** Size in bytes of `value` as JSON (0 when there is nothing at that pointer). */
function jsonSize(value: unknown): number {
  const text = value === undefined ? undefined : JSON.stringify(value);
  return text === undefined ? 0 : Buffer.byteLength(text);
}

/** Applies `ops` to a copy of `current`, keeping the bytes added by `copy` operations within the limit. */
function applyJsonPatch(current: KubeObject, ops: jsonpatch.Operation[]): unknown {
  let doc: unknown = structuredClone(current);
  let copied = 0;
  for (const [index, op] of ops.entries()) {
    if (op.op === 'copy') {
      let value: unknown;
      try {
        value = jsonpatch.getValueByPointer(doc, op.from);
      } catch {
        value = undefined; // applyOperation reports the bad pointer
      }
      copied += jsonSize(value);
      if (copied > MAX_BODY_BYTES) {
        throw invalidPatch(`Unable to complete the copy, the accumulated size increase of copy is ${copied}, exceeding the limit ${MAX_BODY_BYTES}`);
      }
    }
    doc = jsonpatch.applyOperation(doc, op, true, true, true, index).newDocument;
  }
  return doc;
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
          return applyJsonPatch(current, ops);
        } catch (e: unknown) {
          if (e instanceof StatusError) throw e;
          throw invalidPatch(e instanceof Error ? (e.message.split('\n')[0] ?? e.name) : String(e));
        }
      },
    };
  }
  if (!isPlainObject(body)) throw badRequest('merge patch must be a JSON object');
  return { type, apply: (current) => mergePatch(structuredClone(current), structuredClone(body)) };
}
