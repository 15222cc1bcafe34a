/**
 * The steps every create and update goes through before storage, whatever the kind: system metadata,
 * the strategy's prepare/default/validate hooks, and metadata rules (k8s.io/apiserver rest.BeforeCreate
 * and rest.BeforeUpdate).
 */
import { randomInt, randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { conflict, invalid, OBJECT_MODIFIED, untypedError, type StatusError } from '../../apimachinery/errors.js';
import { fieldErr, Printed, type FieldError } from '../../apimachinery/field.js';
import { parseUint64 } from '../../apimachinery/strconv.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { RequestContext, ResourceDescriptor, Strategy } from '../types.js';

const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const MAX_GENERATE_PREFIX = 58;

/** `generateName` plus five random characters, the prefix cut to 58 characters. */
export function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += NAME_ALPHABET[randomInt(NAME_ALPHABET.length)];
  return prefix.slice(0, MAX_GENERATE_PREFIX) + suffix;
}

/** RFC 3339 UTC timestamp with second precision, as Kubernetes serializes metav1.Time. */
export function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function gk(d: ResourceDescriptor) {
  return { group: d.group, kind: d.kind };
}

function throwIfInvalid(d: ResourceDescriptor, obj: KubeObject, errs: FieldError[]): void {
  if (errs.length > 0) throw invalid(gk(d), obj.metadata.name ?? '', errs);
}

/** Fields that only the server sets, cleared from a create request. */
function resetSystemFields(obj: KubeObject): void {
  const m = obj.metadata;
  m.uid = randomUUID();
  m.creationTimestamp = now();
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  delete m.selfLink;
  if (m.generateName !== undefined && (m.name ?? '') === '') m.name = generateName(m.generateName);
}

/** Metadata collections Go leaves out of its JSON when empty (`omitempty`). */
const OMIT_WHEN_EMPTY = ['labels', 'annotations', 'finalizers', 'ownerReferences', 'managedFields'] as const;

/** Drops empty labels, annotations, finalizers, owner references and managed fields, as kube stores them. */
function dropEmptyMetadata(obj: KubeObject): void {
  const m = obj.metadata as Record<string, unknown>;
  for (const key of OMIT_WHEN_EMPTY) {
    const v = m[key];
    if (v === null || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0)) delete m[key];
  }
}

/**
 * The refusal of a create whose object named `resourceVersion`, as kube-apiserver's storage refuses
 * it after admission: a 500 for a version Go reads as a nonzero uint64; other values are ignored.
 */
export function createdResourceVersionError(resourceVersion: string | undefined): StatusError | undefined {
  const v = parseUint64(resourceVersion ?? '');
  return v.value === undefined || v.value === 0n ? undefined : untypedError('resourceVersion should not be set on objects to be created');
}

/**
 * The refusal of an update (or a create through one) whose object names a resourceVersion Go cannot
 * read as a uint64: kube-apiserver's registry answers strconv's error as a 500.
 */
export function updatedResourceVersionError(resourceVersion: string | undefined): StatusError | undefined {
  if (resourceVersion === undefined || resourceVersion === '') return undefined;
  const v = parseUint64(resourceVersion);
  return v.error === undefined ? undefined : untypedError(v.error);
}

/**
 * The optimistic-concurrency check of an update against the stored object, where kube-apiserver's
 * Store.Update makes it: after mutating admission, before preparation, validation and validating
 * admission, so that a client on a stale version hears 409 whatever else is wrong with its change.
 * Without a resourceVersion the update goes ahead when the strategy allows unconditional updates;
 * otherwise it is refused alone (422 naming the resource, the version printed as Go's `%#v` of a uint64).
 */
