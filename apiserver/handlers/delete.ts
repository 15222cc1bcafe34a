/** DELETE of one object and of collections, with meta/v1 DeleteOptions from the body or the query. */
import { badRequest, invalid, unsupportedMediaType } from '../../apimachinery/errors.js';
import { bodyKind, groupVersionString, notRegisteredMessage, unknownConversionMessage, type GroupVersionKind } from '../../apimachinery/decoding.js';
import { typeMetaTargetError, typeMetaUnmarshalError } from '../../apimachinery/gojson.js';
import { SCHEME_NAME } from '../../registry/scheme.js';
import { DELETE_OPTIONS as DELETE_OPTIONS_DEFINITION } from '../../openapi/meta.js';
import { ref } from '../../openapi/schema.js';
import { compileKindValidator, type KindValidator } from '../../openapi/validate.js';
import { fieldErr, Printed, type FieldError } from '../../apimachinery/field.js';
import { goStringSliceSyntax } from '../../apimachinery/goquote.js';
import { isPlainObject } from '../../apimachinery/types.js';
import type { DeleteParams } from '../../registry/generic/store.js';
import { bodyValue, mediaType, parseJson, parseProtobufBody, type ProtobufTarget } from '../decode.js';
import { META_MESSAGES, PROTOBUF_MEDIA_TYPE } from '../../apimachinery/protobuf/index.js';
import { bool, int, listParams, str, strs } from '../query.js';
import { admissionHooks, outputOf, send, type ResourceRequest } from './context.js';
import { sendRenderedList } from './read.js';
import { takeBody } from '../audit/index.js';

/** The propagation policies, in the order kube-apiserver lists them (with "nil") when refusing another. */
const POLICIES = ['Foreground', 'Background', 'Orphan'] as const;

const DELETE_OPTIONS: ProtobufTarget = { kind: 'DeleteOptions', version: 'v1', message: META_MESSAGES.deleteOptions };

/** DeleteOptions as their Go type reads them: pointers stay undefined when absent or null. */
interface DeleteOptionsValue {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  orphanDependents?: boolean;
  propagationPolicy?: string;
  dryRun?: string[];
}

/** DeleteOptions' schema as a decoder: Go's type errors for fields of the wrong type (compiled on first use). */
let deleteOptionsValidator: KindValidator | undefined;
function deleteOptionsTypeError(body: Record<string, unknown>): string | undefined {
  deleteOptionsValidator ??= compileKindValidator({ kind: 'DeleteOptions', definitionName: DELETE_OPTIONS_DEFINITION, schema: ref(DELETE_OPTIONS_DEFINITION), definitions: {} });
  return deleteOptionsValidator.check(body).typeErrors[0];
}

/** What DeleteOptions are decoded as: the meta group version the handlers default a body's kind to. */
const DELETE_OPTIONS_KIND: GroupVersionKind = { group: 'meta.k8s.io', version: 'v1', kind: 'DeleteOptions' };

/** Kinds the meta scheme creates for any group version (its unversioned kinds); DeleteOptions among them. */
const META_UNVERSIONED = new Set(['DeleteOptions', 'CreateOptions', 'UpdateOptions', 'Status', 'APIVersions', 'APIGroupList', 'APIGroup', 'APIResourceList']);
/** Kinds the meta scheme registers by group version. */
const META_VERSIONED: Readonly<Record<string, readonly string[]>> = {
  'meta.k8s.io/v1': ['ListOptions', 'GetOptions', 'PatchOptions', 'WatchEvent', 'Table', 'TableOptions', 'PartialObjectMetadata', 'PartialObjectMetadataList'],
  'meta.k8s.io/v1beta1': ['Table', 'TableOptions', 'PartialObjectMetadata', 'PartialObjectMetadataList'],
};

/**
 * Why a DeleteOptions body naming kind `gvk` does not decode, in the words of kube-apiserver's meta
 * scheme: a kind it knows is created and fails to convert, any other is not registered. Undefined
 * for DeleteOptions, in any version.
 */
