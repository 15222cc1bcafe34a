/**
 * PATCH bodies: RFC 6902 JSON patch (fast-json-patch), RFC 7396 merge patch, and strategic merge patch
 * (`strategicpatch/`) for the kinds that declare it, as kube-apiserver offers it for built-in kinds and
 * not for custom resources (Garden answers 415 for it, naming the types it accepts).
 *
 * Both are bounded: a JSON patch has at most {@link MAX_JSON_PATCH_OPERATIONS} operations and its
 * `copy` operations may add at most {@link MAX_BODY_BYTES} in total (each copy can double a subtree), and
 * patch bodies nest no deeper than any other body (decode.ts), which bounds the merge's recursion.
 */
import jsonpatch from 'fast-json-patch';
import { badRequest, requestEntityTooLarge, StatusError, unprocessable, unsupportedMediaType } from '../apimachinery/errors.js';
import { isPlainObject, type KubeObject } from '../apimachinery/types.js';
import { metaDefinitions } from '../openapi/meta.js';
import type { Definitions } from '../openapi/schema.js';
import type { ResourceDescriptor } from '../registry/types.js';
import { goJsonMarshal } from '../apimachinery/gojson.js';
import type { IntegerLiteral } from '../openapi/fieldtree.js';
import { MAX_BODY_BYTES, mediaType, type FieldValidation } from './decode.js';
import { applyArrayOperation, goJsonPatchError, goJsonPatchOperation, goOperationReadError, valueAt, withResolvedParents } from './jsonpatch-go.js';
import { readJsonPatch, readMergePatch, readStrategicPatch, type PatchBody } from './patchbody.js';
import { landedLiterals, markDecimals, marshalWithLiterals, type MarkedPatch } from './patchliterals.js';
import { goValue } from './strategicpatch/errors.js';
import { isPatchError, strategicMergePatch, type PatchError } from './strategicpatch/index.js';

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH_YAML = 'application/apply-patch+yaml';
export const PATCH_TYPES = [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH] as const;
export type PatchType = (typeof PATCH_TYPES)[number];

/** The patch types `d` accepts, in kube-apiserver's order. */
export function acceptedPatchTypes(d: Pick<ResourceDescriptor, 'strategicMergePatch'>): string[] {
  return [JSON_PATCH, MERGE_PATCH, ...(d.strategicMergePatch ? [STRATEGIC_MERGE_PATCH] : []), APPLY_PATCH_YAML];
}

/** Most operations in one JSON patch (Kubernetes' limit). */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

/** The patch type of a Content-Type header; 415 for anything `d` does not accept. */
export function patchTypeOf(header: string | undefined, d: Pick<ResourceDescriptor, 'strategicMergePatch'>): PatchType {
  const type = mediaType(header);
  const accepted = acceptedPatchTypes(d);
  if (type !== APPLY_PATCH_YAML && accepted.includes(type)) return type as PatchType;
  throw unsupportedMediaType(accepted);
}

/** A parsed patch, ready to apply to any current object. */
export interface Patch {
  type: PatchType;
  /** Strict-decoding errors of the patch body itself (repeated keys, unknown operation fields), in Go's words. */
  strictErrors: string[];
  apply(current: KubeObject): unknown;
  /**
   * The patch as kube-apiserver shows it in a `patch` field error about `patched`, the object it
   * produced: that object's JSON for JSON and merge patches, the patch map as Go's `%+v` prints it
   * for a strategic merge patch.
   */
  shown(patched: unknown): string;
  /**
   * Applies a copy of the patch to `current` to find the whole numbers it writes as decimals (`600.0`)
   * and where they land, with the result as kube-apiserver shows it (those numbers as written).
   * Absent, or undefined, when the patch writes none (or the copy does not apply).
   */
  decimalLiterals?(current: KubeObject): DecimalLiterals | undefined;
}

/** The whole decimal numbers a patch wrote, where they landed, and the patched object as upstream shows it. */
export interface DecimalLiterals {
  literals: IntegerLiteral[];
  /** The patched object's JSON with those numbers as written (made on demand: a refusal's text). */
  shown(): string;
}

