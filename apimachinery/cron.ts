/**
 * Standard cron specs as robfig/cron v1's ParseStandard accepts them (what Gardener uses for hibernation
 * schedules): five fields (minute, hour, day of month, month, day of week) of comma-separated ranges
 * `a`, `a-b`, `*`, `?` with an optional `/step`, month and weekday names, or a descriptor (`@daily`,
 * `@every 1h`). Only validity is needed here: {@link cronSpecError} returns the library's error text.
 */
import { DurationError, parseDuration } from './duration.js';

interface Bounds {
  min: number;
  max: number;
  names?: Readonly<Record<string, number>>;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const FIELDS: readonly Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: Object.fromEntries(MONTHS.map((m, i) => [m, i + 1])) },
  { min: 0, max: 6, names: Object.fromEntries(DAYS.map((d, i) => [d, i])) },
];

const DESCRIPTORS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

class CronError extends Error {}

/** Go's strconv.Atoi on the text, with the parser's wrapping. */
function parseInt(expr: string): number {
  if (!/^[+-]?[0-9]+$/.test(expr)) {
    throw new CronError(`Failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`);
  }
  const n = Number(expr);
  if (!Number.isSafeInteger(n) || Math.abs(n) > 2 ** 63) {
    throw new CronError(`Failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: value out of range`);
  }
  if (n < 0) throw new CronError(`Negative number (${n}) not allowed: ${expr}`);
  return n;
}

function parseIntOrName(expr: string, b: Bounds): number {
  const named = b.names?.[expr.toLowerCase()];
  return named ?? parseInt(expr);
}

function checkRange(expr: string, b: Bounds): void {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = (rangeAndStep[0] ?? '').split('-');
  const low = lowAndHigh[0] ?? '';
  let start: number;
  let end: number;
  if (low === '*' || low === '?') [start, end] = [b.min, b.max];
  else {
    start = parseIntOrName(low, b);
    if (lowAndHigh.length > 2) throw new CronError(`Too many hyphens: ${expr}`);
    end = lowAndHigh.length === 2 ? parseIntOrName(lowAndHigh[1] ?? '', b) : start;
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = parseInt(rangeAndStep[1] ?? '');
    if (lowAndHigh.length === 1) end = b.max;
  } else if (rangeAndStep.length > 2) throw new CronError(`Too many slashes: ${expr}`);
  if (start < b.min) throw new CronError(`Beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new CronError(`End of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new CronError(`Beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronError(`Step of range should be a positive number: ${expr}`);
}

function checkDescriptor(spec: string): void {
  if (DESCRIPTORS.has(spec)) return;
  const every = '@every ';
  if (!spec.startsWith(every)) throw new CronError(`Unrecognized descriptor: ${spec}`);
  try {
    parseDuration(spec.slice(every.length));
  } catch (e: unknown) {
    if (e instanceof DurationError) throw new CronError(`Failed to parse duration ${spec}: ${e.message}`);
    throw e;
  }
}

function check(spec: string): void {
  if (spec === '') throw new CronError('Empty spec string');
  if (spec.startsWith('@')) return checkDescriptor(spec);
  const fields = spec.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== FIELDS.length) throw new CronError(`Expected exactly 5 fields, found ${fields.length}: ${spec}`);
  fields.forEach((f, i) => {
    const b = FIELDS[i];
    if (b === undefined) return;
    for (const expr of f.split(',').filter((r) => r !== '')) checkRange(expr, b);
  });
}

/** The parser's error for `spec`, or undefined when it is a valid standard cron spec. */
export function cronSpecError(spec: string): string | undefined {
  try {
    check(spec);
    return undefined;
  } catch (e: unknown) {
    if (e instanceof CronError) return e.message;
    throw e;
  }
}
