/**
 * Label keys and label selectors as k8s.io/apimachinery's meta/v1 validation checks them
 * (ValidateLabelName, ValidateLabelSelector), with its texts.
 */
import { FieldPath, fieldErr, type FieldError } from './field.js';
import { isPlainObject } from './types.js';
import { isQualifiedName, isValidLabelValue, validateLabels } from './validation.js';

/** A label key: a qualified name. */
export function validateLabelName(name: string, path: FieldPath): FieldError[] {
  return isQualifiedName(name).map((msg) => fieldErr.invalid(path, name, msg));
}

const stringsOf = (v: unknown): string[] => (Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : '')) : []);

/** One `matchExpressions` entry: operator and values fit together, key and values valid. */
function validateRequirement(req: Record<string, unknown>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const op = typeof req.operator === 'string' ? req.operator : '';
  const values = stringsOf(req.values);
  if (op === 'In' || op === 'NotIn') {
    if (values.length === 0) errs.push(fieldErr.required(path.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
  } else if (op === 'Exists' || op === 'DoesNotExist') {
    if (values.length > 0) errs.push(fieldErr.forbidden(path.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
  } else errs.push(fieldErr.invalid(path.child('operator'), op, 'not a valid selector operator'));
  errs.push(...validateLabelName(typeof req.key === 'string' ? req.key : '', path.child('key')));
  values.forEach((v, i) => {
    for (const msg of isValidLabelValue(v)) errs.push(fieldErr.invalid(path.child('values').index(i), v, msg));
  });
  return errs;
}

/** A metav1.LabelSelector (`matchLabels`, `matchExpressions`); nothing to check when absent. */
export function validateLabelSelector(selector: unknown, path: FieldPath): FieldError[] {
  if (!isPlainObject(selector)) return [];
  const labels = isPlainObject(selector.matchLabels) ? (selector.matchLabels as Record<string, string>) : undefined;
  const errs = validateLabels(labels, path.child('matchLabels'));
  const exprs = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  exprs.forEach((e: unknown, i) => errs.push(...validateRequirement(isPlainObject(e) ? e : {}, path.child('matchExpressions').index(i))));
  return errs;
}
