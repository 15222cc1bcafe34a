/**
 * List and watch parameters: selector parsing, the predicate handed to storage, and the checks
 * Kubernetes applies to ListOptions.
 */
import { invalid } from '../../apimachinery/errors.js';
import { fieldErr, type FieldError } from '../../apimachinery/field.js';
import { checkSupported, parseFieldSelector, type FieldSelector } from '../../apimachinery/fields.js';
import { parseLabelSelector, type LabelSelector } from '../../apimachinery/labels.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { SelectionPredicate } from '../../storage/interface.js';
import type { ResourceDescriptor } from '../types.js';

/** Query parameters of a list or watch, as strings from the URL. */
export interface ListParams {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
  watch?: boolean;
  allowWatchBookmarks?: boolean;
  sendInitialEvents?: boolean;
  timeoutSeconds?: number;
}

/** Parsed selectors and the predicate over them. */
export interface Selection {
  labels: LabelSelector;
  fields: FieldSelector;
  predicate: SelectionPredicate;
  /** Name required by a `metadata.name=<x>` field selector. */
  name?: string;
}

/** Field values every object offers to field selectors, plus the kind's own. */
export function objectFields(d: ResourceDescriptor, obj: KubeObject): Record<string, string> {
  const fields: Record<string, string> = { 'metadata.name': obj.metadata.name ?? '' };
  if (d.namespaced) fields['metadata.namespace'] = obj.metadata.namespace ?? '';
  return { ...fields, ...d.selectableFields(obj) };
}

/** The field labels a kind supports. */
export function supportedFields(d: ResourceDescriptor): Set<string> {
  const probe: KubeObject = { metadata: {} };
  return new Set(['metadata.name', ...(d.namespaced ? ['metadata.namespace'] : []), ...Object.keys(d.selectableFields(probe))]);
}

/**
 * Parses the selectors of a request and validates its options, in kube-apiserver's order: 400 for bad
 * selector syntax, 422 for invalid ListOptions (a watch's when `params.watch` is set), 400 for
 * unsupported field labels.
 */
export function buildSelection(d: ResourceDescriptor, params: ListParams, supported: ReadonlySet<string>): Selection {
  const labels = parseLabelSelector(params.labelSelector ?? '');
  const fields = parseFieldSelector(params.fieldSelector ?? '');
  // As kube-apiserver: the selectors are parsed while the parameters are decoded (400 first), the
  // options are validated next (422), the field labels are checked last (400).
  validateListParams(params);
  checkSupported(fields, supported);
  const predicate: SelectionPredicate = {
    empty: labels.empty && fields.empty,
    matches: (obj) => labels.matches(obj.metadata.labels) && fields.matches(objectFields(d, obj)),
  };
  const sel: Selection = { labels, fields, predicate };
  const name = fields.exactMatch('metadata.name');
  if (name !== undefined) sel.name = name;
  return sel;
}

const LIST_OPTIONS = { group: 'meta.k8s.io', kind: 'ListOptions' };

/** Kubernetes' ListOptions validation for lists (422 Invalid on ListOptions.meta.k8s.io). */
function listErrors(p: ListParams): FieldError[] {
  const errs: FieldError[] = [];
  const match = p.resourceVersionMatch ?? '';
  if (match !== '') {
    if ((p.resourceVersion ?? '') === '') {
      errs.push(fieldErr.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
    }
    if ((p.continue ?? '') !== '') errs.push(fieldErr.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    if (match !== 'Exact' && match !== 'NotOlderThan') errs.push(fieldErr.notSupported('resourceVersionMatch', match, ['Exact', 'NotOlderThan', '']));
    if (match === 'Exact' && p.resourceVersion === '0') {
      errs.push(fieldErr.forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
    }
  }
  if (p.sendInitialEvents !== undefined) errs.push(fieldErr.forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
  return errs;
}

/** Kubernetes' ListOptions validation for watches. */
function watchErrors(p: ListParams): FieldError[] {
  const errs: FieldError[] = [];
  const match = p.resourceVersionMatch ?? '';
  if (p.sendInitialEvents !== undefined && match !== 'NotOlderThan') {
    errs.push(fieldErr.forbidden('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'));
  }
  if (match !== '') {
    if (p.sendInitialEvents === undefined) {
      errs.push(fieldErr.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
    }
    if (match !== 'NotOlderThan') errs.push(fieldErr.notSupported('resourceVersionMatch', match, ['NotOlderThan']));
    if ((p.continue ?? '') !== '') errs.push(fieldErr.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
  }
  return errs;
}

/** Kubernetes' ListOptions validation (422 Invalid on ListOptions.meta.k8s.io). */
export function validateListParams(p: ListParams): void {
  const errs = p.watch ? watchErrors(p) : listErrors(p);
  if (errs.length > 0) throw invalid(LIST_OPTIONS, '', errs);
}
