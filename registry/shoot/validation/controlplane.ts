/**
 * `spec.controlPlane`: the failure tolerance type, the zones the control plane is pinned to (one, or three
 * for zone tolerance; only widened from one to three when moving to zone tolerance), high availability
 * that cannot change once scheduled or be switched on while hibernated, and the control plane pool of a
 * self-hosted Shoot.
 */
import { FieldPath, fieldErr, type FieldError } from '../../../apimachinery/field.js';
import type { KubeObject } from '../../../apimachinery/types.js';
import { validateImmutableField } from '../../../apimachinery/validation.js';
import { isInHibernation } from '../types.js';
import { printedIntOrString } from './common.js';
import { controlPlanePool, workersOf } from './provider.js';
import { child, isSet, num, str, strs, type Obj } from './read.js';

const FAILURE_TOLERANCE_TYPES = ['node', 'zone'];

/** `highAvailability.failureTolerance.type` of a control plane, undefined without high availability. */
export function failureToleranceType(controlPlane: Obj | undefined): string | undefined {
  const ha = child(controlPlane, 'highAvailability');
  return ha === undefined ? undefined : (str(child(ha, 'failureTolerance'), 'type') ?? '');
}

/** A known failure tolerance type (ValidateFailureToleranceTypeValue). */
export function validateFailureToleranceTypeValue(value: string, path: FieldPath): FieldError[] {
  return FAILURE_TOLERANCE_TYPES.includes(value) ? [] : [fieldErr.notSupported(path, value, FAILURE_TOLERANCE_TYPES)];
}

/** The failure tolerance type of `spec.controlPlane` (ValidateShootHAConfig). */
export function validateShootHAConfig(shoot: KubeObject): FieldError[] {
  const type = failureToleranceType(child(shoot.spec, 'controlPlane'));
  return type === undefined ? [] : validateFailureToleranceTypeValue(type, FieldPath.of('spec', 'controlPlane', 'highAvailability', 'failureTolerance', 'type'));
}

/** High availability cannot be switched on while hibernated, nor changed once scheduled (ValidateShootHAConfigUpdate). */
export function validateShootHAConfigUpdate(shoot: KubeObject, old: KubeObject): FieldError[] {
  const path = FieldPath.of('spec.controlPlane').child('highAvailability', 'failureTolerance', 'type');
  const oldType = failureToleranceType(child(old.spec, 'controlPlane'));
  const newType = failureToleranceType(child(shoot.spec, 'controlPlane'));
  const errs: FieldError[] = [];
  if (newType !== undefined && oldType === undefined && isInHibernation(shoot)) {
    errs.push(fieldErr.forbidden(path, 'Shoot is currently hibernated and cannot be scaled up to HA. Please make sure your cluster has woken up before scaling it up to HA'));
  }
  if (oldType !== undefined && isSet(shoot.spec, 'seedName')) errs.push(...validateImmutableField(newType ?? '', oldType, path));
  return errs;
}

/** `spec.controlPlane.zones`: unique; three for zone tolerance, else one. */
export function validateControlPlaneZones(controlPlane: Obj | undefined, path: FieldPath): FieldError[] {
  const zones = strs(controlPlane, 'zones');
  if (zones.length === 0) return [];
  const errs: FieldError[] = [];
  const used = new Set<string>();
  zones.forEach((z, i) => {
    if (used.has(z)) errs.push(fieldErr.duplicate(path.child('zones').index(i), z));
    used.add(z);
  });
  if (failureToleranceType(controlPlane) === 'zone') {
    if (used.size !== 3) errs.push(fieldErr.invalid(path.child('zones'), zones, "exactly 3 unique zones must be specified when failure tolerance type is 'zone'"));
  } else if (used.size !== 1) errs.push(fieldErr.invalid(path.child('zones'), zones, "exactly 1 zone must be specified when failure tolerance type is not 'zone'"));
  return errs;
}

/** Zones are fixed, except cleared, or widened from one to three when moving to zone tolerance. */
export function validateControlPlaneZonesUpdate(next: Obj | undefined, prev: Obj | undefined, path: FieldPath): FieldError[] {
  const oldZones = strs(prev, 'zones');
  const newZones = strs(next, 'zones');
  if (oldZones.length === newZones.length && oldZones.every((z, i) => z === newZones[i])) return [];
  if (newZones.length === 0) return [];
  const toZoneHA = failureToleranceType(prev) !== 'zone' && failureToleranceType(next) === 'zone';
  if (toZoneHA && oldZones.length > 0) {
    return oldZones.every((z) => newZones.includes(z))
      ? []
      : [fieldErr.forbidden(path.child('zones'), 'existing zones cannot be removed when expanding for zone failure tolerance upgrade')];
  }
  return [fieldErr.forbidden(path.child('zones'), 'field is immutable')];
}

const intValue = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && /^-?[0-9]+$/.test(v) ? Number(v) : undefined);

/** The control plane pool of a self-hosted Shoot: one node, or three with maxSurge=maxUnavailable=1 when HA. */
export function validateSelfHostedControlPlane(spec: Obj, path: FieldPath): FieldError[] {
  const pool = controlPlanePool(workersOf(spec));
  if (pool === undefined) return [];
  const [worker, i] = pool;
  const wp = path.child('provider', 'workers').index(i);
  const errs: FieldError[] = [];
  const min = num(worker, 'minimum') ?? 0;
  const max = num(worker, 'maximum') ?? 0;
  if (min !== max || min !== 1) {
    errs.push(fieldErr.invalid(wp.child('minimum'), min, 'self-hosted shoots only support minimum=maximum=1 for the control plane worker pool (might change in the future)'));
  }
  const type = failureToleranceType(child(spec, 'controlPlane'));
  if (type === undefined) {
    if (max !== 1) errs.push(fieldErr.invalid(wp.child('maximum'), max, 'control plane worker pool must have maximum=1 when high availability is not configured'));
    return errs;
  }
  if (max !== 3) errs.push(fieldErr.invalid(wp.child('maximum'), max, 'control plane worker pool must have maximum=3 when high availability is configured'));
  if (intValue(worker.maxSurge) !== 1) {
    errs.push(fieldErr.invalid(wp.child('maxSurge'), printedIntOrString(worker.maxSurge), 'control plane worker pool must have maxSurge=1 when high availability is configured'));
  }
  if (intValue(worker.maxUnavailable) !== 1) {
    errs.push(fieldErr.invalid(wp.child('maxUnavailable'), printedIntOrString(worker.maxUnavailable), 'control plane worker pool must have maxUnavailable=1 when high availability is configured'));
  }
  const zones = strs(worker, 'zones');
  if (type === 'zone' && zones.length !== 3) {
    errs.push(fieldErr.invalid(wp.child('zones'), zones, 'control plane worker pool must have exactly 3 zones when failure tolerance type is zone'));
  }
  return errs;
}
