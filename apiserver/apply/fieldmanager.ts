/**
 * The field manager: `metadata.managedFields` on every write, and server-side apply
 * (k8s.io/apimachinery `managedfields` with its layers: version check, last-applied handling,
 * "before-first-apply", capped Update entries, stripped server-owned metadata, times).
 *
 * - {@link applyPatch}: PATCH with `application/apply-patch+yaml`, creating the object when missing.
 * - {@link trackUpdate}: every other create, update and patch.
 * - {@link defaultManager}: the manager of a write without `fieldManager`, from the User-Agent.
 */
import { isGoPrintable } from '../../apimachinery/goquote.js';
import { isPlainObject, type KubeObject, type ManagedFieldsEntry } from '../../apimachinery/types.js';
import { applyPatchError, typedPatchError } from './errors.js';
import { FieldSet } from './fieldset.js';
import { allowedConflictsFromLastApplied, KUBECTL_MANAGER, updateLastApplied } from './lastapplied.js';
import { capUpdateManagers, decodeManagedFields, encodeManagedFields, isResetManagedFields, managerId, ManagedFieldsError, type Managed, type ManagerInfo } from './managed.js';
import { applyConflictError } from './conflict.js';
import { dropNulls } from './merge.js';
import { fieldElement } from './pathelement.js';
import { kindType, type KindSchema } from './schema.js';
import { undeclaredFields } from './typed.js';
import { ConflictsError, TypedValueError, Updater } from './updater.js';

/** The kind being written; a `ResourceDescriptor` fits. */
export interface FieldManagerKind extends KindSchema {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** Options every field-manager call shares. */
interface CommonInput {
  kind: FieldManagerKind;
  /** Manager name: the `fieldManager` query parameter, or {@link defaultManager} of the User-Agent. */
  manager: string;
  /** Subresource written through (`status`), empty or absent for the main resource. */
  subresource?: string;
  /** RFC 3339 time of the write (seconds); defaults to now. */
  now?: string;
  /**
   * Field paths nobody owns through this endpoint, as upstream's reset fields: e.g. `[['status']]` for
   * the main resource of a kind with a status subresource, `[['spec'], ['metadata']]`-style for status.
   */
  resetFields?: readonly (readonly string[])[];
}

/** Input of {@link applyPatch}. */
export interface ApplyPatchInput extends CommonInput {
  /** The stored object, `undefined` when it does not exist (the apply then creates it). */
  current: KubeObject | undefined;
  /** The decoded and checked configuration (see {@link decodeApplyBody}); not modified. */
  applied: Record<string, unknown>;
  /** The `force` query parameter: take over fields other managers own instead of conflicting. */
  force: boolean;
}

/** What an apply produces. */
export interface ApplyPatchResult {
  /** The object to write, with `metadata.managedFields` set (or removed when nobody owns anything). */
  object: KubeObject;
  managedFields: ManagedFieldsEntry[] | undefined;
  /** Whether the object is new (respond 201). */
  created: boolean;
}

/** Input of {@link trackUpdate}. */
export interface TrackUpdateInput extends CommonInput {
  /** The stored object, `undefined` on create. */
  old: KubeObject | undefined;
  /** The object about to be written, possibly carrying client-set managedFields; its managedFields are replaced. */
  updated: KubeObject;
}

/** Fields only the server sets: never owned (upstream's stripMeta set). */
const STRIPPED = FieldSet.of(
  [fieldElement('apiVersion')],
  [fieldElement('kind')],
  [fieldElement('metadata')],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => [fieldElement('metadata'), fieldElement(f)]),
);

const CURRENT_OPERATION = '{"manager":"current-operation"}';
const BEFORE_FIRST_APPLY = 'before-first-apply';
const MAX_MANAGER_BYTES = 128;