/** Sets `key` as an own data property, also for names such as `__proto__`. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

/**
 * RFC 7396: `patch` merged into `target` (which it mutates and returns when `target` is an object).
 * Null members remove, objects merge, anything else replaces. Every key is an ordinary member,
 * including `constructor`, `hasOwnProperty` and `__proto__`. As in evanphx/json-patch, a list that
 * takes the place of something other than an object loses the null members of the objects in it.
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (Array.isArray(patch) && !isPlainObject(target)) return pruneNulls(patch);
  if (!isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = isPlainObject(target) ? target : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else setOwn(out, key, mergePatch(Object.hasOwn(out, key) ? out[key] : undefined, value));
  }
  return out;
}

/** evanphx/json-patch's pruneNulls: null members of objects go, at any depth; null list items stay. */
function pruneNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === null ? null : pruneNulls(item)));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (item !== null) setOwn(out, key, pruneNulls(item));
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
  for (const [index, sent] of ops.entries()) {
    // evanphx walks to an operation's parents with negative indices too; messages name the pointers as sent.
    const { op, restore } = withResolvedParents(doc, sent);
    const fail = (message: string) => unprocessable(restore(message));
    const unread = goOperationReadError(doc, op);
    if (unread !== undefined) throw fail(unread);
    if (op.op === 'copy') {
      // A bad pointer adds nothing here; applying the operation reports it.
      copied += jsonSize(valueAt(doc, op.from));
      if (copied > MAX_BODY_BYTES) {
        throw unprocessable(`Unable to complete the copy, the accumulated size increase of copy is ${copied}, exceeding the limit ${MAX_BODY_BYTES}`);
      }
    }
    const step = applyArrayOperation(doc, op, (d, o) => jsonpatch.applyOperation(d, o, true, true, true, index).newDocument);
    if (step !== undefined) {
      if ('error' in step) throw fail(step.error);
      doc = step.doc;
      continue;
    }
    const applied = goJsonPatchOperation(doc, op);
    try {
      doc = jsonpatch.applyOperation(doc, applied, true, true, true, index).newDocument;
    } catch (e: unknown) {
      const message = goJsonPatchError(doc, applied);
      if (message !== undefined) throw fail(message);
      throw e;
    }
  }
  return doc;
}

/**
 * A strategic merge patch that cannot be applied, reported as kube-apiserver reports it: malformed
 * directives 400, lists of lists and retainKeys mismatches 422 with its generic text (the detail as the cause). Everything else
 * upstream answers with a 500 carrying the text; here it is the client's mistake, so 400 with that text.
 */
function strategicError(e: PatchError): StatusError {
  if (e.kind === 'invalid') return unprocessable(e.message);
  return badRequest(e.message);
}

/** A kind's definitions together with the meta/v1 ones (ObjectMeta's finalizers and owner references merge too). */
const patchDefinitions = new WeakMap<object, Definitions>();

function definitionsOf(d: Pick<ResourceDescriptor, 'definitions'>): Definitions {
  let defs = patchDefinitions.get(d);
  if (defs === undefined) {
    defs = { ...metaDefinitions, ...d.definitions };
    patchDefinitions.set(d, defs);
  }
  return defs;
}

