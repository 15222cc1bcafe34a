/**
 * metav1.Time as Go decodes and writes it: `time.Parse(time.RFC3339, s)` with its error texts, and the
 * value written back in UTC with second precision (`2025-01-01T01:00:00.5+01:00` is stored as
 * `2025-01-01T00:00:00Z`).
 */
import { goQuote } from './goquote.js';

const LAYOUT = '2006-01-02T15:04:05Z07:00';

/** A time that does not parse, with Go's message. */
export class TimeParseError extends Error {}

/** `parsing time "<value>" as "<layout>": cannot parse "<rest>" as "<element>"`. */
function cannotParse(value: string, rest: string, element: string): TimeParseError {
  return new TimeParseError(`parsing time ${goQuote(value)} as ${goQuote(LAYOUT)}: cannot parse ${goQuote(rest)} as ${goQuote(element)}`);
}

/** `parsing time "<value>": <what>`. */
function parseProblem(value: string, what: string): TimeParseError {
  return new TimeParseError(`parsing time ${goQuote(value)}: ${what}`);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(month: number, year: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 31);
}

/** Reads the fields of `value` the way Go's parser walks the RFC 3339 layout. */
class Reader {
  rest: string;
  constructor(readonly value: string) {
    this.rest = value;
  }

  /** `n` digits (`fixed`) or one or two (otherwise) for `element`. */
  digits(element: string, n: number, fixed = true): number {
    const m = (fixed ? new RegExp(`^[0-9]{${n}}`) : /^[0-9]{1,2}/).exec(this.rest);
    if (m === null) throw cannotParse(this.value, this.rest, element);
    this.rest = this.rest.slice(m[0].length);
    return Number(m[0]);
  }

  literal(text: string): void {
    if (!this.rest.startsWith(text)) throw cannotParse(this.value, this.rest, text);
    this.rest = this.rest.slice(text.length);
  }

  /** `Z` or `±hh:mm`: the offset in minutes. */
  zone(): number {
    if (this.rest.startsWith('Z')) {
      this.rest = this.rest.slice(1);
      return 0;
    }
    const m = /^([+-])([0-9]{2}):([0-9]{2})/.exec(this.rest);
    if (m === null) throw cannotParse(this.value, this.rest, 'Z07:00');
    const [hours, minutes] = [Number(m[2]), Number(m[3])];
    if (hours > 24) throw parseProblem(this.value, 'time zone offset hour out of range');
    if (minutes > 60) throw parseProblem(this.value, 'time zone offset minute out of range');
    this.rest = this.rest.slice(m[0].length);
    return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/**
 * `value` as Go's metav1.Time decodes it and writes it back: UTC, whole seconds.
 * @throws TimeParseError with Go's message when `time.Parse(time.RFC3339, value)` fails.
 */
export function normalizeTime(value: string): string {
  const r = new Reader(value);
  const year = r.digits('2006', 4);
  r.literal('-');
  const month = r.digits('01', 2);
  if (month < 1 || month > 12) throw parseProblem(value, 'month out of range');
  r.literal('-');
  const day = r.digits('02', 2);
  r.literal('T');
  const hour = r.digits('15', 2, false);
  if (hour > 23) throw parseProblem(value, 'hour out of range');
  r.literal(':');
  const minute = r.digits('04', 2);
  if (minute > 59) throw parseProblem(value, 'minute out of range');
  r.literal(':');
  const second = r.digits('05', 2);
  if (second > 59) throw parseProblem(value, 'second out of range');
  // A fraction of a second after the seconds is read, whatever the layout says, and then dropped.
  const fraction = /^[.,][0-9]+/.exec(r.rest);
  if (fraction !== null) r.rest = r.rest.slice(fraction[0].length);
  const offset = r.zone();
  if (r.rest !== '') throw parseProblem(value, `extra text: ${goQuote(r.rest)}`);
  if (day < 1 || day > daysIn(month, year)) throw parseProblem(value, 'day out of range');
  const t = new Date(0);
  t.setUTCFullYear(year, month - 1, day);
  t.setUTCHours(hour, minute - offset, second, 0);
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1, 2)}-${pad(t.getUTCDate(), 2)}T${pad(t.getUTCHours(), 2)}:${pad(t.getUTCMinutes(), 2)}:${pad(t.getUTCSeconds(), 2)}Z`;
}
