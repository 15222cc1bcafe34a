/**
 * Field rules the Project validation shares with other Gardener kinds: seed tolerations, free-form text
 * (description, purpose) and label selectors (meta/v1 ValidateLabelSelector).
 */
import { fieldErr, FieldPath, type FieldError } from '../../../apimachinery/field.js';
import { isPlainObject } from '../../../apimachinery/types.js';
import { isQualifiedName, isValidLabelValue, validateLabels } from '../../../apimachinery/validation.js';
import { goQuoteRune } from '../../../apimachinery/goquote.js';

/** One `{key, value?}` toleration as read from JSON. */
export interface Toleration {
  key: string;
  value?: string;
}

/** The well-formed tolerations of a JSON list. */
export function tolerationsOf(list: unknown): Toleration[] {
  if (!Array.isArray(list)) return [];
  return list.filter(isPlainObject).map((t) => ({
    key: typeof t.key === 'string' ? t.key : '',
    ...(typeof t.value === 'string' && { value: t.value }),
  }));
}

/** `key` or `key=value`, the identity Gardener compares tolerations by. */
export function tolerationId(t: Toleration): string {
  return t.value === undefined ? t.key : `${t.key}=${t.value}`;
}

/** Keys required and qualified, values valid label values, no toleration twice. */
export function validateTolerations(tolerations: readonly Toleration[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  tolerations.forEach((t, i) => {
    const at = path.index(i);
    if (t.key === '') errs.push(fieldErr.required(at.child('key'), 'cannot be empty'));
    else for (const msg of isQualifiedName(t.key)) errs.push(fieldErr.invalid(at.child('key'), t.key, msg));
    if (t.value !== undefined) for (const msg of isValidLabelValue(t.value)) errs.push(fieldErr.invalid(at.child('value'), t.value, msg));
    const id = tolerationId(t);
    if (seen.has(id) || seen.has(t.key)) errs.push(fieldErr.duplicate(at, id));
    seen.add(id);
  });
  return errs;
}

/** Every toleration must be in the allowlist, by key alone or by key and value. */
export function validateTolerationsAgainstAllowlist(tolerations: readonly Toleration[], allowlist: readonly Toleration[], path: FieldPath): FieldError[] {
  const allowed = [...new Set(allowlist.map(tolerationId))];
  const errs: FieldError[] = [];
  tolerations.forEach((t, i) => {
    if (!allowed.includes(t.key) && !allowed.includes(tolerationId(t))) {
      errs.push(fieldErr.forbidden(path.index(i), `only the following tolerations are allowed: [${allowed.join(' ')}]`));
    }
  });
  return errs;
}

const ALLOWED_PUNCTUATION = '.,:-_/\\';
/** Go's unicode.IsSpace (Latin-1 spaces plus the White_Space property). */
const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/u;
const LETTER_OR_DIGIT = /^[\p{L}\p{Nd}]$/u;

/** Letters, digits, spaces and `.,:-_/\` only (Gardener's ValidateFreeFormText). */
export function validateFreeFormText(text: string, path: FieldPath): FieldError[] {
  const invalid = [...text].filter((c) => !LETTER_OR_DIGIT.test(c) && !GO_SPACE.test(c) && !ALLOWED_PUNCTUATION.includes(c));
  if (invalid.length === 0) return [];
  return [fieldErr.forbidden(path, `must not contain invalid character: [${invalid.map(goQuoteRune).join(' ')}]`)];
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : '')) : [];
}

/** meta/v1 ValidateLabelSelector: matchLabels as labels, each expression's operator, key and values. */
export function validateLabelSelector(selector: unknown, path: FieldPath): FieldError[] {
  if (!isPlainObject(selector)) return [];
  const labels = isPlainObject(selector.matchLabels) ? (selector.matchLabels as Record<string, string>) : undefined;
  const errs = validateLabels(labels, path.child('matchLabels'));
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  expressions.forEach((e: unknown, i) => {
    if (!isPlainObject(e)) return;
    const at = path.child('matchExpressions').index(i);
    const operator = typeof e.operator === 'string' ? e.operator : '';
    const key = typeof e.key === 'string' ? e.key : '';
    const values = stringList(e.values);
    if (operator === 'In' || operator === 'NotIn') {
      if (values.length === 0) errs.push(fieldErr.required(at.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (operator === 'Exists' || operator === 'DoesNotExist') {
      if (values.length > 0) errs.push(fieldErr.forbidden(at.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else errs.push(fieldErr.invalid(at.child('operator'), operator, 'not a valid selector operator'));
    for (const msg of isQualifiedName(key)) errs.push(fieldErr.invalid(at.child('key'), key, msg));
    values.forEach((v, j) => {
      for (const msg of isValidLabelValue(v)) errs.push(fieldErr.invalid(at.child('values').index(j), v, msg));
    });
  });
  return errs;
}
