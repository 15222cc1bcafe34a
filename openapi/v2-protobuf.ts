/**
 * `/openapi/v2` in protobuf (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`): the Swagger
 * document as gnostic's `openapi.v2.Document` message (`proto/OpenAPIv2.proto`), which kubectl asks
 * for when it validates a kind it does not find in `/openapi/v3` (a core/v1 Secret in a manifest, say).
 *
 * The message mirrors the JSON with a few shapes of its own: named maps are lists of `{name, value}`,
 * `type` and `items` are lists, parameters and responses are oneofs of a reference or the object (and
 * a parameter of its location), and free-form values (vendor extensions, `default`, `enum`, `example`)
 * are `Any` messages carrying the value as YAML text; JSON is valid YAML, so they carry JSON.
 */
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/**
 * The media type `/openapi/v2` is served in protobuf under; clients may also ask for it by its older
 * name, {@link OPENAPI_V2_PROTOBUF_DEPRECATED} (kubectl 1.32 does), whose `@` Go's MIME parser refuses
 * in a response's Content-Type.
 */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
/** The older name of {@link OPENAPI_V2_PROTOBUF}, accepted in `Accept` only. */
export const OPENAPI_V2_PROTOBUF_DEPRECATED = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

type Json = Record<string, unknown>;
type Message = Record<string, unknown>;

const PROTO_FILE = fileURLToPath(new URL('./proto/OpenAPIv2.proto', import.meta.url));

let documentType: protobuf.Type | undefined;

