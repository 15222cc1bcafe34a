/**
 * Update rules that look at the whole Shoot: the force-deletion annotation (only on a Shoot being deleted
 * with an error Gardener cannot resolve, never removed), node-local DNS switches blocked by in-place
 * pools, pools in an in-place update that may not change, and in-place strategies behind their feature
 * gate on creation.
 */
import { isDeepStrictEqual } from 'node:util';
import { FieldPath, fieldErr, type FieldError } from '../../../apimachinery/field.js';
import { compareSemVer, k8sBelowMinor, parseSemVer, SemVerError, semVerString, type SemVer } from '../../../apimachinery/semver.js';
import type { KubeObject } from '../../../apimachinery/types.js';
import { bool, child, objs, path as at, str, strOr, strs, type Obj } from './read.js';
import { workersOf } from './provider.js';
import { DEFAULT_FEATURE_GATES, IN_PLACE_GATE, type ShootFeatureGates } from './specupdate.js';
import { versionOf } from './spec.js';
import { isInPlace } from './workeroptions.js';

export const FORCE_DELETION_ANNOTATION = 'confirmation.gardener.cloud/force-deletion';
const FORCE_IN_PLACE_UPDATE = 'force-in-place-update';
const FORCE_DELETION_ERROR_CODES = [
  'ERR_CLEANUP_CLUSTER_RESOURCES',
  'ERR_CONFIGURATION_PROBLEM',
  'ERR_INFRA_DEPENDENCIES',
  'ERR_INFRA_UNAUTHENTICATED',
  'ERR_INFRA_UNAUTHORIZED',
];
const TRUE_VALUES: ReadonlySet<string> = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

/** Whether the Shoot is annotated for force deletion (a Go true value). */
export function needsForceDeletion(shoot: KubeObject | undefined): boolean {
  const value = shoot?.metadata.annotations?.[FORCE_DELETION_ANNOTATION];
  return value !== undefined && TRUE_VALUES.has(value);
}

/** Gardener's ValidateForceDeletion (`old` undefined on create). */
export function validateForceDeletion(shoot: KubeObject, old: KubeObject | undefined): FieldError[] {
  const path = FieldPath.of('metadata', 'annotations').key(FORCE_DELETION_ANNOTATION);
  const now = needsForceDeletion(shoot);
  const before = needsForceDeletion(old);
  if (!now && before) return [fieldErr.forbidden(path, 'force-deletion annotation cannot be removed once set')];
  if (!now || before) return [];
  const errs: FieldError[] = [];
  if (shoot.metadata.deletionTimestamp === undefined) errs.push(fieldErr.forbidden(path, 'force-deletion annotation cannot be set when Shoot deletionTimestamp is nil'));
  const codes = objs(shoot.status, 'lastErrors').flatMap((e) => strs(e, 'codes'));
  if (!codes.some((c) => FORCE_DELETION_ERROR_CODES.includes(c))) {
    errs.push(fieldErr.forbidden(path, `force-deletion annotation cannot be set when Shoot status does not contain one of these error codes: [${FORCE_DELETION_ERROR_CODES.join(' ')}]`));
  }
  return errs;
}

/** In-place strategies need the InPlaceNodeUpdates gate (ValidateInPlaceUpdateStrategyOnCreation). */
export function validateInPlaceUpdateStrategyOnCreation(shoot: KubeObject, gates: ShootFeatureGates = DEFAULT_FEATURE_GATES): FieldError[] {
  if (gates.InPlaceNodeUpdates) return [];
  return workersOf(child(shoot, 'spec') ?? {}).flatMap((w, i) => {
    const strategy = str(w, 'updateStrategy');
    return isInPlace(strategy) ? [fieldErr.invalid(FieldPath.of('spec', 'provider', 'workers').index(i).child('updateStrategy'), strategy, IN_PLACE_GATE)] : [];
  });
}

const nodeLocalDNS = (spec: Obj): boolean => bool(at(spec, 'systemComponents', 'nodeLocalDNS'), 'enabled') === true;

/** Whether kube-proxy is enabled in IPVS mode (Gardener's IsKubeProxyIPVSMode). */
export function ipvsProxy(spec: Obj): boolean {
  const proxy = at(spec, 'kubernetes', 'kubeProxy');
  return bool(proxy, 'enabled') === true && str(proxy, 'mode') === 'IPVS';
}