function deleteOptionsKindError(gvk: GroupVersionKind, text: string): string | undefined {
  if (gvk.version === '') return `Object 'apiVersion' is missing in '${text}'`;
  if (gvk.kind === 'DeleteOptions') return undefined;
  const known = META_UNVERSIONED.has(gvk.kind) || (META_VERSIONED[groupVersionString(gvk)] ?? []).includes(gvk.kind);
  return known ? unknownConversionMessage(`v1.${gvk.kind}`, 'v1.DeleteOptions') : notRegisteredMessage(gvk, SCHEME_NAME);
}

/**
 * The options of a body, decoded as kube-apiserver decodes DeleteOptions. What Go cannot read is a
 * 400 with the decoder's text (kube-apiserver 1.32 passes these errors on as 500s; from 1.35 on it
 * answers 400, the client's mistake).
 */
function bodyOptions(r: ResourceRequest, body: Buffer): DeleteOptionsValue {
  const type = mediaType(r.req.headers['content-type']);
  if (type === PROTOBUF_MEDIA_TYPE) return fromRecord(parseProtobufBody(body, DELETE_OPTIONS));
  // The meta codecs' media types, as kube-apiserver negotiates the body of a delete.
  if (type !== 'application/json' && type !== '' && type !== 'application/yaml') throw unsupportedMediaType(['application/json', 'application/yaml', PROTOBUF_MEDIA_TYPE]);
  const yaml = type === 'application/yaml' ? bodyValue(body, type).value : undefined;
  // Go's YAML decoder converts to JSON first: its messages quote the JSON.
  const text = yaml === undefined ? body.toString('utf8') : JSON.stringify(yaml);
  const parsed = yaml ?? parseJson(text);
  if (parsed === null) return {}; // Go decodes `null` into empty options
  if (!isPlainObject(parsed)) throw badRequest(typeMetaTargetError(parsed));
  const typeMetaError = typeMetaUnmarshalError(parsed);
  if (typeMetaError !== undefined) throw badRequest(typeMetaError);
  const gvk = bodyKind(parsed, DELETE_OPTIONS_KIND);
  const error = typeof gvk === 'string' ? gvk : (deleteOptionsKindError(gvk, text) ?? deleteOptionsTypeError(parsed));
  if (error !== undefined) throw badRequest(error);
  return fromRecord(parsed);
}

function fromRecord(o: Record<string, unknown>): DeleteOptionsValue {
  const out: DeleteOptionsValue = {};
  if (typeof o.gracePeriodSeconds === 'number') out.gracePeriodSeconds = o.gracePeriodSeconds;
  if (typeof o.orphanDependents === 'boolean') out.orphanDependents = o.orphanDependents;
  if (typeof o.propagationPolicy === 'string') out.propagationPolicy = o.propagationPolicy;
  if (Array.isArray(o.dryRun)) out.dryRun = o.dryRun.filter((x): x is string => typeof x === 'string');
  if (isPlainObject(o.preconditions)) {
    const { uid, resourceVersion } = o.preconditions;
    out.preconditions = { ...(typeof uid === 'string' && { uid }), ...(typeof resourceVersion === 'string' && { resourceVersion }) };
  }
  return out;
}

/** The options of the query, read as kube-apiserver reads DeleteOptions parameters. */
function queryOptions(r: ResourceRequest): DeleteOptionsValue {
  const out: DeleteOptionsValue = {};
  const grace = int(r.query, 'gracePeriodSeconds');
  if (grace !== undefined) out.gracePeriodSeconds = grace;
  const orphan = bool(r.query, 'orphanDependents');
  if (orphan !== undefined) out.orphanDependents = orphan;
  const policy = str(r.query, 'propagationPolicy');
  if (policy !== undefined) out.propagationPolicy = policy;
  const dry = strs(r.query, 'dryRun');
  if (dry.length > 0) out.dryRun = dry;
  return out;
}

