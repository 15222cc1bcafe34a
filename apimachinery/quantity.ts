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

/** How a quantity is written back: Go's resource.Format. */
type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

const DECIMAL_SUFFIX_OF = new Map(Object.entries(DECIMAL).map(([s, e]) => [e, s]));
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const MAX_INT64 = (1n << 63n) - 1n;

/** The parts of a quantity as Go's parseQuantityString splits it (leading zeros of the number dropped). */
function goParts(text: string): { negative: boolean; num: string; denom: string; suffix: string } | undefined {
  const m = /^([+-]?)0*([0-9]*)(?:\.([0-9]*))?(.*)$/.exec(text);
  if (m === null) return undefined;
  return { negative: m[1] === '-', num: m[2] === '' ? '0' : (m[2] ?? '0'), denom: m[3] ?? '', suffix: m[4] ?? '' };
}

/** Base, exponent and format of a suffix (Go's suffixHandler.interpret). */
function interpretSuffix(suffix: string): { base: 2 | 10; exponent: number; format: QuantityFormat } | undefined {
  const dec = DECIMAL[suffix];
  if (dec !== undefined) return { base: 10, exponent: dec, format: 'DecimalSI' };
  const bin = BINARY[suffix];
  if (bin !== undefined) return { base: 2, exponent: bin, format: 'BinarySI' };
  const m = /^[eE]([-+]?[0-9]+)$/.exec(suffix);
  return m === null ? undefined : { base: 10, exponent: Number(m[1]), format: 'DecimalExponent' };
}

/** `value` stripped of every factor `base` it has; returns the rest and how many were removed. */
function removeFactors(value: bigint, base: bigint): [bigint, number] {
  let times = 0;
  while (value !== 0n && value % base === 0n) {
    value /= base;
    times++;
  }
  return [value, times];
}

/**
 * Go's canonical text of `unscaled × 10^-scale` in `format` (Quantity.CanonicalizeBytes): binary
 * suffixes for whole multiples of 1024 written in a binary format, else a decimal suffix (or `e<n>`)
 * whose exponent is a multiple of 3, with the fewest digits.
 */
function canonicalText(unscaled: bigint, scale: number, format: QuantityFormat): string {
  if (unscaled === 0n) return '0';
  if (format === 'BinarySI') {
    const magnitude = unscaled < 0n ? -unscaled : unscaled;
    const whole = scale <= 0 ? magnitude * 10n ** BigInt(-scale) : magnitude % 10n ** BigInt(scale) === 0n ? magnitude / 10n ** BigInt(scale) : undefined;
    if (whole !== undefined && whole >= 1024n) {
      const [amount, times] = removeFactors(unscaled < 0n ? -whole : whole, 1024n);
      return `${amount}${BINARY_SUFFIXES[times] ?? ''}`;
    }
    format = 'DecimalSI';
  }
  let [amount, exponent] = removeFactors(unscaled, 10n);
  exponent -= scale;
  while (exponent % 3 !== 0) {
    amount *= 10n;
    exponent--;
  }
  const suffix = format === 'DecimalSI' ? (DECIMAL_SUFFIX_OF.get(exponent) ?? '') : exponent === 0 ? '' : `e${exponent}`;
  return `${amount}${suffix}`;
}

/**
 * A quantity as Go writes it back after decoding (resource.ParseQuantity, then MarshalJSON): `1024Mi`
 * → `1Gi`, `0.5` → `500m`, `1000` → `1k`, `1.5Ki` → `1536`; a value below a nano-unit rounds up to
 * `1n`. Go keeps the text as written when its parse finds it canonical already (`100Mi`, `250m`,
 * `+5`). Undefined when the text does not parse.
 */
export function canonicalQuantity(text: string): string | undefined {
  if (typeof quantityOrError(text) === 'string') return undefined;
  if (text === '0') return text;
  const parts = goParts(text);
  const suffix = parts === undefined ? undefined : interpretSuffix(parts.suffix);
  if (parts === undefined || suffix === undefined) return undefined;
  const { negative, num, denom } = parts;
  const { base, exponent, format } = suffix;
  // Go's fast path (int64 arithmetic), the only one that can keep the text as written.
  let precision: number;
  if (format !== 'BinarySI') precision = 18 - (num.length + denom.length);
  else precision = exponent >= 0 && denom === '' ? 14 - num.length - Math.trunc((exponent * 3) / 10) : -1;
  const scale = (format === 'BinarySI' ? 0 : exponent) - denom.length;
  if (precision >= 0 && scale >= -9) {
    const shifted = `${num}${denom}`;
    const value = BigInt(shifted);
    const result = value * (format === 'BinarySI' ? 1n << BigInt(exponent) : 1n);
    if (result <= MAX_INT64) {
      const kept = format === 'BinarySI' ? exponent % 10 === 0 && (value & 7n) !== 0n : scale % 3 === 0 && !shifted.endsWith('000') && !shifted.startsWith('0');
      if (kept) return text;
      return canonicalText(negative ? -result : result, -scale, format);
    }
  }
  // Go's exact path: suffix folded into the number, rounded up to a whole nano-unit, capped for binary.
  let unscaled = BigInt(`${num}${denom}`);
  let decimals = denom.length;
  if (base === 10) decimals -= exponent;
  else unscaled <<= BigInt(exponent);
  if (unscaled !== 0n && decimals > 9) {
    const divisor = 10n ** BigInt(decimals - 9);
    unscaled = unscaled / divisor + (unscaled % divisor === 0n ? 0n : 1n);
    decimals = 9;
  }
  let written = format;
  if (format === 'BinarySI') {
    const pow = 10n ** BigInt(Math.max(decimals, 0));
    const asScaled = decimals >= 0 ? unscaled : unscaled * 10n ** BigInt(-decimals);
    if (asScaled > MAX_INT64 * pow) {
      unscaled = MAX_INT64;
      decimals = 0;
    } else if (asScaled > 0n && asScaled < pow) written = 'DecimalSI';
  }
  return canonicalText(negative ? -unscaled : unscaled, decimals, written);
}
