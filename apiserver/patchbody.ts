/**
 * PATCH bodies read as kube-apiserver's patch handler reads them, with its errors (400) and the
 * strict-decoding problems it collects under fieldValidation Warn and Strict:
 *
 * - JSON patch: decoded into its operation struct (`error decoding patch: ...`; unknown or repeated
 *   operation fields as `json patch unknown field "[0].x"`); with Ignore, only as evanphx/json-patch
 *   reads it.
 * - merge patch: decoded into a map (`error decoding patch: ...`, repeated keys); `null` and, with
 *   Ignore, anything that is no object or list is `Invalid JSON Patch`.
 * - strategic merge patch: decoded into a map, errors without a prefix.
 *
 * Every body nests no deeper than {@link MAX_NESTING_DEPTH}.
 */
import { badRequest, type StatusError } from '../apimachinery/errors.js';
import { goJsonSyntaxError, goUnmarshalMapError, goValueKind } from '../apimachinery/gojson.js';
import { exceededDepthMessage, MAX_NESTING_DEPTH, memberCount, scanJson } from '../apimachinery/json.js';
import { isPlainObject } from '../apimachinery/types.js';
import { strictFieldErrors, type StrictTarget } from '../openapi/strictjson.js';
import type { FieldValidation } from './decode.js';

/** A patch body: its value and, under Warn and Strict, the strict-decoding errors of reading it. */
export interface PatchBody {
  value: unknown;
  strictErrors: string[];
  /** The body's text when it writes numbers with a fraction or an exponent (see patchliterals.ts). */
  decimalText?: string;
}

/** evanphx/json-patch's answer to a merge patch that is no document. */
const BAD_JSON_PATCH = 'Invalid JSON Patch';

/** The fields of an operation as kube-apiserver decodes them strictly (`value` is free). */
const JSON_PATCH_OP: NonNullable<StrictTarget['listOfStructs']> = { fields: new Set(['op', 'path', 'from', 'value']), freeField: 'value' };
const OP_STRING_FIELDS = ['op', 'path', 'from'] as const;

/** Whether every number in `v` is finite (JSON.parse reads a number beyond float64 as Infinity). */
function allFinite(v: unknown): boolean {
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(allFinite);
  return isPlainObject(v) ? Object.values(v).every(allFinite) : true;
}

/**
 * Parses a patch body. JSON.parse reads it first; Go's own reading (`goError`: its scanner, a quarter
 * of the parse's cost again) runs only to word a refusal: when the text is no JSON, or, for a body
 * decoded into a map (`intoMap`), when it is no object or holds a number beyond float64. `fail` words
 * the refusals, also of a text nested beyond the limit.
 */
function parseChecked(raw: Buffer, fail: (why: string) => StatusError, goError: (data: Uint8Array) => string | undefined, intoMap: boolean): { value: unknown; repeats: boolean; text: string; decimals: boolean } {
  const text = raw.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e: unknown) {
    throw fail(goError(raw) ?? (e instanceof Error ? e.message : String(e)));
  }
  const shape = scanJson(text);
  // Go's scanner has a depth limit of its own (10,000), worded as a syntax error: past ours, ask it.
  if (shape.depth > MAX_NESTING_DEPTH) throw fail(goError(raw) ?? exceededDepthMessage);
  if (intoMap && !(value === null || (isPlainObject(value) && allFinite(value)))) {
    const why = goError(raw);
    if (why !== undefined) throw fail(why);
  }
  return { value, repeats: shape.members > memberCount(value), text, decimals: shape.decimals };
}

/** Strict errors of `text` when the directive asks for them and the text may have some. */
function strictErrorsOf(text: string, mode: FieldValidation, suspect: boolean, target?: StrictTarget): string[] {
  if (mode === 'Ignore' || !suspect) return [];
  return strictFieldErrors(text, target);
}