/** Switching node-local DNS is refused with in-place pools below Kubernetes 1.34 or with IPVS kube-proxy. */
export function validateNodeLocalDNSUpdate(next: Obj, prev: Obj, path: FieldPath): FieldError[] {
  if (nodeLocalDNS(next) === nodeLocalDNS(prev)) return [];
  const oldVersion = versionOf(prev);
  try {
    parseSemVer(oldVersion);
  } catch (e: unknown) {
    if (!(e instanceof SemVerError)) throw e;
    return [fieldErr.invalid(path.child('kubernetes', 'version'), oldVersion, `failed to parse old Kubernetes version ${JSON.stringify(oldVersion)}: ${e.message}`)];
  }
  for (const [i, w] of workersOf(prev).entries()) {
    const version = str(child(w, 'kubernetes'), 'version') ?? oldVersion;
    let below134: boolean;
    try {
      below134 = k8sBelowMinor(semVerString(parseSemVer(version)), 34);
    } catch (e: unknown) {
      if (!(e instanceof SemVerError)) throw e;
      const name = strOr(w, 'name');
      return [fieldErr.invalid(FieldPath.of('spec', 'provider', 'workers').index(i), '', `failed to calculate effective Kubernetes version for worker ${JSON.stringify(name)}: ${e.message}`)];
    }
    if (isInPlace(str(w, 'updateStrategy')) && (below134 || ipvsProxy(prev))) {
      const detail =
        'the node-local-dns setting cannot be changed if the shoot has at least one worker pool with an update strategy of either AutoInPlaceUpdate or ManualInPlaceUpdate, ' +
        'and is running a Kubernetes version below 1.34.0 or if kube-proxy runs in IPVS mode.';
      return [fieldErr.forbidden(path.child('systemComponents', 'nodeLocalDNS'), detail)];
    }
  }
  return [];
}

function effectiveVersion(controlPlane: SemVer, worker: Obj): SemVer {
  const own = str(child(worker, 'kubernetes'), 'version');
  return own === undefined ? controlPlane : parseSemVer(own);
}

function inPlacePoolErrors(w: Obj, i: number, oldWorkers: Obj[], cp: { next: SemVer; prev: SemVer; kubelet: unknown; oldKubelet: unknown }): FieldError[] {
  const idx = FieldPath.of('spec', 'provider', 'workers').index(i);
  const oldIndex = oldWorkers.findIndex((o) => strOr(o, 'name') === strOr(w, 'name'));
  const old = oldWorkers[oldIndex];
  if (old === undefined) return [];
  let oldVersion: SemVer;
  let newVersion: SemVer;
  try {
    oldVersion = effectiveVersion(cp.prev, old);
  } catch (e: unknown) {
    if (!(e instanceof SemVerError)) throw e;
    return [fieldErr.forbidden(FieldPath.of('spec', 'provider', 'workers').index(oldIndex), `failed to calculate effective kubernetes version for old worker: ${e.message}`)];
  }
  try {
    newVersion = effectiveVersion(cp.next, w);
  } catch (e: unknown) {
    if (!(e instanceof SemVerError)) throw e;
    return [fieldErr.forbidden(idx, `failed to calculate effective kubernetes version for new worker: ${e.message}`)];
  }
  const kubelet = at(w, 'kubernetes', 'kubelet') ?? cp.kubelet;
  const oldKubelet = at(old, 'kubernetes', 'kubelet') ?? cp.oldKubelet;
  if (isDeepStrictEqual(old, w) && compareSemVer(oldVersion, newVersion) === 0 && isDeepStrictEqual(oldKubelet ?? null, kubelet ?? null)) return [];
  const detail =
    `the worker pool ${JSON.stringify(strOr(w, 'name'))} is currently undergoing an in-place update. No changes are allowed to the worker pool, the Shoot Kubernetes version, ` +
    `or the Shoot kubelet configuration. You can force an update with annotating the Shoot with 'gardener.cloud/operation=${FORCE_IN_PLACE_UPDATE}'`;
  return [fieldErr.forbidden(idx, detail)];
}

/** Pools with a pending in-place update may not change (ValidateInPlaceUpdates). */
export function validateInPlaceUpdates(shoot: KubeObject, old: KubeObject): FieldError[] {
  if (shoot.metadata.annotations?.['gardener.cloud/operation'] === FORCE_IN_PLACE_UPDATE) return [];
  const pending = at(shoot.status, 'inPlaceUpdates', 'pendingWorkerUpdates');
  if (pending === undefined) return [];
  const names = new Set([...strs(pending, 'autoInPlaceUpdate'), ...strs(pending, 'manualInPlaceUpdate')]);
  const spec = child(shoot, 'spec') ?? {};
  const oldSpec = child(old, 'spec') ?? {};
  const versions: SemVer[] = [];
  const errs: FieldError[] = [];
  for (const [which, s] of [['old', oldSpec], ['new', spec]] as const) {
    try {
      versions.push(parseSemVer(versionOf(s)));
    } catch (e: unknown) {
      if (!(e instanceof SemVerError)) throw e;
      errs.push(fieldErr.forbidden(FieldPath.of('spec', 'kubernetes', 'version'), `failed to parse ${which} control plane kubernetes version: ${e.message}`));
    }
  }
  const [prev, next] = versions;
  if (errs.length > 0 || prev === undefined || next === undefined) return errs;
  const cp = { next, prev, kubelet: at(spec, 'kubernetes', 'kubelet'), oldKubelet: at(oldSpec, 'kubernetes', 'kubelet') };
  const oldWorkers = workersOf(oldSpec);
  workersOf(spec).forEach((w, i) => {
    if (isInPlace(str(w, 'updateStrategy')) && names.has(strOr(w, 'name'))) errs.push(...inPlacePoolErrors(w, i, oldWorkers, cp));
  });
  return errs;
}
