/**
 * Request bodies: parse by Content-Type, check type and kind against the resource, and apply the
 * fieldValidation directive (Strict fails on unknown or duplicate fields, Warn reports them as
 * warnings, Ignore drops them silently). Unknown fields are always pruned before storage.
 */
import { bodyKind, parseGroupVersion, undecodableBody, unrecognizedBody, type GroupVersionKind } from '../apimachinery/decoding.js';
import { goJsonMarshal, goJsonSyntaxError, typeMetaTargetError, typeMetaUnmarshalError } from '../apimachinery/gojson.js';
import { badRequest, isStatusError, unsupportedMediaType, type StatusError } from '../apimachinery/errors.js';
import { exceededDepthMessage, MAX_NESTING_DEPTH, memberCount, scanJson } from '../apimachinery/json.js';
import { isPlainObject, type KubeObject } from '../apimachinery/types.js';
import { parseUntrustedYaml } from '../apimachinery/yaml.js';
import { decodeMessage, openEnvelope, PROTOBUF_MEDIA_TYPE, ProtobufError, protobufCodecs } from '../apimachinery/protobuf/index.js';
import type { IntegerLiteral } from '../openapi/fieldtree.js';
import type { CheckResult, KindValidator } from '../openapi/validate.js';
import { decodeErrorMessage, formatStrictError, warningTexts } from '../openapi/validate.js';
import { isGoTyped, kindMismatch } from '../registry/scheme.js';
import { apiVersionOf, type ResourceDescriptor } from '../registry/types.js';

/** Largest accepted request body (Kubernetes' limit). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** The fieldValidation directive of a write, checked by validateWriteOptions (query.ts); Warn when unset. */
export function fieldValidationOf(value: string | undefined): FieldValidation {
  return value === 'Strict' || value === 'Ignore' ? value : 'Warn';
}

/** Media type without parameters, lower case. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function jsonParseError(message: string) {
  return badRequest(`couldn't get version/kind; json parse error: ${message}`);
}

/**
 * A parsed JSON body, the object members its text writes (more than the value holds: a repeated
 * key), and whether it writes numbers with a fraction or an exponent.
 */
interface ParsedJson {
  value: unknown;
  members: number;
  decimals: boolean;
}

function parseJsonText(text: string): ParsedJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e: unknown) {
    throw jsonParseError(goJsonSyntaxError(Buffer.from(text, 'utf8')) ?? (e instanceof Error ? e.message : String(e)));
  }
  const shape = scanJson(text);
  if (shape.depth > MAX_NESTING_DEPTH) throw jsonParseError(exceededDepthMessage);
  return { value, members: shape.members, decimals: shape.decimals };
}

/** Parses JSON text; 400 with the parser's complaint, or when it nests deeper than the limit. */
export function parseJson(text: string): unknown {
  return parseJsonText(text).value;
}

/** The kind a protobuf body must hold, and its message. */
export interface ProtobufTarget {
  kind: string;
  version: string;
  message: string;
}

/**
 * Decodes an enveloped protobuf body into the JSON form of `target`'s kind, with apiVersion and kind
 * from the envelope (checked later, like those of a JSON body).
 * @throws StatusError 400 with kube-apiserver's wording for a body that is not such a message.
 */
export function parseProtobufBody(raw: Buffer, target: ProtobufTarget): Record<string, unknown> {
  let opened;
  try {
    opened = openEnvelope(raw);
  } catch (e: unknown) {
    if (!(e instanceof ProtobufError)) throw e;
    throw unrecognizedBody(target.kind, e.message, raw);
  }
  try {
    const value = decodeMessage(protobufCodecs().message(target.message), opened.raw) as Record<string, unknown>;
    if (opened.apiVersion !== '') value.apiVersion = opened.apiVersion;
    if (opened.kind !== '') value.kind = opened.kind;
    return value;
  } catch (e: unknown) {
    if (!(e instanceof ProtobufError)) throw e;
    const kind = opened.kind === '' ? target.kind : opened.kind;
    const version = opened.apiVersion === '' ? target.version : (opened.apiVersion.split('/').pop() ?? '');
    throw undecodableBody({ kind, version }, target.kind, e.message);
  }
}

/** What a create/update body is decoded as: the expected kind, and its protobuf message when it has one. */
export interface BodyTarget {
  kind: string;
  protobuf?: ProtobufTarget | undefined;
}