/**
 * DeleteOptions as kube-apiserver takes them: from the body when there is one, otherwise from the
 * query; validated as its ValidateDeleteOptions does (422). Sets the request's dry-run flag. One
 * deliberate difference: a `dryRun` in the query also counts next to a body (kube-apiserver reads
 * only the body then, and a client that sends both would delete for real what it meant to try).
 */
export function deleteParams(r: ResourceRequest): DeleteParams & { orphanDependents?: boolean } {
  const body = takeBody(r.req);
  const hasBody = body.length > 0;
  const opts = hasBody ? bodyOptions(r, body) : queryOptions(r);
  const queryDryRun = hasBody ? strs(r.query, 'dryRun') : [];
  if (queryDryRun.length > 0) opts.dryRun = [...(opts.dryRun ?? []), ...queryDryRun];
  const errs: FieldError[] = [];
  if (opts.orphanDependents !== undefined && opts.propagationPolicy !== undefined) {
    errs.push(fieldErr.invalid('propagationPolicy', opts.propagationPolicy, 'orphanDependents and deletionPropagation cannot be both set'));
  }
  if (opts.propagationPolicy !== undefined && !(POLICIES as readonly string[]).includes(opts.propagationPolicy)) {
    errs.push(fieldErr.notSupported('propagationPolicy', opts.propagationPolicy, [...POLICIES, 'nil']));
  }
  const dry = opts.dryRun ?? [];
  if (dry.some((v) => v !== 'All')) errs.push(fieldErr.notSupported('dryRun', new Printed(goStringSliceSyntax(dry)), ['All']));
  if (errs.length > 0) throw invalid({ group: 'meta.k8s.io', kind: 'DeleteOptions' }, '', errs);
  r.ctx.dryRun = dry.length > 0;
  const out: DeleteParams & { orphanDependents?: boolean } = {};
  if (opts.propagationPolicy !== undefined) out.propagationPolicy = opts.propagationPolicy as DeleteParams['propagationPolicy'] & string;
  if (opts.gracePeriodSeconds !== undefined) out.gracePeriodSeconds = opts.gracePeriodSeconds;
  if (opts.preconditions !== undefined) out.preconditions = opts.preconditions;
  if (opts.orphanDependents !== undefined) out.orphanDependents = opts.orphanDependents;
  return out;
}

export async function handleDelete(r: ResourceRequest): Promise<void> {
  const { format } = outputOf(r, 'object');
  const { orphanDependents, ...params } = deleteParams(r);
  const store = r.served.store;
  const result = await store.delete(r.ctx, r.info.name, params, admissionHooks(r, 'DELETE', r.info.name));
  const body = result.deleted ? store.deletedStatus(result.object) : result.object;
  // 202 when the object waits for its finalizers and the client asked for cascading deletion the old way.
  send(r, !result.deleted && orphanDependents === false ? 202 : 200, body, format);
}

export async function handleDeleteCollection(r: ResourceRequest): Promise<void> {
  const rendering = outputOf(r, 'list');
  const { orphanDependents: _orphan, ...params } = deleteParams(r);
  const d = r.served.descriptor;
  const resource = `${d.resource}.${d.group}`;
  const progress = (done: number, total: number) => {
    if (done > 0) r.deps.metrics?.deletedByCollection.inc({ resource });
    // Large collections report progress in the log every 500 objects and at the end.
    if (total >= 500 && (done % 500 === 0 || done === total)) r.deps.log?.info('deletecollection progress', { resource, namespace: r.info.namespace, done, total });
  };
  const list = await r.served.store.deleteCollection(r.ctx, listParams(r.query), params, admissionHooks(r, 'DELETE', ''), progress);
  // Answered as a list read is: a Table or metadata-only list when asked for, else the deleted objects.
  await sendRenderedList(r, list, rendering, false);
}
