/** Typed reads of Kubernetes query parameters (ListOptions, CreateOptions, DeleteOptions, ...). */
import { badRequest, invalid } from '../apimachinery/errors.js';
import { fieldErr, Printed, type FieldError } from '../apimachinery/field.js';
import { goStringSliceSyntax } from '../apimachinery/goquote.js';
import { parseInt64 } from '../apimachinery/strconv.js';
import { validateFieldManager } from '../apimachinery/validation.js';
import { escapeFieldValue, parseFieldSelector } from '../apimachinery/fields.js';
import type { ListParams } from '../registry/generic/selection.js';

export type Query = Record<string, unknown>;

/**
 * The query string as the server reads it everywhere: WHATWG URL parsing (the same as request info
 * uses for authorization), every parameter kept (no limit on their number: a selector after a thousand
 * padding parameters is read, not dropped after it was authorized), repeated ones as arrays.
 */
export function parseQuery(search: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [key, value] of new URLSearchParams(search)) {
    const seen = out[key];
    if (seen === undefined) out[key] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else out[key] = [seen, value];
  }
  return out;
}

/** A single string parameter (the first when repeated). */
export function str(q: Query, name: string): string | undefined {
  const v = q[name];
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** All values of a repeated parameter. */
export function strs(q: Query, name: string): string[] {
  const v = q[name];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' ? [v] : [];
}

/**
 * A query string's boolean as Kubernetes converts it: "0" and "false" in any case are false, every
 * other value (`True` from the Python client, `1`, an empty value) is true.
 */
export function queryBool(value: string): boolean {
  return !(value === '0' || value.toLowerCase() === 'false');
}

/** A boolean parameter (see {@link queryBool}). */
export function bool(q: Query, name: string): boolean | undefined {
  const v = str(q, name);
  return v === undefined ? undefined : queryBool(v);
}

/**
 * An integer parameter as Go's `strconv.ParseInt(v, 10, 64)` reads it (an optional sign, decimal
 * digits, int64 range); 400 with its error otherwise. Beyond JavaScript's safe integers the value is
 * clamped, which no parameter can tell apart (they count objects or seconds).
 */
export function int(q: Query, name: string): number | undefined {
  const v = str(q, name);
  if (v === undefined) return undefined;
  const parsed = parseInt64(v);
  if (parsed.error !== undefined) throw badRequest(parsed.error);
  return Math.max(Math.min(Number(parsed.value), Number.MAX_SAFE_INTEGER), Number.MIN_SAFE_INTEGER);
}

/** The most objects a page may be asked for; larger limits are the same as this one. */
const MAX_PAGE_LIMIT = 2_147_483_647;

/** A `limit` as Kubernetes pages by it: zero and negative ones are no limit. */
function pageLimit(limit: number | undefined): number | undefined {
  return limit === undefined || limit <= 0 ? undefined : Math.min(limit, MAX_PAGE_LIMIT);
}

/** ListOptions of a list or watch request. */
export function listParams(q: Query): ListParams {
  const p: ListParams = {};
  const set = <K extends keyof ListParams>(k: K, v: ListParams[K] | undefined) => {
    if (v !== undefined) p[k] = v;
  };
  set('labelSelector', str(q, 'labelSelector'));
  set('fieldSelector', str(q, 'fieldSelector'));
  set('limit', pageLimit(int(q, 'limit')));
  set('continue', str(q, 'continue'));
  set('resourceVersion', str(q, 'resourceVersion'));
  set('resourceVersionMatch', str(q, 'resourceVersionMatch'));
  set('watch', bool(q, 'watch'));
  set('allowWatchBookmarks', bool(q, 'allowWatchBookmarks'));
  set('sendInitialEvents', bool(q, 'sendInitialEvents'));
  set('timeoutSeconds', int(q, 'timeoutSeconds'));
  return p;
}

/** The fieldValidation values ValidateFieldValidation accepts, sorted as its message lists them ("" is Warn). */
export const FIELD_VALIDATION_VALUES = ['', 'Ignore', 'Strict', 'Warn'];

/**
 * kube-apiserver's ValidateCreateOptions, ValidateUpdateOptions and ValidatePatchOptions over a write's
 * query, every error at once and in their order: for a patch, `force` outside apply and apply without a
 * manager; then `fieldManager` (at most 128 bytes of printable characters), `dryRun` (absent or `All`,
 * the whole list named as Go prints it) and `fieldValidation`.
 * @throws StatusError 422 `<optionsKind>.meta.k8s.io "" is invalid: ...`.
 */
export function validateWriteOptions(q: Query, optionsKind: string, patch?: { apply: boolean }): void {
  const errs: FieldError[] = [];
  const manager = str(q, 'fieldManager') ?? '';
  if (patch !== undefined && !patch.apply && str(q, 'force') !== undefined) errs.push(fieldErr.forbidden('force', 'may not be specified for non-apply patch'));
  if (patch?.apply === true && manager === '') errs.push(fieldErr.required('fieldManager', 'is required for apply patch'));
  if (manager !== '') errs.push(...validateFieldManager(manager, 'fieldManager'));
  const dry = strs(q, 'dryRun');
  if (dry.some((v) => v !== 'All')) errs.push(fieldErr.notSupported('dryRun', new Printed(goStringSliceSyntax(dry)), ['All']));
  const mode = str(q, 'fieldValidation') ?? '';
  if (!FIELD_VALIDATION_VALUES.includes(mode)) errs.push(fieldErr.notSupported('fieldValidation', mode, FIELD_VALIDATION_VALUES));
  if (errs.length > 0) throw invalid({ group: 'meta.k8s.io', kind: optionsKind }, '', errs);
}

/** Whether a write is a dry run (its options checked by {@link validateWriteOptions}). */
export function isDryRun(q: Query): boolean {
  return strs(q, 'dryRun').length > 0;
}

/** `fieldManager` (checked by {@link validateWriteOptions}); empty is unset (the User-Agent names the manager). */
export function fieldManager(q: Query): string | undefined {
  const v = str(q, 'fieldManager');
  return v === undefined || v === '' ? undefined : v;
}

/**
 * ListOptions of a list or watch of one object, `name` (from the path of a watch of one object or from
 * a `metadata.name` field selector: the name the authorizer was asked about), scoped as kube-apiserver's
 * list handler scopes them: an empty field selector becomes `metadata.name=<name>`, any other must
 * demand exactly that name (400 otherwise), so that nothing else is served. Without a name, as
 * {@link listParams}.
 */
export function namedListParams(q: Query, name: string): ListParams {
  const p = listParams(q);
  if (name === '') return p;
  const selector = parseFieldSelector(p.fieldSelector ?? '');
  if (selector.empty) return { ...p, fieldSelector: `metadata.name=${escapeFieldValue(name)}` };
  if (selector.exactMatch('metadata.name') !== name) throw badRequest("fieldSelector metadata.name doesn't match requested name");
  return p;
}
