/** POST (create), PUT (update) and PATCH. */
import { badRequest, conflict, internalError, invalid, notFound } from '../../apimachinery/errors.js';
import { forbiddenError } from '../authz/message.js';
import { fieldErr, Printed } from '../../apimachinery/field.js';
import { goQuote } from '../../apimachinery/goquote.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { checkApplyConfiguration, checkBody, checkPatched, fieldValidationOf, parseBody, type BodyTarget, type FieldValidation, type PatchedCheck } from '../decode.js';
import { UndecodableBodyError } from '../../apimachinery/decoding.js';
import { includeObjectPolicy } from '../negotiation.js';
import { parsePatch, patchTypeOf, STRATEGIC_MERGE_PATCH, type Patch } from '../patch.js';
import { bool, fieldManager, str, validateWriteOptions } from '../query.js';
import { renderObject } from '../render.js';
import { admissionHooks, outputOf, send, type ResourceRequest, type SubresourceCreator } from './context.js';
import { dedupOwnerReferences } from './owner-references.js';
import type { AdmissionHooks } from '../../registry/generic/store.js';
import { protobufMessage } from '../../registry/types.js';
import { APPLY_PATCH, applyPatch, checkDeclaredFields, checkDuplicateKeys, decodeApplyBody, defaultManager, trackUpdate } from '../apply/index.js';
import { isGoTyped } from '../../registry/scheme.js';
import { mediaType } from '../decode.js';
import { takeBody } from '../audit/index.js';

/** The manager of a write: the fieldManager parameter, or the User-Agent's product. */
function managerOf(r: ResourceRequest): string {
  return fieldManager(r.query) ?? defaultManager(r.req.headers['user-agent']);
}

/**
 * Fields nobody owns through this endpoint, as a custom resource's strategy declares them (GetResetFields:
 * `status` through the resource, `spec` through `status`). Gardener's stores declare none: for its Go
 * types, fields the strategy drops are still owned and still conflict.
 */
function resetFieldsOf(r: ResourceRequest): string[][] | undefined {
  if (isGoTyped(r.served.descriptor)) return undefined;
  if (r.info.subresource === 'status') return [['spec']];
  if ((r.info.subresource === '' || r.info.subresource === 'binding') && r.served.descriptor.subresources.some((s) => s.name === 'status')) return [['status']];
  return undefined;
}

function track(r: ResourceRequest, manager: string, old: KubeObject | undefined, updated: KubeObject): void {
  r.served.descriptor.strategy.decode?.(updated);
  const resetFields = resetFieldsOf(r);
  trackUpdate({
    kind: r.served.descriptor,
    manager,
    old,
    updated,
    ...(r.info.subresource !== '' && { subresource: r.info.subresource }),
    ...(resetFields !== undefined && { resetFields }),
  });
}

/** The request body as sent (empty when there is none), taken up for the audit log. */
function rawBody(r: ResourceRequest): Buffer {
  return takeBody(r.req);
}

/** What a body of this request is decoded as: the resource's kind, or the subresource's own, and its protobuf message. */
function bodyTarget(r: ResourceRequest): BodyTarget {
  const message = protobufMessage(r.served.descriptor, r.subresource);
  const { kind, version } = r.subresource?.kind ?? r.served.descriptor;
  return { kind, protobuf: message === undefined ? undefined : { kind, version, message } };
}

/** Decodes and checks the request body as an object of the resource's kind. */
function decodeObject(r: ResourceRequest): KubeObject {
  const mode = fieldValidationOf(str(r.query, 'fieldValidation'));
  const body = parseBody(rawBody(r), r.req.headers['content-type'], bodyTarget(r));
  return checkBody(r.served.descriptor, r.served.validator, body, mode, r.ctx.warnings);
}

function respond(r: ResourceRequest, code: number, obj: KubeObject): void {
  const rendering = outputOf(r, 'object');
  const include = includeObjectPolicy(rendering, str(r.query, 'includeObject'));
  send(r, code, renderObject(r.served.descriptor, obj, rendering, include), rendering.format);
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
  const manager = managerOf(r);
  const obj = decodeObject(r);
  checkBodyNamespace(r, obj);
  dedupOwnerReferences(obj, r.ctx.warnings, false);
  track(r, manager, undefined, obj);
  const created = await r.served.store.create(r.ctx, obj, admissionHooks(r, 'CREATE', obj.metadata.name ?? ''));
  respond(r, 201, created);
}

