/**
 * Request body checks against a kind's schema, compiled once per kind: type errors (ajv), unknown fields
 * and duplicate keys (the resolved field tree), and pruning of unknown fields, which Kubernetes drops
 * from typed objects whatever the fieldValidation directive.
 *
 * Type errors read like Kubernetes' own JSON decode errors, e.g.
 * `json: cannot unmarshal number into Go struct field InternalSecret.data of type []uint8`: the struct
 * named is the innermost named type holding the field, the field path leaves out map keys and list
 * indices (as Go does), and Go type names come from definition names and schema types/formats.
 * Only types are checked here (null is accepted anywhere, as in Go); required fields, enums, patterns
 * and formats are the strategy's validation (422), not decoding (400).
 */
import { parse as parseJsonAst } from '@humanwhocodes/momoa';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { ANY_NODE, fieldAt, FieldTreeBuilder, findDuplicateFields, findIntegerLiterals, findUnknownFields, isIntegerField, pruneUnknownFields, type FieldNode, type IntegerLiteral } from './fieldtree.js';
import { metaDefinitions, OBJECT_META } from './meta.js';
import { QUANTITY_SCHEMAS, ref, type Definitions, type Schema } from './schema.js';
import { normalizeTime, TimeParseError } from '../apimachinery/gotime.js';
import { goQuote } from '../apimachinery/goquote.js';

/** What a validator is compiled from; an {@link OpenAPIResource} fits. */
export interface ValidatorInput {
  kind: string;
  /** Names the kind's Go type in messages (`...v1beta1.InternalSecret` -> `v1beta1.InternalSecret`). */
  definitionName?: string;
  schema: Schema;
  /** Definitions the schema references; the meta definitions are always available. */
  definitions: Definitions;
  /**
   * Whether bodies are decoded into Go types, whose integer fields refuse `600.0` and `1e3` (default);
   * false for a custom resource, whose schema takes any JSON number with an integral value.
   */
  goTyped?: boolean;
}

/** Problems found in one body. Paths are dotted with indices: `spec.items[0].foo`. */
export interface CheckResult {
  /** Decode-style type errors; any of them makes the request a 400. */
  typeErrors: string[];
  /** Paths of fields the schema does not know. */
  unknownFields: string[];
  /** Paths of keys repeated in the raw JSON (only when the raw text is given). */
  duplicateFields: string[];
}

/** The compiled checks of one kind. */
export interface KindValidator {
  readonly kind: string;
  /**
   * Checks a decoded body; does not modify it. `rawJson` (the request text, when it was JSON) enables
   * duplicate-key detection and finds whole numbers written as decimals; `literals` are more of those
   * (where a patch put them). `apiVersion`, `kind` and `metadata` are always known fields.
   */
  check(body: unknown, rawJson?: string, literals?: readonly IntegerLiteral[]): CheckResult;
  /**
   * Makes `body`, in place, what the kind's decoder keeps of it: unknown fields removed (preserve-unknown
   * subtrees and maps are kept), nulls decoded as Go decodes them (see `pruneUnknownFields`); with
   * `nullFields: 'keep'` struct fields sent as null stay null.
   */
  prune(body: unknown, nullFields?: 'go' | 'keep'): void;
}

/** At most this many strict problems are reported, like Kubernetes' decoder. */
const MAX_STRICT_ERRORS = 100;

const ajv = new Ajv({ allErrors: true, verbose: true, strict: false, validateFormats: false, allowUnionTypes: true });

/** metav1.Time values must parse as Go parses them; the error is Go's text. */
ajv.addKeyword({
  keyword: 'goTime',
  type: 'string',
  errors: true,
  validate: function goTime(this: unknown, _schema: unknown, data: string): boolean {
    try {
      normalizeTime(data);
      return true;
    } catch (e: unknown) {
      if (!(e instanceof TimeParseError)) throw e;
      (goTime as unknown as { errors: Partial<ErrorObject>[] }).errors = [{ keyword: 'goTime', message: e.message, params: {} }];
      return false;
    }
  },
});