/** A create/update body as the decoder reads it before anything checks it against a kind. */
export interface ParsedBody {
  /** The body's object (a `null` body is an empty one, as Go reads it). */
  value: Record<string, unknown>;
  /**
   * The text of a JSON body that repeats a key or writes a number with a fraction or an exponent,
   * for the checks that read the text (duplicates, such numbers in integer fields); undefined otherwise.
   */
  rawJson: string | undefined;
  /** The body as sent. */
  raw: Buffer;
}

/** The JSON a body holds: parsed JSON, or YAML converted. @throws the reason, as Go's decoder words it. */
export function bodyValue(raw: Buffer, type: string): { value: unknown; rawJson: string | undefined } {
  const text = raw.toString('utf8');
  if (type === 'application/json' || type === '') {
    const { value, members, decimals } = parseJsonText(text);
    return { value, rawJson: decimals || members > memberCount(value) ? text : undefined };
  }
  try {
    return { value: parseUntrustedYaml(text), rawJson: undefined };
  } catch (e: unknown) {
    throw badRequest(`error converting YAML to JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Parses a create/update body by its Content-Type (JSON, YAML, or protobuf when `target` names its
 * message) and reads its type meta, as kube-apiserver's decoder does before it knows the body's kind.
 * @throws StatusError 400 `the object provided is unrecognized (must be of type <kind>): <why> (<body>)`
 *   for a body it cannot read that far; 415 for another Content-Type.
 */
export function parseBody(raw: Buffer, contentTypeHeader: string | undefined, target: BodyTarget): ParsedBody {
  const type = mediaType(contentTypeHeader);
  if (type === PROTOBUF_MEDIA_TYPE && target.protobuf !== undefined) return { value: parseProtobufBody(raw, target.protobuf), rawJson: undefined, raw };
  if (type !== 'application/json' && type !== '' && type !== 'application/yaml') {
    throw unsupportedMediaType(['application/json', 'application/yaml', ...(target.protobuf === undefined ? [] : [PROTOBUF_MEDIA_TYPE])]);
  }
  let parsed;
  try {
    parsed = bodyValue(raw, type);
  } catch (e: unknown) {
    if (isStatusError(e)) throw unrecognizedBody(target.kind, e.status.message ?? '', raw);
    throw e;
  }
  const why = typeMetaError(parsed.value);
  if (why !== undefined) throw unrecognizedBody(target.kind, why, raw);
  return { value: isPlainObject(parsed.value) ? parsed.value : {}, rawJson: parsed.rawJson, raw };
}

/** Why the decoder cannot read `value`'s apiVersion and kind (Go's SimpleMetaFactory); undefined when it can (`null` too). */
function typeMetaError(value: unknown): string | undefined {
  if (value === null) return undefined;
  if (!isPlainObject(value)) return typeMetaTargetError(value);
  const typeError = typeMetaUnmarshalError(value);
  if (typeError !== undefined) return typeError;
  const gv = parseGroupVersion(typeof value.apiVersion === 'string' ? value.apiVersion : '');
  return typeof gv === 'string' ? gv : undefined;
}

/** Unknown and duplicate fields of a checked body, as the fieldValidation directive treats them. */
function applyFieldValidation(result: CheckResult, mode: FieldValidation, warnings: string[], fail: (message: string) => StatusError): void {
  if (mode === 'Strict' && (result.unknownFields.length > 0 || result.duplicateFields.length > 0)) {
    throw fail(formatStrictError(result.unknownFields, result.duplicateFields));
  }
  if (mode === 'Warn') warnings.push(...warningTexts(result.unknownFields, result.duplicateFields));
}

/**
 * The kind of a Go-typed kind's create/update body, as the decoder takes it; 400 in the decoder's
 * words when the body names a kind that does not decode into `d`'s type.
 */
function checkGoKind(d: ResourceDescriptor, body: ParsedBody): GroupVersionKind {
  const target = { group: d.group, version: d.version, kind: d.kind };
  const gvk = bodyKind(body.value, target);
  if (typeof gvk === 'string') throw unrecognizedBody(d.kind, gvk, body.raw);
  const why = kindMismatch(gvk, target, () => body.raw.toString('utf8'));
  if (why !== undefined) throw undecodableBody(gvk, d.kind, why);
  return gvk;
}

/** A custom resource's create/update body names its own kind and version (kube-apiserver checks them after decoding). */
function checkCustomResourceKind(d: ResourceDescriptor, value: Record<string, unknown>): void {
  const expected = apiVersionOf(d);
  if (value.apiVersion !== undefined && value.apiVersion !== '' && value.apiVersion !== expected) {
    throw badRequest(`the API version in the data (${JSON.stringify(value.apiVersion)}) does not match the expected API version (${expected})`);
  }
  if (value.kind !== undefined && value.kind !== '' && value.kind !== d.kind) {
    throw badRequest(`Object kind in the data (${JSON.stringify(value.kind)}) does not match the expected kind (${d.kind})`);
  }
}

/**
 * Checks a create/update body against `d` as kube-apiserver's decoder does (its kind, schema types,
 * unknown and duplicate fields), prunes unknown fields and returns it as an object of `d`'s kind.
 * Warnings go into `warnings`.
 * @throws StatusError 400 `<Kind> in version "<v>" cannot be handled as a <d.kind>: <why>` for a body
 *   of another kind, a field of the wrong type and, under Strict, unknown or duplicate fields.
 */
export function checkBody(d: ResourceDescriptor, validator: KindValidator, body: ParsedBody, mode: FieldValidation, warnings: string[]): KubeObject {
  const { value } = body;
  let gvk: GroupVersionKind = { group: d.group, version: d.version, kind: d.kind };
  if (isGoTyped(gvk)) gvk = checkGoKind(d, body);
  else checkCustomResourceKind(d, value);
  const undecodable = (why: string) => undecodableBody(gvk, d.kind, why);
  return decodeChecked(d, validator, value, {
    rawJson: body.rawJson,
    refuse: (typeErrors) => undecodable(typeErrors[0] ?? ''),
    fieldValidation: (result) => applyFieldValidation(result, mode, warnings, undecodable),
  });
}

/** How {@link decodeChecked} treats what the schema check finds. */
interface DecodeSteps {
  /** The request's JSON text (finds repeated keys and integers written as decimals). */
  rawJson?: string | undefined;
  /** Whole numbers written as decimals where a patch put them (see {@link KindValidator.check}). */
  literals?: readonly IntegerLiteral[] | undefined;
  /** The error for an object with type errors (Go's decoder fails on the first). */
  refuse(typeErrors: readonly string[]): StatusError;
  /** Applies the fieldValidation directive to unknown and repeated fields (throws or warns). */
  fieldValidation(result: CheckResult): void;
  /** `keep`: struct fields sent as null stay null (see {@link checkApplyConfiguration}). */
  nullFields?: 'go' | 'keep';
}

/**
 * The steps every decoded object takes once its kind is known: the schema check (a missing `metadata`
 * becomes an empty one), type errors refused, the fieldValidation directive applied, unknown fields
 * pruned, apiVersion and kind set to `d`'s.
 */
function decodeChecked(d: ResourceDescriptor, validator: KindValidator, value: Record<string, unknown>, steps: DecodeSteps): KubeObject {
  if (value.metadata === undefined || value.metadata === null) value.metadata = {};
  const result = validator.check(value, steps.rawJson, steps.literals);
  if (result.typeErrors.length > 0) throw steps.refuse(result.typeErrors);
  steps.fieldValidation(result);
  validator.prune(value, steps.nullFields);
  value.apiVersion = apiVersionOf(d);
  value.kind = d.kind;
  return value as KubeObject;
}

/** How an object a patch produced is checked: the patch's own strict errors, and how a failure is worded. */
export interface PatchedCheck {
  /** Strict-decoding errors of the patch body, reported before the object's. */
  strictErrors: readonly string[];
  /** Report unknown fields sorted (a strategic merge patch's result is decoded by a converter that sorts them). */
  sortUnknownFields: boolean;
  /** The error for a patched object that does not decode, `why` in the decoder's words. */
  fail(why: string): StatusError;
  /** Whole numbers the patch wrote as decimals (`600.0`) and where they are in the patched object. */
  integerLiterals?: readonly IntegerLiteral[];
}

/** Why a Go-typed kind's decoder refuses `value`, a patched object; undefined when it decodes. */
function patchedDecodeError(d: ResourceDescriptor, value: unknown): string | undefined {
  const typeMeta = typeMetaError(value);
  if (typeMeta !== undefined || !isPlainObject(value)) return typeMeta;
  const target = { group: d.group, version: d.version, kind: d.kind };
  const gvk = bodyKind(value, target);
  return typeof gvk === 'string' ? gvk : kindMismatch(gvk, target, () => goJsonMarshal(value));
}

/**
 * Checks an object a patch produced, as kube-apiserver decodes it: a Go-typed kind's decode errors
 * (another kind, type errors) fail through `check.fail`, as do, under Strict, the patch's strict errors
 * and the object's unknown fields; under Warn they become warnings. Prunes unknown fields and returns
 * the object. A custom resource's kind and type errors are 400s, as for other bodies.
 */
export function checkPatched(d: ResourceDescriptor, validator: KindValidator, value: unknown, check: PatchedCheck, mode: FieldValidation, warnings: string[]): KubeObject {
  const goTyped = isGoTyped({ group: d.group, version: d.version, kind: d.kind });
  if (!goTyped) return checkObject(d, validator, value, undefined, mode, warnings, check);
  const why = patchedDecodeError(d, value);
  if (why !== undefined) throw check.fail(why);
  return decodeChecked(d, validator, value as Record<string, unknown>, {
    literals: check.integerLiterals,
    refuse: (typeErrors) => check.fail(typeErrors[0] ?? ''),
    fieldValidation: (result) => applyPatchFieldValidation(result, check, mode, warnings),
  });
}

/** The patch's strict errors and the patched object's unknown fields, as the directive treats them. */
function applyPatchFieldValidation(result: CheckResult, check: PatchedCheck, mode: FieldValidation, warnings: string[]): void {
  const unknown = warningTexts(result.unknownFields, []);
  const errors = [...check.strictErrors, ...(check.sortUnknownFields ? unknown.sort() : unknown)];
  if (errors.length === 0 || mode === 'Ignore') return;
  if (mode === 'Strict') throw check.fail(`strict decoding error: ${errors.join(', ')}`);
  warnings.push(...errors);
}

/**
 * Checks an object a patch or an apply produced against the kind (apiVersion/kind, schema types,
 * unknown fields), prunes unknown fields, and returns it as an object. Warnings go into `warnings`.
 */
export function checkObject(
  d: ResourceDescriptor,
  validator: KindValidator,
  value: unknown,
  rawJson: string | undefined,
  mode: FieldValidation,
  warnings: string[],
  patch?: PatchedCheck,
): KubeObject {
  return checkDecodable(d, validator, value, { rawJson, mode, warnings, patch, nullFields: 'go' });
}

/**
 * Checks a server-side apply configuration as {@link checkObject} checks an object, but keeps the
 * struct fields it sets to null: upstream's field manager takes the configuration as sent, so a null
 * is a field the applier owns, conflicts with another manager's value and replaces it; the merged
 * object is decoded afterwards.
 */
export function checkApplyConfiguration(d: ResourceDescriptor, validator: KindValidator, value: unknown, mode: FieldValidation, warnings: string[]): KubeObject {
  return checkDecodable(d, validator, value, { rawJson: undefined, mode, warnings, patch: undefined, nullFields: 'keep' });
}

interface ObjectCheck {
  rawJson: string | undefined;
  mode: FieldValidation;
  warnings: string[];
  patch: PatchedCheck | undefined;
  nullFields: 'go' | 'keep';
}

function checkDecodable(d: ResourceDescriptor, validator: KindValidator, value: unknown, o: ObjectCheck): KubeObject {
  if (!isPlainObject(value)) throw badRequest(`the body of the request must be a ${d.kind} object`);
  const typeError = typeMetaUnmarshalError(value);
  if (typeError !== undefined) throw badRequest(typeError);
  checkCustomResourceKind(d, value);
  const { patch, mode, warnings } = o;
  return decodeChecked(d, validator, value, {
    rawJson: o.rawJson,
    nullFields: o.nullFields,
    refuse: (typeErrors) => badRequest(decodeErrorMessage(d.kind, d.version, typeErrors)),
    fieldValidation: (result) => {
      if (patch !== undefined) applyPatchFieldValidation(result, patch, mode, warnings);
      else applyFieldValidation(result, mode, warnings, (message) => badRequest(message));
    },
  });
}