export async function handleUpdate(r: ResourceRequest): Promise<void> {
  const manager = managerOf(r);
  const obj = decodeObject(r);
  checkBodyNamespace(r, obj);
  if ((obj.metadata.name ?? '') === '') {
    throw badRequest(`the name of the object (${r.info.name} based on URL) was undeterminable: name must be provided`);
  }
  // As kube-apiserver's update handler, before it looks the object up.
  if (obj.metadata.name !== r.info.name) {
    throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${r.info.name})`);
  }
  const strategy = r.subresource?.strategy;
  // As kube-apiserver: a uid in the body is a precondition on the stored object (409 when it differs).
  const uid = obj.metadata.uid ?? '';
  dedupOwnerReferences(obj, r.ctx.warnings, false);
  const { object, created } = await r.served.store.update(
    r.ctx,
    r.info.name,
    async (current) => {
      const next = structuredClone(obj);
      track(r, manager, current, next);
      return next;
    },
    admissionHooks(r, 'UPDATE', r.info.name),
    { ...(strategy !== undefined && { strategy }), ...(uid !== '' && { preconditions: { uid } }) },
  );
  respond(r, created ? 201 : 200, object);
}

/**
 * The permission to create, which kube-apiserver asks for when a patch creates its object: `patch`
 * alone creates nothing. Checked where upstream checks it, after the strategy's validation and before
 * validating admission; refused in the words of any 403 for `create` (ForbiddenStatusError).
 */
async function authorizeCreate(r: ResourceRequest): Promise<void> {
  const info = { ...r.info, verb: 'create' };
  const result = await r.deps.authorizer.authorize({ user: r.user, info });
  if (result.decision === 'allow') return;
  if (result.error !== undefined) throw internalError(result.error);
  throw forbiddenError(r.user, info, result.reason);
}

/** An apply creates or updates: admission sees CREATE when nothing exists yet, UPDATE otherwise. */
function createOrUpdateHooks(r: ResourceRequest): AdmissionHooks {
  const create = admissionHooks(r, 'CREATE', r.info.name);
  const update = admissionHooks(r, 'UPDATE', r.info.name);
  return {
    mutate: async (obj, old) => (old === undefined ? create : update).mutate?.(obj, old),
    validate: async (obj, old) => {
      if (old === undefined) await authorizeCreate(r);
      return (old === undefined ? create : update).validate?.(obj, old);
    },
  };
}

async function handleApply(r: ResourceRequest, manager: string): Promise<void> {
  const d = r.served.descriptor;
  const force = bool(r.query, 'force') ?? false;
  const mode = fieldValidationOf(str(r.query, 'fieldValidation'));
  const { value, duplicateKeys } = decodeApplyBody(rawBody(r), d);
  // A Go type's schema declares every field: upstream's typed conversion refuses others (a 500).
  if (isGoTyped(d)) checkDeclaredFields(d, value);
  const applied = checkApplyConfiguration(d, r.served.validator, value, mode, r.ctx.warnings);
  let checkedKeys = false;
  checkBodyNamespace(r, applied);
  const strategy = r.subresource?.strategy;
  const resetFields = resetFieldsOf(r);
  const { object, created } = await r.served.store.update(
    r.ctx,
    r.info.name,
    async (current) => {
      // A uid names an object that existed: applying it where none exists does not create one.
      const uid = applied.metadata.uid ?? '';
      if (current === undefined && uid !== '') {
        throw conflict({ group: d.group, resource: d.resource }, r.info.name, `uid mismatch: the provided object specified uid ${uid}, and no existing object was found`);
      }
      const result = applyPatch({
        kind: d,
        current,
        applied,
        manager,
        force,
        ...(r.info.subresource !== '' && { subresource: r.info.subresource }),
        ...(resetFields !== undefined && { resetFields }),
      }).object;
      // As upstream, repeated keys are looked for once the configuration applied.
      if (!checkedKeys) checkDuplicateKeys(duplicateKeys, mode, r.ctx.warnings);
      checkedKeys = true;
      dedupOwnerReferences(result, r.ctx.warnings, true);
      return result;
    },
    createOrUpdateHooks(r),
    { ...(strategy !== undefined && { strategy }), forceCreate: r.info.subresource === '' },
  );
  respond(r, created ? 201 : 200, object);
}

/**
 * How the object `patch` produced is checked: a failure is kube-apiserver's 422 on the field `patch`,
 * showing the patch as it was before anything was pruned or normalized.
 */
function patchedCheck(patch: Patch, patched: unknown, current: KubeObject): PatchedCheck {
  // Pruning and decoding change `patched` later; a plain copy now keeps it as it was, and the Go
  // rendering (a quarter of a millisecond for a Shoot) is made only for a refusal.
  const snapshot = JSON.stringify(patched);
  const decimals = patch.decimalLiterals?.(current);
  const shown = (): Printed => new Printed(goQuote(decimals !== undefined ? decimals.shown() : patch.shown(JSON.parse(snapshot))));
  return {
    strictErrors: patch.strictErrors,
    sortUnknownFields: patch.type === STRATEGIC_MERGE_PATCH,
    fail: (why) => invalid({ group: '', kind: '' }, '', [fieldErr.invalid('patch', shown(), why)]),
    ...(decimals !== undefined && { integerLiterals: decimals.literals }),
  };
}

/** Checks and tracks a patched object; the kind's own decoding (durations, quantities, base64) fails as a patch does. */
function decodePatched(r: ResourceRequest, patched: unknown, check: PatchedCheck, mode: FieldValidation, warnings: string[], track: (obj: KubeObject) => void): KubeObject {
  const checked = checkPatched(r.served.descriptor, r.served.validator, patched, check, mode, warnings);
  try {
    track(checked);
  } catch (e: unknown) {
    if (e instanceof UndecodableBodyError) throw check.fail(e.why);
    throw e;
  }
  return checked;
}

export async function handlePatch(r: ResourceRequest): Promise<void> {
  const isApply = mediaType(r.req.headers['content-type']) === APPLY_PATCH;
  const type = isApply ? undefined : patchTypeOf(r.req.headers['content-type'], r.served.descriptor);
  validateWriteOptions(r.query, 'PatchOptions', { apply: isApply });
  const fm = fieldManager(r.query);
  if (type === undefined) {
    await handleApply(r, fm ?? '');
    return;
  }
  const manager = fm ?? defaultManager(r.req.headers['user-agent']);
  const mode = fieldValidationOf(str(r.query, 'fieldValidation'));
  const d = r.served.descriptor;
  const strategy = r.subresource?.strategy;
  let patch: Patch | undefined;
  let warned = false;
  const { object } = await r.served.store.update(
    r.ctx,
    r.info.name,
    async (current) => {
      if (current === undefined) throw notFound({ group: d.group, resource: d.resource }, r.info.name);
      // As kube-apiserver: the body is read once the object is found (a missing one is a 404 whatever it holds).
      patch ??= parsePatch(type, rawBody(r), d, mode);
      const patched = patch.apply(current);
      // Warnings are collected once, not on every retry of the update loop.
      const sink = warned ? [] : r.ctx.warnings;
      warned = true;
      const checked = decodePatched(r, patched, patchedCheck(patch, patched, current), mode, sink, (obj) => {
        dedupOwnerReferences(obj, r.ctx.warnings, true);
        track(r, manager, current, obj);
      });
      return checked;
    },
    admissionHooks(r, 'UPDATE', r.info.name),
    strategy === undefined ? {} : { strategy },
  );
  respond(r, 200, object);
}

/** POST on a create-only subresource: the body is parsed here and handed to the subresource's creator. */
export async function handleSubresourceCreate(r: ResourceRequest, creator: SubresourceCreator): Promise<void> {
  const body = parseBody(rawBody(r), r.req.headers['content-type'], bodyTarget(r));
  const rendering = outputOf(r, 'object');
  const result = await creator(r, body);
  send(r, 201, result, rendering.format);
}
