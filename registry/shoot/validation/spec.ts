/**
 * The few ShootSpec rules besides encryption that this server enforces: automatic rotation periods,
 * a non-empty seedName when given, and the fields that cannot change (region, provider type).
 */
import { FieldPath, fieldErr, type FieldError } from '../../../apimachinery/field.js';
import type { KubeObject } from '../../../apimachinery/types.js';
import { validateImmutableField } from '../../../apimachinery/validation.js';
import { nested, text } from '../../encryptionconfig/types.js';
import { DURATION, DurationError, formatDuration, parseDuration } from '../../../apimachinery/duration.js';
import { rotationPeriodOf, specOf } from '../types.js';

/** Credentials with an automatic rotation period. */
const AUTO_ROTATED = ['observability', 'sshKeypair', 'etcdEncryptionKey'] as const;
export const MSG_ROTATION_PERIOD = 'value must be either 0 to disable rotation or between 30m and 90d';
const MIN_PERIOD = 30n * DURATION.MINUTE;
const MAX_PERIOD = 90n * 24n * DURATION.HOUR;

/** `rotationPeriod` 0, or between 30m and 90d, for each automatically rotated credential. */
export function validateRotationPeriods(shoot: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const base = FieldPath.of('spec', 'maintenance', 'autoRotation', 'credentials');
  for (const name of AUTO_ROTATED) {
    const period = rotationPeriodOf(shoot, name);
    if (period === undefined) continue;
    let ns: bigint;
    try {
      ns = parseDuration(period);
    } catch (e: unknown) {
      if (!(e instanceof DurationError)) throw e;
      continue; // not decodable; rejected before validation
    }
    if (ns !== 0n && (ns < MIN_PERIOD || ns > MAX_PERIOD)) {
      errs.push(fieldErr.invalid(base.child(name, 'rotationPeriod'), formatDuration(ns), MSG_ROTATION_PERIOD));
    }
  }
  return errs;
}

/** `spec.seedName` may be absent but not empty. */
export function validateSeedName(shoot: KubeObject): FieldError[] {
  const spec = specOf(shoot);
  if (spec.seedName !== '') return [];
  return [fieldErr.invalid(FieldPath.of('spec', 'seedName'), '', 'seed name must not be empty when providing the key')];
}

/** `spec.region` and `spec.provider.type` cannot change. */
export function validateImmutableSpecFields(shoot: KubeObject, old: KubeObject): FieldError[] {
  return [
    ...validateImmutableField(text(specOf(shoot), 'region') ?? '', text(specOf(old), 'region') ?? '', FieldPath.of('spec', 'region')),
    ...validateImmutableField(
      text(nested(shoot, 'spec', 'provider'), 'type') ?? '',
      text(nested(old, 'spec', 'provider'), 'type') ?? '',
      FieldPath.of('spec', 'provider', 'type'),
    ),
  ];
}
