/**
 * Name and metadata validation with the texts of k8s.io/apimachinery (v0.32): the `is*` checks return
 * bare messages (like `validation.IsDNS1123Subdomain`), the `validate*` functions return field errors
 * (like `api/validation.ValidateObjectMeta`). Lengths are counted in UTF-8 bytes, as Go's `len` does.
 */
import { isDeepStrictEqual } from 'node:util';
import { FieldPath, fieldErr, type FieldError } from './field.js';
import { isGoPrintable } from './goquote.js';
import { parseGroupVersion } from './decoding.js';
import type { ManagedFieldsEntry, ObjectMeta, OwnerReference } from './types.js';

type Path = FieldPath | string;

/** Detail of ValidateImmutableField. */
export const FIELD_IMMUTABLE = 'field is immutable';
/** Total size of all annotation keys and values, in bytes. */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;
export const DNS1123_LABEL_MAX_LENGTH = 63;
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
export const LABEL_VALUE_MAX_LENGTH = 63;
const QUALIFIED_NAME_MAX_LENGTH = 63;
const FIELD_MANAGER_MAX_LENGTH = 128;
const SUBRESOURCE_MAX_LENGTH = 256;

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const CONFIG_MAP_KEY_FMT = '[-._a-zA-Z0-9]+';
const QUALIFIED_NAME_ERR = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

const anchored = (fmt: string): RegExp => new RegExp(`^${fmt}$`);
const dns1123LabelRe = anchored(DNS1123_LABEL_FMT);
const dns1123SubdomainRe = anchored(DNS1123_SUBDOMAIN_FMT);
const qualifiedNameRe = anchored(QUALIFIED_NAME_FMT);
const labelValueRe = anchored(LABEL_VALUE_FMT);
const configMapKeyRe = anchored(CONFIG_MAP_KEY_FMT);

/** Length in bytes, as Go's `len(string)`. */
export function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** `must be no more than N characters` (validation.MaxLenError). */
export function maxLenError(length: number): string {
  return `must be no more than ${length} characters`;
}

/** `must be non-empty` (validation.EmptyError). */
export function emptyError(): string {
  return 'must be non-empty';
}

/** `<msg> (e.g. 'a',  or 'b', regex used for validation is '<fmt>')` (validation.RegexError). */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  const eg = examples.map((e) => `'${e}', `).join(' or ');
  return `${msg} (e.g. ${eg}regex used for validation is '${fmt}')`;
}

/** An RFC 1123 label: at most 63 characters of `[a-z0-9-]`, alphanumeric at both ends. */
export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1123_LABEL_MAX_LENGTH) errs.push(maxLenError(DNS1123_LABEL_MAX_LENGTH));
  if (!dns1123LabelRe.test(value)) {
    if (dns1123SubdomainRe.test(value)) errs.push('must not contain dots');
    else {
      const msg = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
      errs.push(regexError(msg, DNS1123_LABEL_FMT, 'my-name', '123-abc'));
    }
  }
  return errs;
}