function documentMessage(): protobuf.Type {
  documentType ??= new protobuf.Root().loadSync(PROTO_FILE, { keepCase: true }).lookupType('openapi.v2.Document');
  return documentType;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const entries = (v: unknown): [string, unknown][] => (isObject(v) ? Object.entries(v) : []);

/** A free-form value as gnostic carries it. */
function any(value: unknown): Message | undefined {
  return value === undefined ? undefined : { yaml: `${JSON.stringify(value)}\n` };
}

/** The `x-` keys of an object, as named `Any` values. */
function extensions(o: Json): Message[] {
  return entries(o)
    .filter(([k]) => k.startsWith('x-'))
    .map(([name, value]) => ({ name, value: any(value) }));
}

/** Copies the listed keys that are present, renamed from camelCase JSON to the message's snake_case. */
function pick(o: Json, keys: readonly string[]): Message {
  const out: Message = {};
  for (const k of keys) if (o[k] !== undefined) out[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = o[k];
  return out;
}

const VALIDATIONS = ['maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'multipleOf'];

function schema(s: Json): Message {
  const out: Message = {
    ...pick(s, ['format', 'title', 'description', ...VALIDATIONS, 'maxProperties', 'minProperties', 'required', 'discriminator', 'readOnly']),
    vendor_extension: extensions(s),
  };
  if (typeof s.$ref === 'string') out._ref = s.$ref;
  if (s.default !== undefined) out.default = any(s.default);
  if (s.example !== undefined) out.example = any(s.example);
  if (Array.isArray(s.enum)) out.enum = s.enum.map(any);
  if (s.type !== undefined) out.type = { value: Array.isArray(s.type) ? s.type : [s.type] };
  if (s.items !== undefined) out.items = { schema: (Array.isArray(s.items) ? s.items : [s.items]).filter(isObject).map(schema) };
  if (Array.isArray(s.allOf)) out.all_of = s.allOf.filter(isObject).map(schema);
  if (s.properties !== undefined) out.properties = { additional_properties: named(s.properties, schema) };
  if (typeof s.additionalProperties === 'boolean') out.additional_properties = { boolean: s.additionalProperties };
  else if (isObject(s.additionalProperties)) out.additional_properties = { schema: schema(s.additionalProperties) };
  return out;
}

function named(map: unknown, convert: (v: Json) => Message): Message[] {
  return entries(map)
    .filter((e): e is [string, Json] => isObject(e[1]))
    .map(([name, value]) => ({ name, value: convert(value) }));
}

function primitives(p: Json): Message {
  const out: Message = { ...pick(p, ['type', 'format', 'collectionFormat', ...VALIDATIONS]), vendor_extension: extensions(p) };
  if (isObject(p.items)) out.items = primitives(p.items);
  if (p.default !== undefined) out.default = any(p.default);
  if (Array.isArray(p.enum)) out.enum = p.enum.map(any);
  return out;
}

/** Where a non-body parameter goes in the `NonBodyParameter` oneof. */
const NON_BODY: Record<string, string> = {
  query: 'query_parameter_sub_schema',
  path: 'path_parameter_sub_schema',
  header: 'header_parameter_sub_schema',
  formData: 'form_data_parameter_sub_schema',
};

function parameter(p: Json): Message {
  if (typeof p.$ref === 'string') return { json_reference: { _ref: p.$ref } };
  if (p.in === 'body') {
    const body: Message = { ...pick(p, ['description', 'name', 'in', 'required']), vendor_extension: extensions(p) };
    if (isObject(p.schema)) body.schema = schema(p.schema);
    return { parameter: { body_parameter: body } };
  }
  const location = NON_BODY[String(p.in)] ?? NON_BODY.query ?? '';
  const sub = { ...primitives(p), ...pick(p, ['required', 'in', 'description', 'name']) };
  if (p.in === 'query' || p.in === 'formData') Object.assign(sub, pick(p, ['allowEmptyValue']));
  return { parameter: { non_body_parameter: { [location]: sub } } };
}

function response(r: Json): Message {
  if (typeof r.$ref === 'string') return { json_reference: { _ref: r.$ref } };
  const out: Message = { ...pick(r, ['description']), vendor_extension: extensions(r) };
  if (isObject(r.schema)) out.schema = { schema: schema(r.schema) };
  return { response: out };
}

function operation(o: Json): Message {
  return {
    ...pick(o, ['tags', 'summary', 'description', 'operationId', 'produces', 'consumes', 'schemes', 'deprecated']),
    parameters: (Array.isArray(o.parameters) ? o.parameters : []).filter(isObject).map(parameter),
    responses: { response_code: named(o.responses, response), vendor_extension: extensions(isObject(o.responses) ? o.responses : {}) },
    vendor_extension: extensions(o),
  };
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

function pathItem(item: Json): Message {
  const out: Message = { vendor_extension: extensions(item) };
  if (typeof item.$ref === 'string') out._ref = item.$ref;
  for (const m of METHODS) if (isObject(item[m])) out[m] = operation(item[m]);
  if (Array.isArray(item.parameters)) out.parameters = item.parameters.filter(isObject).map(parameter);
  return out;
}

function securityDefinition(d: Json): Message {
  return { api_key_security: { ...pick(d, ['type', 'name', 'in', 'description']), vendor_extension: extensions(d) } };
}

/** The gnostic message object of a Swagger 2.0 document. */
export function gnosticDocument(doc: Json): Message {
  const info = isObject(doc.info) ? doc.info : {};
  const out: Message = {
    ...pick(doc, ['swagger', 'host', 'basePath', 'schemes', 'consumes', 'produces']),
    info: { ...pick(info, ['title', 'version', 'description', 'termsOfService']), vendor_extension: extensions(info) },
    paths: { path: named(doc.paths, pathItem), vendor_extension: extensions(isObject(doc.paths) ? doc.paths : {}) },
    definitions: { additional_properties: named(doc.definitions, schema) },
    vendor_extension: extensions(doc),
  };
  const apiKeys = entries(doc.securityDefinitions).filter(([, d]) => isObject(d) && d.type === 'apiKey');
  if (apiKeys.length > 0) out.security_definitions = { additional_properties: apiKeys.map(([name, d]) => ({ name, value: securityDefinition(d as Json) })) };
  if (Array.isArray(doc.security)) {
    out.security = doc.security.filter(isObject).map((req) => ({ additional_properties: entries(req).map(([name, scopes]) => ({ name, value: { value: scopes } })) }));
  }
  return out;
}

/** A Swagger 2.0 document encoded as gnostic's `openapi.v2.Document`. */
export function encodeOpenAPIV2(doc: Json): Uint8Array {
  const type = documentMessage();
  return type.encode(type.fromObject(gnosticDocument(doc))).finish();
}

/** Decodes an `openapi.v2.Document` into its message object (snake_case fields), for checks and tools. */
export function decodeOpenAPIV2(bytes: Uint8Array): Message {
  const type = documentMessage();
  return type.toObject(type.decode(bytes), { defaults: false, arrays: false, longs: Number }) as Message;
}