/** Compiles the checks for one kind. Throws if the schema references a missing definition. */
export function compileKindValidator(input: ValidatorInput): KindValidator {
  const definitions: Definitions = { ...metaDefinitions, ...input.definitions };
  const builder = new FieldTreeBuilder(definitions);
  const root = builder.node(input.schema);
  builder.addTypeMeta(root, true);
  const rootType = input.definitionName !== undefined ? goDefinitionName(input.definitionName) : input.kind;
  const validate = compileTypeCheck(input.schema, definitions);
  const names = { kind: input.kind, rootType };

  return {
    kind: input.kind,
    check(body: unknown, rawJson?: string, literals: readonly IntegerLiteral[] = []): CheckResult {
      const typeErrors = validate(body) ? [] : (validate.errors ?? []).filter((e) => DECODE_KEYWORDS.has(e.keyword)).map((e) => typeError(e, root, names, input.goTyped !== false));
      const unknownFields: string[] = [];
      findUnknownFields(body, root, '', unknownFields);
      const duplicateFields: string[] = [];
      const found = [...literals];
      if (rawJson !== undefined) {
        let ast;
        try {
          ast = parseJsonAst(rawJson, { mode: 'json' }).body;
        } catch (e: unknown) {
          // The caller parsed the same text successfully; a parser disagreement only loses these reports.
          void e;
        }
        if (ast !== undefined) {
          findDuplicateFields(ast, root, '', duplicateFields);
          findIntegerLiterals(ast, root, rawJson, [], found);
        }
      }
      const literalErrors = input.goTyped === false ? [] : found.flatMap((l) => literalError(l, root, names) ?? []);
      return {
        typeErrors: uniqueStrictErrors(decodeOrder(typeErrors, literalErrors)),
        unknownFields: uniqueStrictErrors(unknownFields),
        duplicateFields: uniqueStrictErrors(duplicateFields),
      };
    },
    prune(body: unknown, nullFields: 'go' | 'keep' = 'go'): void {
      pruneUnknownFields(body, root, nullFields === 'go' && input.goTyped !== false);
    },
  };
}

/** `strict decoding error: unknown field "spec.foo", duplicate field "x"` (the fieldValidation=Strict 400). */
export function formatStrictError(unknown: readonly string[], duplicate: readonly string[]): string {
  return `strict decoding error: ${warningTexts(unknown, duplicate).join(', ')}`;
}

/** One strict-decoding problem as the decoder words it, the path quoted as Go's %q quotes it. */
export function strictErrorText(kind: 'unknown' | 'duplicate', path: string): string {
  return `${kind} field ${goQuote(path)}`;
}

/** One text per problem (`unknown field "spec.foo"`, `duplicate field "x"`), for fieldValidation=Warn. */
export function warningTexts(unknown: readonly string[], duplicate: readonly string[]): string[] {
  return [...unknown.map((p) => strictErrorText('unknown', p)), ...duplicate.map((p) => strictErrorText('duplicate', p))];
}

/**
 * The 400 message Kubernetes sends for a body that does not decode:
 * `InternalSecret in version "v1beta1" cannot be handled as a InternalSecret: <first type error>`.
 */
export function decodeErrorMessage(kind: string, version: string, typeErrors: readonly string[]): string {
  return `${kind} in version ${JSON.stringify(version)} cannot be handled as a ${kind}: ${typeErrors[0] ?? 'unknown error'}`;
}

/** Each problem once, at most as many as Kubernetes' decoder reports. */
export function uniqueStrictErrors(list: string[]): string[] {
  return [...new Set(list)].slice(0, MAX_STRICT_ERRORS);
}

/** The ajv keywords whose failures are decode errors: a type, or an integer beyond its Go type. */
const DECODE_KEYWORDS = new Set(['type', 'minimum', 'maximum', 'exclusiveMaximum', 'goTime']);