/** An RFC 1123 subdomain: at most 253 characters, dot-separated labels. */
export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!dns1123SubdomainRe.test(value)) {
    const msg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
    errs.push(regexError(msg, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  }
  return errs;
}

/** A qualified name (label and annotation keys, finalizers): `[prefix/]name`. */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) name = value;
  else if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    name = parts[1] ?? '';
    if (prefix.length === 0) errs.push(`prefix part ${emptyError()}`);
    else errs.push(...isDNS1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    const re = regexError(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc');
    return [`a qualified name ${re} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  if (name.length === 0) errs.push(`name part ${emptyError()}`);
  else if (byteLength(name) > QUALIFIED_NAME_MAX_LENGTH) errs.push(`name part ${maxLenError(QUALIFIED_NAME_MAX_LENGTH)}`);
  if (!qualifiedNameRe.test(name)) {
    errs.push(`name part ${regexError(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  }
  return errs;
}

/** A label value: empty, or at most 63 characters of `[-A-Za-z0-9_.]`, alphanumeric at both ends. */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > LABEL_VALUE_MAX_LENGTH) errs.push(maxLenError(LABEL_VALUE_MAX_LENGTH));
  if (!labelValueRe.test(value)) {
    const msg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    errs.push(regexError(msg, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  }
  return errs;
}

/** A ConfigMap or Secret data key: at most 253 characters of `[-._a-zA-Z0-9]`, not `.`/`..`/`..*`. */
export function isConfigMapKey(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!configMapKeyRe.test(value)) {
    const msg = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";
    errs.push(regexError(msg, CONFIG_MAP_KEY_FMT, 'key.name', 'KEY_NAME', 'key-name'));
  }
  if (value === '.') errs.push("must not be '.'");
  else if (value === '..') errs.push("must not be '..'");
  else if (value.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

/**
 * Validates a name (`prefix` false) or a generateName prefix (`prefix` true, trailing dash allowed);
 * returns messages (api/validation.ValidateNameFunc).
 */
export type NameValidator = (name: string, prefix: boolean) => string[];

/** A generateName may end in `-`: mask it the way Kubernetes does before checking. */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
}

/** Names that must be DNS-1123 subdomains (most kinds, InternalSecret included). */
export const nameIsDNSSubdomain: NameValidator = (name, prefix) =>
  isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);

/** Names that must be DNS-1123 labels (namespaces). */
export const nameIsDNSLabel: NameValidator = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);

/** Namespace names. */
export const validateNamespaceName: NameValidator = nameIsDNSLabel;

/** Names usable as a URL path segment (path.ValidatePathSegmentName, the store's common name check). */
export const validatePathSegmentName: NameValidator = (name, prefix) => {
  if (!prefix) {
    for (const bad of ['.', '..']) if (name === bad) return [`may not be '${bad}'`];
  }
  return ['/', '%'].filter((c) => name.includes(c)).map((c) => `may not contain '${c}'`);
};

/** Label keys and values, each error at the map's path (v1validation.ValidateLabels). */
export function validateLabels(labels: Readonly<Record<string, string>> | undefined, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const msg of isQualifiedName(k)) errs.push(fieldErr.invalid(path, k, msg));
    for (const msg of isValidLabelValue(String(v))) errs.push(fieldErr.invalid(path, v, msg));
  }
  return errs;
}

