/**
 * Go `time.ParseDuration`, for the max-expiration flags, which take Go durations (`24h`, `90m`,
 * `1h30m`, `86400s`). Messages match Go's so flag errors read the same as gardener-apiserver's.
 */

const UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  'µs': 1e-6,
  'μs': 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

const MAX_DURATION_SECONDS = 9223372036.854775807;

const COMPONENT = /^([0-9]*)(?:\.([0-9]*))?([^0-9.]*)/;

/**
 * Parses a Go duration string into seconds (fractional). Throws an `Error` with Go's message
 * (`time: invalid duration "x"`, `time: missing unit in duration "10"`, `time: unknown unit "d" in
 * duration "1d"`) when the text is not a duration.
 */
export function parseGoDuration(text: string): number {
  const quoted = JSON.stringify(text);
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest.startsWith('-')) sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw new Error(`time: invalid duration ${quoted}`);
  let total = 0;
  while (rest !== '') {
    const m = COMPONENT.exec(rest);
    const whole = m?.[1] ?? '';
    const frac = m?.[2];
    const unit = m?.[3] ?? '';
    if (m === null || (whole === '' && (frac === undefined || frac === ''))) throw new Error(`time: invalid duration ${quoted}`);
    if (unit === '') throw new Error(`time: missing unit in duration ${quoted}`);
    const factor = UNIT_SECONDS[unit];
    if (factor === undefined) throw new Error(`time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`);
    total += Number(`${whole === '' ? '0' : whole}.${frac ?? ''}0`) * factor;
    rest = rest.slice(m[0].length);
  }
  // Go durations are int64 nanoseconds: about 292 years.
  if (total > MAX_DURATION_SECONDS) throw new Error(`time: invalid duration ${quoted}`);
  return sign * total;
}