/**
 * The range of Go's integer types as ajv keywords, by OpenAPI format (int64's maximum as near as a
 * JavaScript number gets: 2^63 is the first double past it).
 */
const INTEGER_BOUNDS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  int32: { minimum: -(2 ** 31), maximum: 2 ** 31 - 1 },
  int64: { minimum: -(2 ** 63), exclusiveMaximum: 2 ** 63 },
};

/** The ajv check: only the type-related keywords of the schema, null allowed everywhere. */
function compileTypeCheck(schema: Schema, definitions: Definitions): ValidateFunction {
  const defs: Record<string, object> = {};
  for (const [name, s] of Object.entries(definitions)) defs[name] = typeOnly(s);
  const typeMeta = { type: 'object', properties: { apiVersion: { type: ['string', 'null'] }, kind: { type: ['string', 'null'] }, metadata: typeOnly(ref(OBJECT_META)) } };
  return ajv.compile({ definitions: defs, allOf: [typeOnly(schema), typeMeta] });
}

function typeOnly(s: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (s.$ref !== undefined) out.$ref = s.$ref;
  if (s.allOf !== undefined) out.allOf = s.allOf.map(typeOnly);
  if (QUANTITY_SCHEMAS.has(s)) out.type = ['number', 'string', 'null'];
  else if (s['x-kubernetes-int-or-string'] === true) Object.assign(out, { type: ['integer', 'string', 'null'] }, INTEGER_BOUNDS.int32);
  else if (s.type !== undefined) out.type = [s.type, 'null'];
  if (s.type === 'string' && s.format === 'date-time') out.goTime = true;
  if (s.type === 'integer') Object.assign(out, INTEGER_BOUNDS[s.format ?? 'int64']);
  const properties: Record<string, unknown> = {};
  for (const [k, p] of Object.entries(s.properties ?? {})) properties[k] = typeOnly(p);
  if (s['x-kubernetes-embedded-resource'] === true) {
    properties.apiVersion ??= { type: ['string', 'null'] };
    properties.kind ??= { type: ['string', 'null'] };
    properties.metadata ??= { $ref: ref(OBJECT_META).$ref };
  }
  if (Object.keys(properties).length > 0) out.properties = properties;
  if (typeof s.additionalProperties === 'object') out.additionalProperties = typeOnly(s.additionalProperties);
  if (s.items !== undefined) out.items = typeOnly(s.items);
  return out;
}

/** `com.example.pkg.apis.core.v1beta1.ShootSpec` -> `v1beta1.ShootSpec` (Go's package.Type). */
export function goDefinitionName(definition: string): string {
  const parts = definition.split('.');
  return parts.slice(-2).join('.');
}

interface Names {
  kind: string;
  rootType: string;
}

/**
 * A decode error in Go's words. `immediate`: Go's decoder stops at it, where it keeps going after
 * other type errors and reports the first: IntOrString decodes its numbers itself, with the standard
 * library, whose error names no field (`json: cannot unmarshal number 1.5 into Go value of type int32`).
 */
interface DecodeError {
  text: string;
  immediate: boolean;
}

function typeError(e: ErrorObject, root: FieldNode, names: Names, goTyped: boolean): DecodeError {
  if (e.keyword === 'goTime') return { text: e.message ?? 'invalid time', immediate: false };
  const segments = e.instancePath === '' ? [] : e.instancePath.split('/').slice(1).map(unescapePointer);
  // Go names the number it could not fit: `number 99999999999`.
  const value = (node: FieldNode) => (e.keyword === 'type' ? jsonValueText(e.data, node) : `number ${String(e.data)}`);
  const node = goTyped ? fieldAt(root, segments) : undefined;
  if (node?.type === 'int-or-string') return { text: intOrStringError(value(node)), immediate: true };
  return { text: goFieldError(segments, root, names, value), immediate: false };
}