/** Annotation keys (qualified names, case-insensitive) and their total size. */
export function validateAnnotations(annotations: Readonly<Record<string, string>> | undefined, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(fieldErr.invalid(path, k, msg));
    total += byteLength(k) + byteLength(String(v));
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(fieldErr.tooLong(path, '', TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

/** Group and version of an apiVersion, as schema.ParseGroupVersion (empty on a malformed one). */
function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const gv = parseGroupVersion(apiVersion);
  return typeof gv === 'string' ? { group: '', version: '' } : gv;
}

function validateOwnerReference(ref: OwnerReference, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const gv = splitApiVersion(ref.apiVersion ?? '');
  if (gv.version === '') errs.push(fieldErr.invalid(path.child('apiVersion'), ref.apiVersion ?? '', 'version must not be empty'));
  if ((ref.kind ?? '') === '') errs.push(fieldErr.invalid(path.child('kind'), ref.kind ?? '', 'must not be empty'));
  if ((ref.name ?? '') === '') errs.push(fieldErr.invalid(path.child('name'), ref.name ?? '', 'must not be empty'));
  if ((ref.uid ?? '') === '') errs.push(fieldErr.invalid(path.child('uid'), ref.uid ?? '', 'must not be empty'));
  if (gv.group === '' && gv.version === 'v1' && ref.kind === 'Event') {
    errs.push(fieldErr.invalid(path, ref, '/v1, Kind=Event is disallowed from being an owner'));
  }
  return errs;
}

/** Owner references: required parts, no Event owners, at most one controller. */
export function validateOwnerReferences(refs: readonly OwnerReference[] | undefined, path: Path): FieldError[] {
  const p = typeof path === 'string' ? FieldPath.of(path) : path;
  const errs: FieldError[] = [];
  let firstController = '';
  for (const ref of refs ?? []) {
    errs.push(...validateOwnerReference(ref, p));
    if (ref.controller !== true) continue;
    const current = `${ref.kind}/${ref.name}`;
    if (firstController === '') firstController = current;
    else {
      const detail = `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`;
      errs.push(fieldErr.invalid(p, refs, detail));
    }
  }
  return errs;
}

/** Finalizer names (qualified names), and orphan/foreground not together. */
export function validateFinalizers(finalizers: readonly string[] | undefined, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of finalizers ?? []) {
    for (const msg of isQualifiedName(f)) errs.push(fieldErr.invalid(path, f, msg));
  }
  if (finalizers?.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    errs.push(fieldErr.invalid(path, finalizers, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

/** A field manager name: at most 128 bytes, printable characters only. */
export function validateFieldManager(manager: string, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  if (byteLength(manager) > FIELD_MANAGER_MAX_LENGTH) errs.push(fieldErr.tooLong(path, manager, FIELD_MANAGER_MAX_LENGTH));
  let offset = 0;
  for (const ch of manager) {
    if (!isGoPrintable(ch)) {
      const code = (ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
      errs.push(fieldErr.invalid(path, manager, `invalid character U+${code} (at position ${offset})`));
    }
    offset += byteLength(ch);
  }
  return errs;
}

/** managedFields entries: operation, fieldsType, manager, subresource. */
export function validateManagedFields(entries: readonly ManagedFieldsEntry[] | undefined, path: Path): FieldError[] {
  const p = typeof path === 'string' ? FieldPath.of(path) : path;
  const errs: FieldError[] = [];
  (entries ?? []).forEach((e, i) => {
    const at = p.index(i);
    if (e.operation !== 'Apply' && e.operation !== 'Update') {
      errs.push(fieldErr.invalid(at.child('operation'), e.operation ?? '', 'must be `Apply` or `Update`'));
    }
    if ((e.fieldsType ?? '') !== '' && e.fieldsType !== 'FieldsV1') {
      errs.push(fieldErr.invalid(at.child('fieldsType'), e.fieldsType, 'must be `FieldsV1`'));
    }
    errs.push(...validateFieldManager(e.manager ?? '', at.child('manager')));
    if (byteLength(e.subresource ?? '') > SUBRESOURCE_MAX_LENGTH) {
      errs.push(fieldErr.tooLong(at.child('subresource'), e.subresource, SUBRESOURCE_MAX_LENGTH));
    }
  });
  return errs;
}

/** `Invalid value: <new>: field is immutable` when the values differ (undefined and null are equal). */
export function validateImmutableField(newValue: unknown, oldValue: unknown, path: Path): FieldError[] {
  if (isDeepStrictEqual(newValue ?? null, oldValue ?? null)) return [];
  return [fieldErr.invalid(path, newValue ?? null, FIELD_IMMUTABLE)];
}

/** `must be greater than or equal to 0`. */
export function validateNonNegative(value: number, path: Path): FieldError[] {
  return value < 0 ? [fieldErr.invalid(path, value, 'must be greater than or equal to 0')] : [];
}

/** How ObjectMeta is checked on create. */
export interface ObjectMetaOptions {
  /** Namespace required (true) or forbidden (false). */
  namespaced: boolean;
  /** Rule for `name` (and, with prefix=true, `generateName`). */
  nameFn: NameValidator;
}

/** Parts of ObjectMeta validated the same on create and update. */
function validateMetaCommon(meta: ObjectMeta, path: FieldPath): FieldError[] {
  return [
    ...validateLabels(meta.labels, path.child('labels')),
    ...validateAnnotations(meta.annotations, path.child('annotations')),
    ...validateOwnerReferences(meta.ownerReferences, path.child('ownerReferences')),
  ];
}

/**
 * ObjectMeta on create (ValidateObjectMeta): generateName and name by `nameFn`, name required,
 * namespace required or forbidden, generation, labels, annotations, owners, finalizers, managedFields.
 */
export function validateObjectMeta(meta: ObjectMeta, opts: ObjectMetaOptions, path: FieldPath = FieldPath.of('metadata')): FieldError[] {
  const errs: FieldError[] = [];
  const generateName = meta.generateName ?? '';
  if (generateName !== '') {
    for (const msg of opts.nameFn(generateName, true)) errs.push(fieldErr.invalid(path.child('generateName'), generateName, msg));
  }
  const name = meta.name ?? '';
  if (name === '') errs.push(fieldErr.required(path.child('name'), 'name or generateName is required'));
  else for (const msg of opts.nameFn(name, false)) errs.push(fieldErr.invalid(path.child('name'), name, msg));
  const namespace = meta.namespace ?? '';
  if (opts.namespaced && namespace === '') errs.push(fieldErr.required(path.child('namespace')));
  else if (opts.namespaced) {
    for (const msg of validateNamespaceName(namespace, false)) errs.push(fieldErr.invalid(path.child('namespace'), namespace, msg));
  } else if (namespace !== '') errs.push(fieldErr.forbidden(path.child('namespace'), 'not allowed on this type'));
  errs.push(...validateNonNegative(meta.generation ?? 0, path.child('generation')));
  errs.push(...validateMetaCommon(meta, path));
  errs.push(...validateFinalizers(meta.finalizers, path.child('finalizers')));
  errs.push(...validateManagedFields(meta.managedFields, path.child('managedFields')));
  return errs;
}

/** Go's `%#v` of a []string: `[]string{"a", "b"}`. */
function goStringSlice(values: readonly string[]): string {
  return `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`;
}

/**
 * ObjectMeta on update (ValidateObjectMetaUpdate): no new finalizers while deleting, generation not
 * decremented, name/namespace/uid/creationTimestamp/deletionTimestamp/deletionGracePeriodSeconds
 * immutable, then labels, annotations, owners, managedFields of the new object.
 * The `resourceVersion must be specified` rule is left to the store, which knows whether the strategy
 * allows unconditional updates.
 */
export function validateObjectMetaUpdate(newMeta: ObjectMeta, oldMeta: ObjectMeta, path: FieldPath = FieldPath.of('metadata')): FieldError[] {
  const errs: FieldError[] = [];
  if (oldMeta.deletionTimestamp !== undefined) {
    const old = new Set(oldMeta.finalizers ?? []);
    const extra = [...new Set(newMeta.finalizers ?? [])].filter((f) => !old.has(f)).sort();
    if (extra.length > 0) {
      const detail = `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(extra)}`;
      errs.push(fieldErr.forbidden(path.child('finalizers'), detail));
    }
  }
  if ((newMeta.generation ?? 0) < (oldMeta.generation ?? 0)) {
    errs.push(fieldErr.invalid(path.child('generation'), newMeta.generation ?? 0, 'must not be decremented'));
  }
  const immutable = (field: keyof ObjectMeta, zero: unknown): void => {
    errs.push(...validateImmutableField(newMeta[field] ?? zero, oldMeta[field] ?? zero, path.child(field)));
  };
  immutable('name', '');
  immutable('namespace', '');
  immutable('uid', '');
  immutable('creationTimestamp', null);
  immutable('deletionTimestamp', null);
  immutable('deletionGracePeriodSeconds', null);
  errs.push(...validateMetaCommon(newMeta, path));
  errs.push(...validateManagedFields(newMeta.managedFields, path.child('managedFields')));
  return errs;
}
