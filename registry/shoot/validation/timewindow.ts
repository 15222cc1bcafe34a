/**
 * Gardener's maintenance time windows: times written `HHMMSS+ZONE` (Go layout `150405-0700`), read with
 * Go's time.Parse rules and errors, converted to UTC; a window's duration crosses midnight when its end
 * is not after its begin. Also the random one-hour window Gardener defaults.
 */
import { DURATION } from '../../../apimachinery/duration.js';

const LAYOUT = '150405-0700';

/** A time of day in UTC, in seconds since midnight. */
export type MaintenanceTime = number;

class TimeParseError extends Error {}

const q = (s: string): string => JSON.stringify(s);

/** Go's getnum: one or two digits (exactly two when `fixed`). */
function getnum(s: string, fixed: boolean): [number, string] | undefined {
  if (!/^[0-9]/.test(s)) return undefined;
  if (!/^[0-9][0-9]/.test(s)) return fixed ? undefined : [Number(s[0]), s.slice(1)];
  return [Number(s.slice(0, 2)), s.slice(2)];
}

/** Parses `value` like Go's time.Parse with the maintenance layout; returns UTC seconds of the day. */
function parseTime(value: string): MaintenanceTime {
  const bad = (rest: string, elem: string): TimeParseError => new TimeParseError(`parsing time ${q(value)} as ${q(LAYOUT)}: cannot parse ${q(rest)} as ${q(elem)}`);
  const range = (what: string): TimeParseError => new TimeParseError(`parsing time ${q(value)}: ${what} out of range`);
  let rest = value;
  const fields: number[] = [];
  for (const [elem, fixed, max, what] of [['15', false, 24, 'hour'], ['04', true, 60, 'minute'], ['05', true, 60, 'second']] as const) {
    const r = getnum(rest, fixed);
    if (r === undefined) throw bad(rest, elem);
    if (r[0] >= max) throw range(what);
    fields.push(r[0]);
    rest = r[1];
  }
  const frac = /^[.,][0-9]+/.exec(rest);
  if (frac !== null) rest = rest.slice(frac[0].length);
  if (rest.length < 5) throw bad(rest, '-0700');
  const [sign, hh, mm] = [rest[0], getnum(rest.slice(1, 3), true), getnum(rest.slice(3, 5), true)];
  if (hh === undefined || mm === undefined) throw bad(rest, '-0700');
  if (hh[0] > 24) throw range('time zone offset hour');
  if (mm[0] > 60) throw range('time zone offset minute');
  if (sign !== '+' && sign !== '-') throw bad(rest, '-0700');
  if (rest.length > 5) throw new TimeParseError(`parsing time ${q(value)}: extra text: ${q(rest.slice(5))}`);
  const offset = (hh[0] * 60 + mm[0]) * 60 * (sign === '-' ? -1 : 1);
  const [h = 0, m = 0, s = 0] = fields;
  const day = 24 * 3600;
  return (((h * 3600 + m * 60 + s - offset) % day) + day) % day;
}

/** A parsed window. */
export interface MaintenanceWindow {
  begin: MaintenanceTime;
  end: MaintenanceTime;
}

/** Parses begin and end; throws an Error with Gardener's message when either does not parse. */
export function parseMaintenanceWindow(begin: string, end: string): MaintenanceWindow {
  const one = (v: string, which: string): MaintenanceTime => {
    try {
      return parseTime(v);
    } catch (e: unknown) {
      if (e instanceof TimeParseError) throw new Error(`could not parse ${which} time: could not parse the value into the maintenanceTime format: ${e.message}`);
      throw e;
    }
  };
  return { begin: one(begin, 'begin'), end: one(end, 'end') };
}

/** The window's length in nanoseconds; an end not after the begin is on the next day. */
export function windowDuration(w: MaintenanceWindow): bigint {
  const end = w.end <= w.begin ? w.end + 24 * 3600 : w.end;
  return BigInt(end - w.begin) * DURATION.SECOND;
}

/** `HHMMSS+0000` of a UTC time of day. */
export function formatMaintenanceTime(t: MaintenanceTime): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(Math.floor(t / 3600))}${two(Math.floor(t / 60) % 60)}${two(t % 60)}+0000`;
}

/** A random one-hour window starting at a full hour between 00:00 and 22:00 UTC. */
export function randomMaintenanceWindow(random: () => number = Math.random): { begin: string; end: string } {
  const hour = Math.floor(random() * 23);
  return { begin: formatMaintenanceTime(hour * 3600), end: formatMaintenanceTime((hour + 1) * 3600) };
}
