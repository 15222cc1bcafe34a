/**
 * Kubernetes resource quantities (`100Mi`, `0.5`, `250m`, `1e3`) as k8s.io/apimachinery's
 * resource.ParseQuantity reads them, held as exact fractions so comparisons never round, and the checks
 * Kubernetes validation applies to them. Error texts are apimachinery's.
 */

/** A parsed quantity: `num / den`, exactly. `text` is how it was written. */
export interface Quantity {
  readonly num: bigint;
  readonly den: bigint;
  readonly text: string;
}

/** A quantity that does not parse; `message` is apimachinery's text. */
export class QuantityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuantityError';
  }
}

const FORMAT = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
export const ERR_FORMAT = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const ERR_NUMERIC = 'unable to parse numeric part of quantity';
const ERR_SUFFIX = "unable to parse quantity's suffix";

const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/** `[numerator, denominator]` of the suffix's factor, or undefined for an unknown suffix. */
function suffixFactor(suffix: string): [bigint, bigint] | undefined {
  const bin = BINARY[suffix];
  if (bin !== undefined) return [1n << BigInt(bin), 1n];
  let exp = DECIMAL[suffix];
  if (exp === undefined) {
    const m = /^[eE]([-+]?[0-9]+)$/.exec(suffix);
    if (m === null) return undefined;
    exp = Number(m[1]);
  }
  return exp >= 0 ? [10n ** BigInt(exp), 1n] : [1n, 10n ** BigInt(-exp)];
}

/**
 * A quantity, or the text of Kubernetes' parse error. Validation meets bad quantities (and percentages
 * in quantity-or-percent fields) often, so this path throws nothing.
 */
export function quantityOrError(value: string | number): Quantity | string {
  const text = typeof value === 'number' ? String(value) : value;
  const m = FORMAT.exec(text);
  if (m === null || text === '') return ERR_FORMAT;
  let digits = m[1] ?? '';
  const suffix = m[2] ?? '';
  let negative = false;
  if (digits.startsWith('+') || digits.startsWith('-')) {
    negative = digits.startsWith('-');
    digits = digits.slice(1);
  }
  const n = /^([0-9]*)(?:\.([0-9]*))?$/.exec(digits);
  if (n === null || digits === '.' || digits === '') return ERR_NUMERIC;
  const whole = n[1] ?? '';
  const frac = n[2] ?? '';
  const factor = suffixFactor(suffix);
  if (factor === undefined) return ERR_SUFFIX;
  const [fn, fd] = factor;
  let num = BigInt(`${whole}${frac}` === '' ? '0' : `${whole}${frac}`) * fn;
  const den = 10n ** BigInt(frac.length) * fd;
  if (negative) num = -num;
  return { num, den, text };
}

/** Parses a quantity; numbers are taken as written in JSON. @throws QuantityError */
export function parseQuantity(value: string | number): Quantity {
  const q = quantityOrError(value);
  if (typeof q === 'string') throw new QuantityError(q);
  return q;
}

/** The quantity if it parses, else undefined. */
export function tryQuantity(value: unknown): Quantity | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const q = quantityOrError(value);
  return typeof q === 'string' ? undefined : q;
}

/** -1, 0 or 1. */
export function compareQuantity(a: Quantity, b: Quantity): number {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

/** Whether the quantity is a whole number (its milli-value divisible by 1000, as Kubernetes checks). */
export function isWholeQuantity(q: Quantity): boolean {
  const milli = (q.num * 1000n) / q.den;
  return milli % 1000n === 0n;
}

/** Detail of a negative quantity (apivalidation.IsNegativeErrorMsg). */
export const IS_NEGATIVE = 'must be greater than or equal to 0';
/** Detail of a fractional value for an integer resource. */
export const IS_NOT_INTEGER = 'must be an integer';

const INTEGER_RESOURCES = new Set([
  'pods',
  'resourcequotas',
  'services',
  'replicationcontrollers',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'services.nodeports',
  'services.loadbalancers',
]);

/**
 * Whether a resource is counted in whole units: the object-count resources and extended resources
 * (names with a domain other than kubernetes.io, valid as `requests.<name>`).
 */
export function isIntegerResourceName(name: string, isQualifiedName: (s: string) => string[]): boolean {
  if (INTEGER_RESOURCES.has(name)) return true;
  const native = !name.includes('/') || name.includes('kubernetes.io/');
  if (native || name.startsWith('requests.')) return false;
  return isQualifiedName(`requests.${name}`).length === 0;
}

/** `^[0-9]+%$` (validation.IsValidPercent), with its message. */
export function isValidPercent(value: string): string[] {
  if (/^[0-9]+%$/.test(value)) return [];
  return ["a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"];
}
