/**
 * Request bodies: parse by Content-Type, check type and kind against the resource, and apply the
 * fieldValidation directive (Strict fails on unknown or duplicate fields, Warn reports them as
 * warnings, Ignore drops them silently). Unknown fields are always pruned before storage.
 */
import { goJsonSyntaxError, typeMetaUnmarshalError } from '../apimachinery/gojson.js';
import { badRequest, invalid, unsupportedMediaType } from '../apimachinery/errors.js';
import { fieldErr } from '../apimachinery/field.js';
import { exceededDepthMessage, MAX_NESTING_DEPTH, memberCount, scanJson } from '../apimachinery/json.js';
import { isPlainObject, type KubeObject } from '../apimachinery/types.js';
import { parseUntrustedYaml } from '../apimachinery/yaml.js';
import { decodeMessage, openEnvelope, PROTOBUF_MEDIA_TYPE, ProtobufError, protobufCodecs } from '../apimachinery/protobuf/index.js';
import type { KindValidator } from '../openapi/validate.js';
import { decodeErrorMessage, formatStrictError, warningTexts } from '../openapi/validate.js';
import { apiVersionOf, type ResourceDescriptor } from '../registry/types.js';

/** Largest accepted request body (Kubernetes' limit). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** The fieldValidation values ValidateFieldValidation accepts, sorted as its message lists them ("" is Warn). */
const FIELD_VALIDATION_VALUES = ['', 'Ignore', 'Strict', 'Warn'];

/** Reads the fieldValidation query parameter (Warn when absent). */
export function fieldValidationOf(value: string | undefined, optionsKind: string): FieldValidation {
  if (value === undefined || value === '') return 'Warn';
  if (value === 'Strict' || value === 'Warn' || value === 'Ignore') return value;
  throw invalid({ group: 'meta.k8s.io', kind: optionsKind }, '', [fieldErr.notSupported('fieldValidation', value, FIELD_VALIDATION_VALUES)]);
}

/** Media type without parameters, lower case. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function jsonParseError(message: string) {
  return badRequest(`couldn't get version/kind; json parse error: ${message}`);
}

/** A parsed JSON body and the object members its text writes (more than the value holds: a repeated key). */
interface ParsedJson {
  value: unknown;
  members: number;
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
  return { value, members: shape.members };
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

/** Go's summary of an unreadable body in decode errors: JSON text or hex, cut at `max` bytes. */
function summarize(data: Buffer, max: number): string {
  if (data.length === 0) return '<empty>';
  const cut = data.subarray(0, max);
  const text = data[0] === 0x7b ? cut.toString('utf8') : cut.toString('hex');
  return data.length > max ? `${text} ...` : text;
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
    throw badRequest(`the object provided is unrecognized (must be of type ${target.kind}): ${e.message} (${summarize(raw, 30)})`);
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
    throw badRequest(`${kind} in version ${JSON.stringify(version)} cannot be handled as a ${target.kind}: ${e.message}`);
  }
}

/**
 * Parses a create/update body by its Content-Type (JSON, YAML, or protobuf when `protobuf` names the
 * target message). `rawJson` is the text of a JSON body that repeats a key, for reporting the
 * duplicates; undefined otherwise.
 */
export function parseBody(raw: Buffer, contentTypeHeader: string | undefined, protobuf?: ProtobufTarget): { value: unknown; rawJson: string | undefined } {
  const type = mediaType(contentTypeHeader);
  if (type === PROTOBUF_MEDIA_TYPE && protobuf !== undefined) return { value: parseProtobufBody(raw, protobuf), rawJson: undefined };
  const text = raw.toString('utf8');
  if (type === 'application/json' || type === '') {
    const { value, members } = parseJsonText(text);
    return { value, rawJson: members > memberCount(value) ? text : undefined };
  }
  if (type === 'application/yaml') {
    try {
      return { value: parseUntrustedYaml(text), rawJson: undefined };
    } catch (e: unknown) {
      throw badRequest(`error converting YAML to JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  throw unsupportedMediaType(['application/json', 'application/yaml', ...(protobuf === undefined ? [] : [PROTOBUF_MEDIA_TYPE])]);
}

/**
 * Checks a decoded body against the kind (apiVersion/kind, schema types, unknown and duplicate fields),
 * prunes unknown fields, and returns it as an object. Warnings go into `warnings`.
 */
export function checkObject(
  d: ResourceDescriptor,
  validator: KindValidator,
  value: unknown,
  rawJson: string | undefined,
  mode: FieldValidation,
  warnings: string[],
): KubeObject {
  if (!isPlainObject(value)) throw badRequest(`the body of the request must be a ${d.kind} object`);
  const typeError = typeMetaUnmarshalError(value);
  if (typeError !== undefined) throw badRequest(typeError);
  const expected = apiVersionOf(d);
  if (value.apiVersion !== undefined && value.apiVersion !== '' && value.apiVersion !== expected) {
    throw badRequest(`the API version in the data (${JSON.stringify(value.apiVersion)}) does not match the expected API version (${expected})`);
  }
  if (value.kind !== undefined && value.kind !== '' && value.kind !== d.kind) {
    throw badRequest(`Object kind in the data (${JSON.stringify(value.kind)}) does not match the expected kind (${d.kind})`);
  }
  if (value.metadata === undefined || value.metadata === null) value.metadata = {};
  const result = validator.check(value, rawJson);
  if (result.typeErrors.length > 0) throw badRequest(decodeErrorMessage(d.kind, d.version, result.typeErrors));
  if (mode === 'Strict' && (result.unknownFields.length > 0 || result.duplicateFields.length > 0)) {
    throw badRequest(formatStrictError(result.unknownFields, result.duplicateFields));
  }
  if (mode === 'Warn') warnings.push(...warningTexts(result.unknownFields, result.duplicateFields));
  validator.prune(value);
  value.apiVersion = expected;
  value.kind = d.kind;
  return value as KubeObject;
}
