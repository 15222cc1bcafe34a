/** Typed reads of Kubernetes query parameters (ListOptions, CreateOptions, DeleteOptions, ...). */
import { badRequest, invalid } from '../apimachinery/errors.js';
import { fieldErr } from '../apimachinery/field.js';
import { validateFieldManager } from '../apimachinery/validation.js';
import { escapeFieldValue, parseFieldSelector } from '../apimachinery/fields.js';
import type { ListParams } from '../registry/generic/selection.js';

export type Query = Record<string, unknown>;

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

/** An integer parameter; 400 when it is not one. */
export function int(q: Query, name: string): number | undefined {
  const v = str(q, name);
  if (v === undefined || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(`invalid value for ${name}: ${JSON.stringify(v)}: must be an integer`);
  const n = Number(v);
  // Parameters such as limit and timeoutSeconds are int32/int64 upstream; beyond 2^31-1 nothing is meaningful.
  if (!Number.isSafeInteger(n) || Math.abs(n) > 2_147_483_647) throw badRequest(`invalid value for ${name}: ${JSON.stringify(v)}: out of range`);
  return n;
}

/** ListOptions of a list or watch request. */
export function listParams(q: Query): ListParams {
  const p: ListParams = {};
  const set = <K extends keyof ListParams>(k: K, v: ListParams[K] | undefined) => {
    if (v !== undefined) p[k] = v;
  };
  set('labelSelector', str(q, 'labelSelector'));
  set('fieldSelector', str(q, 'fieldSelector'));
  set('limit', int(q, 'limit'));
  set('continue', str(q, 'continue'));
  set('resourceVersion', str(q, 'resourceVersion'));
  set('resourceVersionMatch', str(q, 'resourceVersionMatch'));
  set('watch', bool(q, 'watch'));
  set('allowWatchBookmarks', bool(q, 'allowWatchBookmarks'));
  set('sendInitialEvents', bool(q, 'sendInitialEvents'));
  set('timeoutSeconds', int(q, 'timeoutSeconds'));
  return p;
}

/** `dryRun`: absent or `All`; anything else is 422 on the options kind. */
export function dryRun(q: Query, optionsKind: string): boolean {
  const values = strs(q, 'dryRun');
  for (const v of values) {
    if (v !== 'All') {
      throw invalid({ group: 'meta.k8s.io', kind: optionsKind }, '', [fieldErr.notSupported('dryRun', v, ['All'])]);
    }
  }
  return values.length > 0;
}

/** `fieldManager`: at most 128 bytes of printable characters (Go's unicode.IsPrint); empty is unset. */
export function fieldManager(q: Query, optionsKind: string): string | undefined {
  const v = str(q, 'fieldManager');
  // Empty is unset (the User-Agent names the manager; apply requires one), as upstream.
  if (v === undefined || v === '') return undefined;
  const errs = validateFieldManager(v, 'fieldManager');
  if (errs.length > 0) throw invalid({ group: 'meta.k8s.io', kind: optionsKind }, '', errs);
  return v;
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
