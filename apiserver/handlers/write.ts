/** POST (create), PUT (update) and PATCH. */
import { badRequest, notFound } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { checkObject, fieldValidationOf, parseBody } from '../decode.js';
import { includeObjectPolicy, negotiate } from '../negotiation.js';
import { parsePatch, patchTypeOf } from '../patch.js';
import { fieldManager, str } from '../query.js';
import { renderObject } from '../render.js';
import { sendJson } from '../respond.js';
import { admissionHooks, type ResourceRequest, type SubresourceCreator } from './context.js';
import { isPlainObject } from '../../apimachinery/types.js';

function rawBody(r: ResourceRequest): Buffer {
  const body: unknown = r.req.body;
  if (Buffer.isBuffer(body) && body.length > 0) return body;
  throw badRequest('the body of the request was empty');
}

/** Decodes and checks the request body as an object of the resource's kind. */
function decodeObject(r: ResourceRequest, optionsKind: string): KubeObject {
  const mode = fieldValidationOf(str(r.query, 'fieldValidation'), optionsKind);
  const { value, text, json } = parseBody(rawBody(r), r.req.headers['content-type']);
  return checkObject(r.served.descriptor, r.served.validator, value, json ? text : undefined, mode, r.ctx.warnings);
}

function respond(r: ResourceRequest, code: number, obj: KubeObject): void {
  const rendering = negotiate(r.req.headers.accept, false);
  const include = includeObjectPolicy(str(r.query, 'includeObject'));
  sendJson(r.res, code, renderObject(r.served.descriptor, obj, rendering, include), r.ctx.warnings);
}

function checkBodyNamespace(r: ResourceRequest, obj: KubeObject): void {
  if (!r.served.descriptor.namespaced) return;
  const ns = obj.metadata.namespace ?? '';
  if (ns !== '' && ns !== r.info.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  obj.metadata.namespace = r.info.namespace;
}

export async function handleCreate(r: ResourceRequest): Promise<void> {
  fieldManager(r.query, 'CreateOptions');
  const obj = decodeObject(r, 'CreateOptions');
  checkBodyNamespace(r, obj);
  const created = await r.served.store.create(r.ctx, obj, admissionHooks(r, 'CREATE', obj.metadata.name ?? ''));
  respond(r, 201, created);
}

export async function handleUpdate(r: ResourceRequest): Promise<void> {
  fieldManager(r.query, 'UpdateOptions');
  const obj = decodeObject(r, 'UpdateOptions');
  checkBodyNamespace(r, obj);
  const strategy = r.subresource?.strategy;
  const { object, created } = await r.served.store.update(
    r.ctx,
    r.info.name,
    async () => structuredClone(obj),
    admissionHooks(r, 'UPDATE', r.info.name),
    strategy === undefined ? {} : { strategy },
  );
  respond(r, created ? 201 : 200, object);
}

export async function handlePatch(r: ResourceRequest): Promise<void> {
  fieldManager(r.query, 'PatchOptions');
  const type = patchTypeOf(r.req.headers['content-type']);
  if (str(r.query, 'force') !== undefined) {
    throw badRequest('force: Forbidden: may not be specified for non-apply patch');
  }
  const mode = fieldValidationOf(str(r.query, 'fieldValidation'), 'PatchOptions');
  const patch = parsePatch(type, rawBody(r));
  const d = r.served.descriptor;
  const strategy = r.subresource?.strategy;
  let warned = false;
  const { object } = await r.served.store.update(
    r.ctx,
    r.info.name,
    async (current) => {
      if (current === undefined) throw notFound({ group: d.group, resource: d.resource }, r.info.name);
      const patched = patch.apply(current);
      // Warnings are collected once, not on every retry of the update loop.
      const sink = warned ? [] : r.ctx.warnings;
      warned = true;
      return checkObject(d, r.served.validator, patched, undefined, mode, sink);
    },
    admissionHooks(r, 'UPDATE', r.info.name),
    strategy === undefined ? {} : { strategy },
  );
  respond(r, 200, object);
}

/** POST on a create-only subresource: the body is parsed here and handed to the subresource's creator. */
export async function handleSubresourceCreate(r: ResourceRequest, creator: SubresourceCreator): Promise<void> {
  const { value } = parseBody(rawBody(r), r.req.headers['content-type']);
  if (!isPlainObject(value)) throw badRequest('the body of the request must be a JSON object');
  const expected = r.subresource?.kind;
  if (expected !== undefined && value.kind !== undefined && value.kind !== '' && value.kind !== expected.kind) {
    throw badRequest(`Object kind in the data (${String(value.kind)}) does not match the expected kind (${expected.kind})`);
  }
  const result = await creator(r, value);
  sendJson(r.res, 201, result, r.ctx.warnings);
}