/** The error of a whole number written as a decimal (`600.0`) where an integer field is; undefined elsewhere. */
function literalError(l: IntegerLiteral, root: FieldNode, names: Names): DecodeError | undefined {
  const node = fieldAt(root, l.segments);
  if (node?.type === 'int-or-string') return { text: intOrStringError(`number ${l.text}`), immediate: true };
  return isIntegerField(node) ? { text: goFieldError(l.segments, root, names, () => `number ${l.text}`), immediate: false } : undefined;
}

/** IntOrString's own error for a value that is no int32 (`bool`, `number 1.5`). */
function intOrStringError(value: string): string {
  return `json: cannot unmarshal ${value} into Go value of type int32`;
}

/**
 * The decode errors in the order Go reports them: those it stops at first, then the type errors
 * (whole decimals are found by another pass and count only without them).
 */
function decodeOrder(typeErrors: readonly DecodeError[], literalErrors: readonly DecodeError[]): string[] {
  if (typeErrors.length === 0 && literalErrors.length === 0) return [];
  const first = [...typeErrors, ...literalErrors].filter((e) => e.immediate);
  const saved = typeErrors.filter((e) => !e.immediate);
  const rest = saved.length > 0 ? saved : literalErrors.filter((e) => !e.immediate);
  return [...first, ...rest].map((e) => e.text);
}

/**
 * `json: cannot unmarshal <value> into Go struct field <Struct>.<path> of type <type>` for the value at
 * `segments` (keys and indices), `value` describing it given its node.
 */
function goFieldError(segments: readonly string[], root: FieldNode, names: Names, value: (node: FieldNode) => string): string {
  let node = root;
  // Go names the struct type holding the innermost struct field; inline objects keep their parent's name.
  let current = names.kind;
  let struct = names.kind;
  const fieldStack: string[] = [];
  for (const seg of segments) {
    const field = node.shape === 'object' ? node.fields.get(seg) : undefined;
    if (field !== undefined) {
      struct = current;
      fieldStack.push(seg);
      node = field;
    } else if (node.shape === 'object') {
      node = node.values ?? ANY_NODE;
    } else {
      node = node.items ?? ANY_NODE;
    }
    if (node.shape === 'object' && node.definition !== undefined) current = node.definition.split('.').pop() ?? current;
  }
  const target = node === root ? names.rootType : goTypeName(node, 0);
  const text = value(node);
  if (fieldStack.length === 0) return `json: cannot unmarshal ${text} into Go value of type ${target}`;
  return `json: cannot unmarshal ${text} into Go struct field ${struct}.${fieldStack.join('.')} of type ${target}`;
}

function unescapePointer(seg: string): string {
  return seg.replace(/~1/g, '/').replace(/~0/g, '~');
}

function jsonValueText(data: unknown, node: FieldNode): string {
  if (typeof data === 'string') return 'string';
  if (typeof data === 'boolean') return 'bool';
  if (typeof data === 'number') {
    const intTarget = node.type === 'integer' || node.type === 'int-or-string';
    return intTarget && !Number.isInteger(data) ? `number ${String(data)}` : 'number';
  }
  if (Array.isArray(data)) return 'array';
  return 'object';
}

/** A Go-like name of the type a node decodes into. */
export function goTypeName(node: FieldNode, depth: number): string {
  if (node.definition !== undefined) return goDefinitionName(node.definition);
  if (depth > 8) return 'interface {}';
  switch (node.shape) {
    case 'any':
      return 'interface {}';
    case 'array':
      return `[]${node.items === undefined ? 'interface {}' : goTypeName(node.items, depth + 1)}`;
    case 'object':
      return node.values !== undefined ? `map[string]${goTypeName(node.values, depth + 1)}` : node.open ? 'map[string]interface {}' : 'struct';
    case 'scalar':
      return scalarGoType(node);
  }
}

function scalarGoType(node: FieldNode): string {
  switch (node.type) {
    case 'int-or-string':
      return 'intstr.IntOrString';
    case 'string':
      return node.format === 'byte' ? '[]uint8' : 'string';
    case 'integer':
      return node.format === 'int32' ? 'int32' : 'int64';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    default:
      return 'interface {}';
  }
}