/** A JSON patch of `ops`. */
function jsonPatchOf(body: PatchBody): Patch {
  const ops = body.value as jsonpatch.Operation[];
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
    throw requestEntityTooLarge(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`);
  }
  const decimalLiterals = decimalLiteralsOf(body, (marked, current) => applyOperations(current, marked as jsonpatch.Operation[]), () => parsedContainers(ops));
  return {
    type: JSON_PATCH,
    strictErrors: body.strictErrors,
    apply: (current) => applyOperations(current, ops),
    shown: goJsonMarshal,
    ...(decimalLiterals !== undefined && { decimalLiterals }),
  };
}

/** {@link applyJsonPatch}, its failures as kube-apiserver's 422s. */
function applyOperations(current: KubeObject, ops: jsonpatch.Operation[]): unknown {
  try {
    return applyJsonPatch(current, ops);
  } catch (e: unknown) {
    if (e instanceof StatusError) throw e;
    throw unprocessable(e instanceof Error ? (e.message.split('\n')[0] ?? e.name) : String(e));
  }
}

/**
 * Which objects of a JSON patch's result Go's patching parsed, and so writes with sorted keys: the root
 * and every object on the way to an operation's `path` or `from`. What an operation adds keeps the
 * order the patch wrote.
 */
function parsedContainers(ops: readonly jsonpatch.Operation[]): (segments: readonly string[]) => boolean {
  const parsed = new Set<string>(['']);
  for (const op of ops as unknown[]) {
    if (!isPlainObject(op)) continue;
    for (const pointer of [op.path, op.from]) {
      if (typeof pointer !== 'string' || pointer === '') continue;
      const segments = pointer.slice(1).split('/').map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'));
      for (let i = 1; i < segments.length; i++) parsed.add(segments.slice(0, i).join('\u0000'));
    }
  }
  return (segments) => parsed.has(segments.join('\u0000'));
}

/**
 * The {@link Patch.decimalLiterals} of a JSON or merge patch body: `applyMarked` applies the marked copy
 * of the body's value to the object; `sortedBy` makes the test of which of the result's objects Go
 * writes sorted (all when absent), once a patch writes such numbers.
 * @throws what applying the marked copy throws: a `test` that fails on numbers' texts fails upstream.
 */
function decimalLiteralsOf(body: PatchBody, applyMarked: (marked: unknown, current: KubeObject) => unknown, sortedBy?: () => (segments: readonly string[]) => boolean): Patch['decimalLiterals'] {
  const text = body.decimalText;
  if (text === undefined) return undefined;
  let marked: MarkedPatch | undefined | null = null;
  let sorted: ((segments: readonly string[]) => boolean) | undefined;
  return (current) => {
    if (marked === null) marked = markDecimals(text);
    if (marked === undefined) return undefined;
    sorted ??= sortedBy?.();
    const found = marked;
    const result = applyMarked(structuredClone(found.value), current);
    return { literals: landedLiterals(result, found, sorted), shown: () => marshalWithLiterals(result, found) };
  };
}

/** A strategic merge patch of `body` along `d`'s schema. */
function strategicPatchOf(body: PatchBody, d: Pick<ResourceDescriptor, 'schema' | 'definitions'>): Patch {
  const map = body.value as Record<string, unknown>;
  return {
    type: STRATEGIC_MERGE_PATCH,
    strictErrors: body.strictErrors,
    apply(current) {
      try {
        return strategicMergePatch(structuredClone(current) as Record<string, unknown>, structuredClone(map), d.schema, definitionsOf(d));
      } catch (e: unknown) {
        if (isPatchError(e)) throw strategicError(e);
        throw e;
      }
    },
    shown: () => goValue(map),
  };
}

/**
 * Parses a patch body of `type` for resource `d` as kube-apiserver reads it under the fieldValidation
 * directive `mode`; 400 when it is not a patch of that type.
 */
export function parsePatch(type: PatchType, raw: Buffer, d: Pick<ResourceDescriptor, 'schema' | 'definitions'>, mode: FieldValidation = 'Warn'): Patch {
  if (type === STRATEGIC_MERGE_PATCH) return strategicPatchOf(readStrategicPatch(raw, mode), d);
  if (type === JSON_PATCH) return jsonPatchOf(readJsonPatch(raw, mode));
  const body = readMergePatch(raw, mode);
  const merge = (value: unknown, current: KubeObject) => (Array.isArray(value) ? value : mergePatch(structuredClone(current), value));
  const apply = (current: KubeObject) => merge(structuredClone(body.value), current);
  const decimalLiterals = decimalLiteralsOf(body, merge);
  return { type, strictErrors: body.strictErrors, apply, shown: goJsonMarshal, ...(decimalLiterals !== undefined && { decimalLiterals }) };
}
