/** DELETE of one object and of collections, with meta/v1 DeleteOptions from the body or the query. */
import { invalid } from '../../apimachinery/errors.js';
import { fieldErr, type FieldError } from '../../apimachinery/field.js';
import { isPlainObject } from '../../apimachinery/types.js';
import type { DeleteParams } from '../../registry/generic/store.js';
import { mediaType, parseJson, parseProtobufBody, type ProtobufTarget } from '../decode.js';
import { META_MESSAGES, PROTOBUF_MEDIA_TYPE } from '../../apimachinery/protobuf/index.js';
import { dryRun, int, listParams, str } from '../query.js';
import { admissionHooks, outputOf, send, type ResourceRequest } from './context.js';

const POLICIES = ['Orphan', 'Background', 'Foreground'] as const;

const DELETE_OPTIONS: ProtobufTarget = { kind: 'DeleteOptions', version: 'v1', message: META_MESSAGES.deleteOptions };

function bodyOptions(r: ResourceRequest): Record<string, unknown> {
  const body: unknown = r.req.body;
  if (!Buffer.isBuffer(body) || body.length === 0) return {};
  if (mediaType(r.req.headers['content-type']) === PROTOBUF_MEDIA_TYPE) return parseProtobufBody(body, DELETE_OPTIONS);
  const parsed = parseJson(body.toString('utf8'));
  return isPlainObject(parsed) ? parsed : {};
}

/** DeleteOptions merged from body and query; 422 for invalid values. */
export function deleteParams(r: ResourceRequest): DeleteParams {
  const body = bodyOptions(r);
  const errs: FieldError[] = [];
  const out: DeleteParams = {};
  const policy = (typeof body.propagationPolicy === 'string' ? body.propagationPolicy : undefined) ?? str(r.query, 'propagationPolicy');
  if (policy !== undefined) {
    if ((POLICIES as readonly string[]).includes(policy)) out.propagationPolicy = policy as DeleteParams['propagationPolicy'] & string;
    else errs.push(fieldErr.notSupported('propagationPolicy', policy, POLICIES));
  }
  const grace = typeof body.gracePeriodSeconds === 'number' ? body.gracePeriodSeconds : int(r.query, 'gracePeriodSeconds');
  if (grace !== undefined) out.gracePeriodSeconds = grace;
  if (isPlainObject(body.preconditions)) {
    const { uid, resourceVersion } = body.preconditions;
    out.preconditions = {
      ...(typeof uid === 'string' && { uid }),
      ...(typeof resourceVersion === 'string' && { resourceVersion }),
    };
  }
  if (Array.isArray(body.dryRun) && body.dryRun.length > 0) {
    for (const v of body.dryRun) if (v !== 'All') errs.push(fieldErr.notSupported('dryRun', v, ['All']));
    r.ctx.dryRun = true;
  }
  if (errs.length > 0) throw invalid({ group: 'meta.k8s.io', kind: 'DeleteOptions' }, '', errs);
  return out;
}

export async function handleDelete(r: ResourceRequest): Promise<void> {
  const { format } = outputOf(r, 'object');
  r.ctx.dryRun = r.ctx.dryRun || dryRun(r.query, 'DeleteOptions');
  const params = deleteParams(r);
  const store = r.served.store;
  const result = await store.delete(r.ctx, r.info.name, params, admissionHooks(r, 'DELETE', r.info.name));
  const body = result.deleted ? store.deletedStatus(result.object) : result.object;
  send(r, 200, body, format);
}

export async function handleDeleteCollection(r: ResourceRequest): Promise<void> {
  const { format } = outputOf(r, 'list');
  r.ctx.dryRun = r.ctx.dryRun || dryRun(r.query, 'DeleteOptions');
  const params = deleteParams(r);
  const d = r.served.descriptor;
  const resource = `${d.resource}.${d.group}`;
  const progress = (done: number, total: number) => {
    if (done > 0) r.deps.metrics?.deletedByCollection.inc({ resource });
    // Large collections report progress in the log every 500 objects and at the end.
    if (total >= 500 && (done % 500 === 0 || done === total)) r.deps.log?.info('deletecollection progress', { resource, namespace: r.info.namespace, done, total });
  };
  const list = await r.served.store.deleteCollection(r.ctx, listParams(r.query), params, admissionHooks(r, 'DELETE', ''), progress);
  send(r, 200, list, format);
}
