/**
 * `spec.maintenance` (auto-update, credential rotation periods, time window) and `spec.hibernation`
 * (schedules as cron specs with an optional time zone). Texts are Gardener's, robfig/cron's and Go's.
 */
import { cronSpecError } from '../../../apimachinery/cron.js';
import { DURATION, formatDuration } from '../../../apimachinery/duration.js';
import { FieldPath, fieldErr, type FieldError } from '../../../apimachinery/field.js';
import type { KubeObject } from '../../../apimachinery/types.js';
import { validateHibernationWithMaintenanceOperations } from './operations.js';
import { nanosValue, WORKERLESS } from './common.js';
import { child, duration, isSet, objs, str, strOr, type Obj } from './read.js';
import { parseMaintenanceWindow, windowDuration } from './timewindow.js';

export const MSG_ROTATION_PERIOD = 'value must be either 0 to disable rotation or between 30m and 90d';
const MIN_PERIOD = 30n * DURATION.MINUTE;
const MAX_PERIOD = 90n * 24n * DURATION.HOUR;
const MIN_WINDOW = 30n * DURATION.MINUTE;
const MAX_WINDOW = 6n * DURATION.HOUR;

/** A rotation period of 0 or between 30m and 90d. */
export function validateRotationPeriod(config: Obj | undefined, path: FieldPath): FieldError[] {
  const ns = duration(config, 'rotationPeriod');
  if (ns === undefined || ns === 0n || (ns >= MIN_PERIOD && ns <= MAX_PERIOD)) return [];
  return [fieldErr.invalid(path.child('rotationPeriod'), formatDuration(ns), MSG_ROTATION_PERIOD)];
}

function timeWindow(window: Obj, path: FieldPath): FieldError[] {
  let d: bigint;
  try {
    d = windowDuration(parseMaintenanceWindow(strOr(window, 'begin'), strOr(window, 'end')));
  } catch (e: unknown) {
    if (!(e instanceof Error)) throw e;
    return [fieldErr.invalid(path.child('begin/end'), window, e.message)];
  }
  if (d > MAX_WINDOW) return [fieldErr.invalid(path, nanosValue(d), `time window must not be greater than ${formatDuration(MAX_WINDOW)}`)];
  if (d < MIN_WINDOW) return [fieldErr.invalid(path, nanosValue(d), `time window must not be smaller than ${formatDuration(MIN_WINDOW)}`)];
  return [];
}

/** Gardener's validateMaintenance. */
export function validateMaintenance(maintenance: Obj | undefined, path: FieldPath, workerless: boolean): FieldError[] {
  if (maintenance === undefined) return [];
  const errs: FieldError[] = [];
  if (workerless && isSet(child(maintenance, 'autoUpdate'), 'machineImageVersion')) {
    errs.push(fieldErr.forbidden(path.child('autoUpdate', 'machineImageVersion'), WORKERLESS));
  }
  const credentials = child(child(maintenance, 'autoRotation'), 'credentials');
  if (credentials !== undefined) {
    const at = path.child('autoRotation', 'credentials');
    const observability = child(credentials, 'observability');
    if (observability !== undefined) errs.push(...validateRotationPeriod(observability, at.child('observability')));
    const ssh = child(credentials, 'sshKeypair');
    if (ssh !== undefined) {
      if (workerless) errs.push(fieldErr.forbidden(at.child('sshKeypair'), WORKERLESS));
      else errs.push(...validateRotationPeriod(ssh, at.child('sshKeypair')));
    }
    const etcd = child(credentials, 'etcdEncryptionKey');
    if (etcd !== undefined) errs.push(...validateRotationPeriod(etcd, at.child('etcdEncryptionKey')));
  }
  const window = child(maintenance, 'timeWindow');
  if (window !== undefined) errs.push(...timeWindow(window, path.child('timeWindow')));
  return errs;
}

/** A cron spec, not seen before in this Shoot's schedules (ValidateHibernationCronSpec). */
export function validateHibernationCronSpec(seen: Set<string>, spec: string, path: FieldPath): FieldError[] {
  const err = cronSpecError(spec);
  if (err !== undefined) return [fieldErr.invalid(path, spec, `not a valid cron spec: ${err}`)];
  if (seen.has(spec)) return [fieldErr.duplicate(path, spec)];
  seen.add(spec);
  return [];
}

/** Answers of {@link isKnownLocation} (constructing an Intl.DateTimeFormat is costly); bounded. */
const knownLocations = new Map<string, boolean>();
const KNOWN_LOCATIONS_MAX = 1024;

/** Whether Go's time.LoadLocation knows `name` (the IANA database as Node's ICU carries it). */
function isKnownLocation(name: string): boolean {
  const cached = knownLocations.get(name);
  if (cached !== undefined) return cached;
  const known = lookUpLocation(name);
  if (knownLocations.size >= KNOWN_LOCATIONS_MAX) knownLocations.clear();
  knownLocations.set(name, known);
  return known;
}

function lookUpLocation(name: string): boolean {
  if (name === '' || name === 'UTC' || name === 'Local') return true;
  if (name.includes('..') || name.startsWith('/')) return false;
  try {
    const canonical = new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
    // Go looks zone files up case-sensitively: a differently cased spelling of a canonical name is unknown.
    return canonical === name || canonical.toLowerCase() !== name.toLowerCase();
  } catch (e: unknown) {
    if (e instanceof RangeError) return false;
    throw e;
  }
}

/** A time zone name Go can load (ValidateHibernationScheduleLocation). */
export function validateHibernationScheduleLocation(location: string, path: FieldPath): FieldError[] {
  return isKnownLocation(location) ? [] : [fieldErr.invalid(path, location, `not a valid location: unknown time zone ${location}`)];
}

/** One schedule: start and/or end, valid cron specs, a known location. */
export function validateHibernationSchedule(seen: Set<string>, schedule: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const start = str(schedule, 'start');
  const end = str(schedule, 'end');
  if (start === undefined && end === undefined) errs.push(fieldErr.required(path.child('start/end'), 'either start or end has to be provided'));
  if (start !== undefined) errs.push(...validateHibernationCronSpec(seen, start, path.child('start')));
  if (end !== undefined) errs.push(...validateHibernationCronSpec(seen, end, path.child('end')));
  const location = str(schedule, 'location');
  if (location !== undefined) errs.push(...validateHibernationScheduleLocation(location, path.child('location')));
  return errs;
}

/** Every schedule of `spec.hibernation.schedules`, cron specs unique across them. */
export function validateHibernationSchedules(schedules: Obj[], path: FieldPath): FieldError[] {
  const seen = new Set<string>();
  return schedules.flatMap((s, i) => validateHibernationSchedule(seen, s, path.index(i)));
}

/** Gardener's ValidateHibernation: not for self-hosted Shoots, not with credential rotations pending. */
export function validateHibernation(shoot: KubeObject, selfHosted: boolean, path: FieldPath): FieldError[] {
  const hibernation = child(shoot.spec, 'hibernation');
  if (hibernation === undefined) return [];
  if (selfHosted) return [fieldErr.forbidden(path, 'hibernation is not supported for self-hosted shoots')];
  return [...validateHibernationWithMaintenanceOperations(shoot), ...validateHibernationSchedules(objs(hibernation, 'schedules'), path.child('schedules'))];
}