/** The first error of decoding a parsed list into kube-apiserver's `[]handlers.jsonPatchOp`. */
function jsonPatchOpsTypeError(value: unknown): string | undefined {
  if (value === null) return undefined;
  if (!Array.isArray(value)) return `json: cannot unmarshal ${goValueKind(value)} into Go value of type []handlers.jsonPatchOp`;
  for (const op of value as unknown[]) {
    if (op === null) continue;
    if (!isPlainObject(op)) return `json: cannot unmarshal ${goValueKind(op)} into Go value of type handlers.jsonPatchOp`;
    for (const field of OP_STRING_FIELDS) {
      const v = op[field];
      if (v !== undefined && v !== null && typeof v !== 'string') return `json: cannot unmarshal ${goValueKind(v)} into Go struct field jsonPatchOp.${field} of type string`;
    }
  }
  return undefined;
}

/** The first error of evanphx/json-patch's DecodePatch for a parsed value. */
function decodePatchError(value: unknown): string | undefined {
  if (value === null) return undefined;
  if (!Array.isArray(value)) return `json: cannot unmarshal ${goValueKind(value)} into Go value of type jsonpatch.Patch`;
  const bad = (value as unknown[]).find((op) => op !== null && !isPlainObject(op));
  return bad === undefined ? undefined : `json: cannot unmarshal ${goValueKind(bad)} into Go value of type jsonpatch.Operation`;
}

/** Whether some operation has a field the operation struct lacks. */
function hasUnknownOpField(ops: unknown): boolean {
  return Array.isArray(ops) && ops.some((op) => isPlainObject(op) && Object.keys(op).some((k) => !JSON_PATCH_OP.fields.has(k)));
}

/** A JSON patch body: a list of operations (`null` is none). */
export function readJsonPatch(raw: Buffer, mode: FieldValidation): PatchBody {
  const prefix = mode === 'Ignore' ? '' : 'error decoding patch: ';
  const fail = (why: string) => badRequest(`${prefix}${why}`);
  const { value, repeats, text, decimals } = parseChecked(raw, fail, goJsonSyntaxError, false);
  const typeError = mode === 'Ignore' ? decodePatchError(value) : jsonPatchOpsTypeError(value);
  if (typeError !== undefined) throw fail(typeError);
  const strict = strictErrorsOf(text, mode, repeats || hasUnknownOpField(value), { listOfStructs: JSON_PATCH_OP });
  return { value: value ?? [], strictErrors: strict.map((e) => `json patch ${e}`), ...(decimals && { decimalText: text }) };
}

/** Ignore mode: what evanphx's MergePatch makes of a body that is no object (a list is the result). */
function mergePatchWithoutDecoding(value: unknown): unknown {
  if (Array.isArray(value)) return value;
  throw badRequest(BAD_JSON_PATCH);
}

/** A merge patch body: an object (with Ignore, a list is passed on as the patched document). */
export function readMergePatch(raw: Buffer, mode: FieldValidation): PatchBody {
  // With Ignore, evanphx/json-patch reads the body without Go's decoding: any syntax error is the same.
  const ignore = mode === 'Ignore';
  const fail = (why: string) => badRequest(ignore ? BAD_JSON_PATCH : `error decoding patch: ${why}`);
  const { value, repeats, text, decimals } = parseChecked(raw, fail, ignore ? goJsonSyntaxError : goUnmarshalMapError, !ignore);
  if (value === null) throw badRequest(BAD_JSON_PATCH);
  const decimalText = decimals ? { decimalText: text } : {};
  if (!isPlainObject(value)) return { value: mergePatchWithoutDecoding(value), strictErrors: [], ...decimalText };
  return { value, strictErrors: strictErrorsOf(text, mode, repeats), ...decimalText };
}

/** A strategic merge patch body: an object (`null` is an empty one). */
export function readStrategicPatch(raw: Buffer, mode: FieldValidation): PatchBody {
  const { value, repeats, text } = parseChecked(raw, badRequest, goUnmarshalMapError, true);
  return { value: value ?? {}, strictErrors: strictErrorsOf(text, mode, repeats) };
}