export function updateVersionError(d: ResourceDescriptor, strategy: Strategy, obj: KubeObject, current: KubeObject): StatusError | undefined {
  const name = obj.metadata.name ?? '';
  const rv = parseUint64(obj.metadata.resourceVersion ?? '').value ?? 0n;
  if (rv === 0n) {
    if (strategy.allowUnconditionalUpdate) return undefined;
    return invalid({ group: d.group, kind: d.resource }, name, [fieldErr.invalid('metadata.resourceVersion', new Printed('0x0'), 'must be specified for an update')]);
  }
  const stored = parseUint64(current.metadata.resourceVersion ?? '').value;
  return rv === stored ? undefined : conflict({ group: d.group, resource: d.resource }, name, OBJECT_MODIFIED);
}

/**
 * Prepares a new object for storage: system fields, strategy hooks, validation (the strategy validates
 * metadata too, as Kubernetes' per-kind validators do).
 * Throws 400/422 StatusErrors.
 */
export function beforeCreate(d: ResourceDescriptor, strategy: Strategy, obj: KubeObject, ctx: RequestContext): void {
  // Storage sets the resourceVersion; a create naming one is refused later (createdResourceVersionError).
  delete obj.metadata.resourceVersion;
  resetSystemFields(obj);
  // Kinds without generation tracking keep what the client sent, as Kubernetes' BeforeCreate does
  // (only Go's JSON leaves a zero out).
  if (strategy.tracksGeneration) obj.metadata.generation = 1;
  else if (obj.metadata.generation === 0) delete obj.metadata.generation;
  strategy.prepareForCreate(obj, ctx);
  strategy.applyDefaults?.(obj);
  dropEmptyMetadata(obj);
  throwIfInvalid(d, obj, strategy.validate(obj, ctx));
  ctx.warnings.push(...(strategy.warningsOnCreate?.(obj, ctx) ?? []));
  strategy.canonicalize?.(obj);
}

/** The object without metadata and status: what a generation bump compares. */
function specOf(obj: KubeObject): unknown {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

function carryOverMetadata(obj: KubeObject, old: KubeObject, d: ResourceDescriptor): void {
  const m = obj.metadata;
  const o = old.metadata;
  if (o.generation !== undefined) m.generation = o.generation;
  else delete m.generation;
  if ((m.uid ?? '') === '' && o.uid !== undefined) m.uid = o.uid;
  if (o.creationTimestamp) m.creationTimestamp = o.creationTimestamp;
  // An update never removes or changes a deletion timestamp; setting one is refused by validation.
  if (o.deletionTimestamp !== undefined) m.deletionTimestamp = o.deletionTimestamp;
  if (o.deletionGracePeriodSeconds !== undefined && m.deletionGracePeriodSeconds === undefined) {
    m.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
  }
  if (d.namespaced && m.namespace === undefined && o.namespace !== undefined) m.namespace = o.namespace;
  delete m.selfLink;
}

/**
 * Prepares an updated object against `old`, the stored object as the strategy decodes it
 * ({@link Strategy.decodeStored}: upstream prepares and validates two decoded Go structs, so what
 * decoding adds is no change): carries over server-owned metadata, runs the strategy, bumps the
 * generation on spec changes (unless the strategy does), validates, then collects the strategy's
 * warnings. Throws 422 StatusErrors.
 */
export function beforeUpdate(d: ResourceDescriptor, strategy: Strategy, obj: KubeObject, old: KubeObject, ctx: RequestContext): void {
  carryOverMetadata(obj, old, d);
  const errs: FieldError[] = [];
  strategy.prepareForUpdate(obj, old, ctx);
  strategy.applyDefaults?.(obj);
  dropEmptyMetadata(obj);
  if (strategy.tracksGeneration && strategy.preparesGeneration !== true && !isDeepStrictEqual(specOf(obj), specOf(old))) {
    obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
  }
  errs.push(...strategy.validateUpdate(obj, old, ctx));
  throwIfInvalid(d, obj, errs);
  ctx.warnings.push(...(strategy.warningsOnUpdate?.(obj, old, ctx) ?? []));
  strategy.canonicalize?.(obj);
}