/** RFC 3339 UTC time with second precision, as metav1.Time serializes. */
export function nowRfc3339(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The manager of a write without `fieldManager`: the User-Agent up to the first `/`, without
 * non-printable characters, cut to 128 bytes (`kubectl/v1.32.0 (linux/amd64) ...` -> `kubectl`).
 */
export function defaultManager(userAgent: string | undefined): string {
  const prefix = (userAgent ?? '').split('/')[0] ?? '';
  let out = '';
  for (const ch of prefix) {
    if (!isGoPrintable(ch)) continue;
    if (Buffer.byteLength(out + ch) > MAX_MANAGER_BYTES) break;
    out += ch;
  }
  return out;
}

function apiVersionOf(k: FieldManagerKind): string {
  return k.group === '' ? k.version : `${k.group}/${k.version}`;
}

function resetSet(paths: CommonInput['resetFields']): FieldSet {
  return FieldSet.of(...(paths ?? []).map((p) => p.map(fieldElement)));
}

/** A copy of the object without `metadata.managedFields`. */
function stripManagedFields(obj: KubeObject): KubeObject {
  const { managedFields: _ignored, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/** The object a create starts from (upstream's empty typed object). */
function emptyObject(kind: FieldManagerKind): KubeObject {
  return { apiVersion: apiVersionOf(kind), kind: kind.kind, metadata: {} };
}

/**
 * Sets (or removes) `metadata.managedFields`, at the position the stored object has it: the storage
 * compares bytes, so an unchanged object must keep its key order to be recognized as unchanged.
 */
function setManagedFields(obj: KubeObject, entries: ManagedFieldsEntry[] | undefined, stored: KubeObject | undefined): void {
  const meta = obj.metadata;
  if (entries === undefined || Object.hasOwn(meta, 'managedFields') || stored === undefined || !Object.hasOwn(stored.metadata, 'managedFields')) {
    if (entries === undefined) delete meta.managedFields;
    else meta.managedFields = entries;
    return;
  }
  const storedKeys = Object.keys(stored.metadata);
  const before = new Set(storedKeys.slice(0, storedKeys.indexOf('managedFields')));
  const keys = Object.keys(meta) as (keyof typeof meta)[];
  const out: Record<string, unknown> = {};
  for (const k of keys) if (before.has(k)) out[k] = meta[k];
  out.managedFields = entries;
  for (const k of keys) if (!before.has(k)) out[k] = meta[k];
  obj.metadata = out as KubeObject['metadata'];
}

/**
 * Records a non-apply write by `info` (upstream's managedFieldsUpdater + stripMeta + capManagers): the
 * manager's entry gains what the write changed, with the time of the write; the others lose it.
 */
function recordUpdate(updater: Updater, live: KubeObject, next: KubeObject, managed: Managed, info: ManagerInfo, now: string): Managed {
  const { managers, set: changed } = updater.updateOp(live, next, managed, CURRENT_OPERATION);
  const set = changed.difference(STRIPPED);
  if (!set.empty()) {
    const id = managerId(info);
    const previous = managers.get(id);
    managers.set(id, { info, set: previous === undefined ? set : set.union(previous.set), apiVersion: info.apiVersion, time: now });
  }
  return capUpdateManagers(managers);
}

/**
 * Which managedFields a non-apply write starts from (upstream's `decodeLiveOrNew`): the stored ones for
 * a subresource; none when the client reset them (`[]` or `[{}]`); the client's when they decode and
 * are not empty; otherwise the stored ones.
 */
function startingManaged(live: KubeObject, updated: KubeObject, subresource: boolean): Managed {
  if (subresource) return decodeManagedFields(live.metadata.managedFields);
  const sent: unknown = updated.metadata.managedFields;
  if (isResetManagedFields(sent)) return new Map();
  try {
    const managed = decodeManagedFields(sent);
    if (managed.size > 0) return managed;
  } catch (e: unknown) {
    if (!(e instanceof ManagedFieldsError)) throw e;
  }
  return decodeManagedFields(live.metadata.managedFields);
}

/**
 * Sets `metadata.managedFields` of an object about to be written by a create, update (PUT) or
 * non-apply patch, and returns them (`undefined`: none, the field is removed). The manager gains the
 * fields it added or changed; other managers lose them and everyone loses removed fields. Client-sent
 * managedFields are taken when valid (else dropped), `[]` resets them. An existing object without
 * managedFields stays without (fields are tracked from the first apply on), as upstream does.
 */
export function trackUpdate(input: TrackUpdateInput): ManagedFieldsEntry[] | undefined {
  const { old, updated, kind } = input;
  const live = old ?? emptyObject(kind);
  const subresource = input.subresource ?? '';
  let managed: Managed;
  try {
    managed = startingManaged(live, updated, subresource !== '');
  } catch (e: unknown) {
    if (!(e instanceof ManagedFieldsError)) throw e;
    setManagedFields(updated, undefined, old);
    return undefined;
  }
  if (managed.size === 0 && old !== undefined) {
    setManagedFields(updated, undefined, old);
    return undefined;
  }
  const info: ManagerInfo = { manager: input.manager, operation: 'Update', apiVersion: apiVersionOf(kind), subresource };
  const updater = new Updater(kindType(kind), resetSet(input.resetFields));
  const result = recordUpdate(updater, stripManagedFields(live), stripManagedFields(updated), managed, info, input.now ?? nowRfc3339());
  const entries = encodeManagedFields(result);
  setManagedFields(updated, entries, old);
  return entries;
}

/** Runs the structured apply for `info`; the manager's time is set when the object changed. */
function runApply(updater: Updater, live: KubeObject, applied: Record<string, unknown>, managed: Managed, info: ManagerInfo, force: boolean, now: string) {
  const id = managerId(info);
  const entry = { info, set: new FieldSet(), apiVersion: info.apiVersion, time: managed.get(id)?.time };
  const { object, managers } = updater.apply(live, applied, managed, id, entry, force);
  const mine = managers.get(id);
  if (mine !== undefined) {
    const set = mine.set.difference(STRIPPED);
    if (set.empty()) managers.delete(id);
    else managers.set(id, { ...mine, set, time: object === undefined ? mine.time : now });
  }
  return { object: object as KubeObject | undefined, managers };
}

/** {@link runApply}, allowing `kubectl` to take over fields it wrote by client-side apply. */
function applyWithLastApplied(updater: Updater, live: KubeObject, input: ApplyPatchInput, managed: Managed, info: ManagerInfo, now: string) {
  try {
    return runApply(updater, live, input.applied, managed, info, input.force, now);
  } catch (e: unknown) {
    if (!(e instanceof ConflictsError) || input.manager !== KUBECTL_MANAGER) throw e;
    const allowed = allowedConflictsFromLastApplied(live, kindType(input.kind), info.apiVersion);
    if (allowed === undefined) throw e;
    const remaining = e.conflicts.filter((c) => !allowed.has(c.path));
    if (remaining.length > 0) throw new ConflictsError(remaining);
    return runApply(updater, live, input.applied, managed, info, true, now);
  }
}

/**
 * Refuses an applied configuration that sets fields `kind` does not declare, as upstream's typed
 * conversion does for a Go type's schema: 500 `failed to create typed patch object (<ns>/<name>;
 * <gvk>): .bar: field not declared in schema` (several as `errors:` lines), whatever fieldValidation says.
 */
export function checkDeclaredFields(kind: KindSchema, applied: Record<string, unknown>): void {
  const errors = undeclaredFields(applied, kindType(kind));
  if (errors.length > 0) throw typedPatchError(applied, new TypedValueError(errors));
}

/**
 * Server-side apply: merges the applied configuration into the current object (or a new one) for the
 * manager and returns the object to write with its managedFields. Throws StatusErrors: 409 Conflict
 * with `FieldManagerConflict` causes unless `force`, 400 when the configuration carries
 * managedFields, 500 (as upstream) for list items without keys or with duplicate keys.
 */
export function applyPatch(input: ApplyPatchInput): ApplyPatchResult {
  const { kind, current, applied } = input;
  const meta = applied.metadata;
  if (isPlainObject(meta) && meta.managedFields !== undefined && meta.managedFields !== null) {
    throw applyPatchError(400, 'BadRequest', 'metadata.managedFields must be nil');
  }
  const now = input.now ?? nowRfc3339();
  const info: ManagerInfo = { manager: input.manager, operation: 'Apply', apiVersion: apiVersionOf(kind), subresource: input.subresource ?? '' };
  const updater = new Updater(kindType(kind), resetSet(input.resetFields));
  const live = stripManagedFields(current ?? emptyObject(kind));
  let managed: Managed;
  try {
    managed = decodeManagedFields(current?.metadata.managedFields);
  } catch (e: unknown) {
    throw applyPatchError(500, '', `failed to decode managed fields: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (managed.size === 0) {
    const before: ManagerInfo = { manager: BEFORE_FIRST_APPLY, operation: 'Update', apiVersion: info.apiVersion, subresource: '' };
    managed = recordUpdate(updater, emptyObject(kind), live, managed, before, now);
  }
  let result: { object: KubeObject | undefined; managers: Managed };
  try {
    result = applyWithLastApplied(updater, live, input, managed, info, now);
  } catch (e: unknown) {
    if (e instanceof ConflictsError) throw applyConflictError(e.conflicts);
    if (e instanceof TypedValueError) throw typedPatchError(applied, e);
    throw e;
  }
  const object = (result.object === undefined ? structuredClone(live) : dropNulls(result.object)) as KubeObject;
  updateLastApplied(object, applied, input.manager);
  const managedFields = encodeManagedFields(result.managers);
  setManagedFields(object, managedFields, current);
  return { object, managedFields, created: current === undefined };
}
