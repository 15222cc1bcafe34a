/**
 * Small rules Gardener's Shoot validation applies in many places: DNS names, non-negative numbers and
 * durations, int-or-percent values, resource quantities and the autoscaling minimums of control plane
 * components. Texts are Gardener's and Kubernetes'.
 */
import { formatDuration } from '../../../apimachinery/duration.js';
import { goJsonMarshal } from '../../../apimachinery/gojson.js';
import { FieldPath, fieldErr, Printed, type FieldError } from '../../../apimachinery/field.js';
import {
  compareQuantity,
  IS_NEGATIVE,
  IS_NOT_INTEGER,
  isIntegerResourceName,
  isValidPercent,
  quantityOrError,
  parseQuantity,
  tryQuantity,
  type Quantity,
} from '../../../apimachinery/quantity.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from '../../../apimachinery/validation.js';
import { duration, str, type Obj } from './read.js';

/** Detail of fields a workerless Shoot may not set. */
export const WORKERLESS = 'this field should not be set for workerless Shoot clusters';

/** `value` as an RFC 1123 label. */
export function dns1123Label(value: string, path: FieldPath): FieldError[] {
  return isDNS1123Label(value).map((msg) => fieldErr.invalid(path, value, msg));
}

/** `value` as an RFC 1123 subdomain. */
export function dns1123Subdomain(value: string, path: FieldPath): FieldError[] {
  return isDNS1123Subdomain(value).map((msg) => fieldErr.invalid(path, value, msg));
}

/** `must be greater than or equal to 0` for a negative number (ValidateNonnegativeField). */
export function nonNegative(value: number | undefined, path: FieldPath): FieldError[] {
  return value !== undefined && value < 0 ? [fieldErr.invalid(path, value, IS_NEGATIVE)] : [];
}

/** A negative duration at `o[k]` (ValidatePositiveDuration). */
export function positiveDuration(o: Obj | undefined, k: string, path: FieldPath): FieldError[] {
  const ns = duration(o, k);
  return ns !== undefined && ns < 0n ? [fieldErr.invalid(path, formatDuration(ns), 'must be non-negative')] : [];
}

/**
 * A Go time.Duration as a field error's bad value: apimachinery renders it with json.Marshal, as its
 * nanoseconds (`Invalid value: 25200000000000`). A metav1.Duration renders as its quoted String form,
 * which passing `formatDuration(ns)` gives.
 */
export function nanosValue(ns: bigint): Printed {
  return new Printed(ns.toString());
}

/** An IntOrString as a bad value, json-rendered as apimachinery renders it: a number, or a quoted string. */
export function printedIntOrString(v: unknown): Printed | null {
  if (typeof v === 'number') return new Printed(String(v));
  return typeof v === 'string' ? new Printed(goJsonMarshal(v)) : null;
}

/** `[value, isPercent]` of an int-or-percent value (a string that is not `<n>%` counts as 0). */
export function intOrPercent(v: unknown): [number, boolean] {
  if (typeof v === 'number') return [v, false];
  if (typeof v === 'string' && isValidPercent(v).length === 0) return [Number(v.slice(0, -1)), true];
  return [0, false];
}

/** An int-or-percent that must be a non-negative number or a valid percentage. */
export function positiveIntOrPercent(v: unknown, path: FieldPath): FieldError[] {
  if (typeof v === 'string') {
    return isValidPercent(v).length > 0 ? [fieldErr.invalid(path, printedIntOrString(v), "must be an integer or percentage (e.g '5%')")] : [];
  }
  return typeof v === 'number' ? nonNegative(v, path) : [];
}

/** A percentage above 100%. */
export function notMoreThan100Percent(v: unknown, path: FieldPath): FieldError[] {
  const [value, isPercent] = intOrPercent(v);
  return isPercent && value > 100 ? [fieldErr.invalid(path, printedIntOrString(v), 'must not be greater than 100%')] : [];
}

/** A quantity valid for `resource`: not negative, whole for integer resources (ValidateResourceQuantityValue). */
export function resourceQuantityValue(resource: string, q: Quantity, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (q.num < 0n) errs.push(fieldErr.invalid(path, q.text, IS_NEGATIVE));
  if (isIntegerResourceName(resource, isQualifiedName) && !isWholeMilli(q)) errs.push(fieldErr.invalid(path, q.text, IS_NOT_INTEGER));
  return errs;
}

function isWholeMilli(q: Quantity): boolean {
  return ((q.num * 1000n) / q.den) % 1000n === 0n;
}

/** A quantity or a percentage between 0% and 100% at `o[key]` (ValidateResourceQuantityOrPercent). */
export function quantityOrPercent(o: Obj | undefined, key: string, path: FieldPath, name: string): FieldError[] {
  const value = str(o, key);
  if (value === undefined) return [];
  const q = tryQuantity(value);
  if (q !== undefined && resourceQuantityValue(name, q, path).length === 0) return [];
  if (isValidPercent(value).length > 0) {
    return [fieldErr.invalid(path.child(name), value, "field must be either a valid resource quantity (e.g 200Mi) or a percentage (e.g '5%')")];
  }
  const percent = Number(value.slice(0, -1));
  return percent > 100 || percent < 0 ? [fieldErr.invalid(path.child(name), value, 'must not be greater than 100% and not smaller than 0%')] : [];
}

/**
 * A quantity field read from JSON (a string or a number): undefined when absent, an error text when it
 * does not parse (the schema's int-or-string type lets such text through; Go's decoding would refuse it).
 */
export function quantityAt(o: Obj | undefined, k: string): Quantity | string | undefined {
  const v = o?.[k];
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  return quantityOrError(v);
}

/** Quantity fields of a map: those that do not parse get an Invalid error, the rest `check`. */
export function eachQuantity(m: Obj | undefined, path: FieldPath, check: (name: string, q: Quantity, at: FieldPath) => FieldError[]): FieldError[] {
  const errs: FieldError[] = [];
  for (const name of Object.keys(m ?? {})) {
    const q = quantityAt(m, name);
    const at = path.child(name);
    if (typeof q === 'string') errs.push(fieldErr.invalid(at, m?.[name], q));
    else if (q !== undefined) errs.push(...check(name, q, at));
  }
  return errs;
}

/** Resources whose minimum a control plane autoscaling setting may name. */
const AUTOSCALED_RESOURCES = ['cpu', 'memory'];

/**
 * `autoscaling.minAllowed` of a control plane component: present, only cpu and memory, each at least
 * the component's minimum (ValidateControlPlaneAutoscaling).
 */
export function controlPlaneAutoscaling(autoscaling: Obj | undefined, minimums: Readonly<Record<string, string>>, path: FieldPath): FieldError[] {
  if (autoscaling === undefined) return [];
  const minAllowed = autoscaling.minAllowed;
  if (typeof minAllowed !== 'object' || minAllowed === null || Object.keys(minAllowed).length === 0) {
    return [fieldErr.required(path.child('minAllowed'), 'must provide minAllowed')];
  }
  return eachQuantity(minAllowed as Obj, path.child('minAllowed'), (name, q, at) => {
    const errs: FieldError[] = [];
    if (!AUTOSCALED_RESOURCES.includes(name)) errs.push(fieldErr.notSupported(at, name, AUTOSCALED_RESOURCES));
    const min = minimums[name];
    if (min !== undefined && compareQuantity(q, parseQuantity(min)) < 0) {
      errs.push(fieldErr.invalid(at, q.text, `value must be bigger than >= ${min}`));
    }
    errs.push(...resourceQuantityValue(name, q, at));
    return errs;
  });
}
