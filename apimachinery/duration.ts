/**
 * Go's `time.ParseDuration` and `time.Duration.String()`, exact to the nanosecond (BigInt), because
 * metav1.Duration fields are decoded with the former and written back with the latter: "5m" is stored
 * and returned as "5m0s", and "28d" is not a duration at all.
 */

const NS = 1n;
const US = 1000n * NS;
const MS = 1000n * US;
const SECOND = 1000n * MS;
const MINUTE = 60n * SECOND;
const HOUR = 60n * MINUTE;
const MAX = (1n << 63n) - 1n;

const UNITS: Record<string, bigint> = { ns: NS, us: US, 'µs': US, 'μs': US, ms: MS, s: SECOND, m: MINUTE, h: HOUR };

/** The error Go returns, e.g. `time: invalid duration "x"`. */
export class DurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DurationError';
  }
}

const quote = (s: string): string => JSON.stringify(s);

/** One `<number><unit>` element starting at `i`; returns its nanoseconds and the next index. */
function parseElement(s: string, i: number, orig: string): [bigint, number] {
  const num = /^(\d*)(?:\.(\d*))?/.exec(s.slice(i));
  const whole = num?.[1] ?? '';
  const frac = num?.[2] ?? '';
  if (whole === '' && frac === '') throw new DurationError(`time: invalid duration ${quote(orig)}`);
  let j = i + (num?.[0].length ?? 0);
  const unitStart = j;
  while (j < s.length && !/[0-9.]/.test(s.charAt(j))) j++;
  const unitText = s.slice(unitStart, j);
  if (unitText === '') throw new DurationError(`time: missing unit in duration ${quote(orig)}`);
  const unit = UNITS[unitText];
  if (unit === undefined) throw new DurationError(`time: unknown unit ${quote(unitText)} in duration ${quote(orig)}`);
  let value = BigInt(whole === '' ? '0' : whole) * unit;
  if (frac !== '') value += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
  if (value > MAX + 1n) throw new DurationError(`time: invalid duration ${quote(orig)}`);
  return [value, j];
}

/**
 * Parses a Go duration ("1h30m", "1.5h", "-2m", "300ms", "0") into nanoseconds.
 * @throws DurationError with Go's message.
 */
export function parseDuration(orig: string): bigint {
  let s = orig;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s.startsWith('-');
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw new DurationError(`time: invalid duration ${quote(orig)}`);
  let total = 0n;
  for (let i = 0; i < s.length; ) {
    const [v, next] = parseElement(s, i, orig);
    total += v;
    i = next;
  }
  if (total > (negative ? MAX + 1n : MAX)) throw new DurationError(`time: invalid duration ${quote(orig)}`);
  return negative ? -total : total;
}

/** `v` (< 10^digits scale) as Go prints a fraction: `.5`, `.25`, nothing for 0. */
function fraction(v: bigint, digits: number): string {
  if (v === 0n) return '';
  const s = v.toString().padStart(digits, '0').replace(/0+$/, '');
  return `.${s}`;
}

/** Formats nanoseconds as Go's `Duration.String()` ("672h0m0s", "1.5s", "300ms", "0s"). */
export function formatDuration(ns: bigint): string {
  const negative = ns < 0n;
  let u = negative ? -ns : ns;
  const sign = negative ? '-' : '';
  if (u === 0n) return '0s';
  if (u < SECOND) {
    if (u < US) return `${sign}${u}ns`;
    if (u < MS) return `${sign}${u / US}${fraction(u % US, 3)}µs`;
    return `${sign}${u / MS}${fraction(u % MS, 6)}ms`;
  }
  let out = `${(u / SECOND) % 60n}${fraction(u % SECOND, 9)}s`;
  u /= SECOND;
  u /= 60n;
  if (u > 0n) {
    out = `${u % 60n}m${out}`;
    u /= 60n;
    if (u > 0n) out = `${u}h${out}`;
  }
  return sign + out;
}

/** Parses and re-prints a duration the way a Go round trip does. */
export function normalizeDuration(text: string): string {
  return formatDuration(parseDuration(text));
}

export const DURATION = { NS, US, MS, SECOND, MINUTE, HOUR } as const;

/** Seconds (fractional) of a Go duration; throws DurationError with Go's message. */
export function durationSeconds(text: string): number {
  return Number(parseDuration(text)) / 1e9;
}

/** Milliseconds of a Go duration; throws DurationError with Go's message. */
export function durationMs(text: string): number {
  return Number(parseDuration(text)) / 1e6;
}

/**
 * A duration flag in seconds: Go duration text (`24h`) or seconds, within [`min`, `max`] seconds.
 * @throws DurationError with Go's message for bad text, an Error with `outOfRange` outside the bounds
 */
export function boundedDurationSeconds(value: string | number, min: number, max: number, outOfRange: string): number {
  const seconds = typeof value === 'number' ? value : durationSeconds(value);
  if (!(seconds >= min && seconds <= max)) throw new Error(outOfRange);
  return seconds;
}
