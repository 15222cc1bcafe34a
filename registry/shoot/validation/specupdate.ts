/**
 * What an update may change in the spec (Gardener's ValidateShootSpecUpdate and ValidateProviderUpdate):
 * nothing while deleting; region, credentials binding, DNS, Kubernetes version steps, node CIDR masks,
 * workers (not between workerless and not, strategies, in-place constraints, backup settings),
 * networking and scheduler name.
 */
import { isDeepStrictEqual } from 'node:util';
import { FieldPath, fieldErr, type FieldError } from '../../../apimachinery/field.js';
import type { KubeObject } from '../../../apimachinery/types.js';
import { validateImmutableField } from '../../../apimachinery/validation.js';
import { validateControlPlaneZonesUpdate } from './controlplane.js';
import { validateDNSUpdate } from './dns.js';
import { validateNetworkingUpdate } from './networking.js';
import { controlPlanePool, isSelfHosted, workersOf } from './provider.js';
import { child, isSet, num, path as at, str, strOr, type Obj } from './read.js';
import { validateCloudProfileReference } from './references.js';
import { specDiff } from './specdiff.js';
import { versionOf } from './spec.js';
import { isInPlace } from './workeroptions.js';
import { validateKubernetesVersionUpdate, validateMachineImageVersionInPlaceUpdate } from './versions.js';

/** Gardener feature gates the Shoot rules depend on. */
export interface ShootFeatureGates {
  /** Worker pools may use the in-place update strategies (alpha, off by default at b312835d17). */
  InPlaceNodeUpdates: boolean;
  /** The nginx ingress add-on may only stay enabled where it already was (alpha, off by default). */
  DisableNginxIngressInShoot: boolean;
}

/** Gardener's defaults at b312835d17. */
export const DEFAULT_FEATURE_GATES: Readonly<ShootFeatureGates> = { InPlaceNodeUpdates: false, DisableNginxIngressInShoot: false };

const DEFAULT_SCHEDULER = 'default-scheduler';
/** Detail of an in-place strategy without the InPlaceNodeUpdates gate. */
export const IN_PLACE_GATE = 'can not configure `AutoInPlaceUpdate` or `ManualInPlaceUpdate` update strategies when the `InPlaceNodeUpdates` feature gate is disabled.';

function kcmUpdate(next: Obj | undefined, prev: Obj | undefined, path: FieldPath): FieldError[] {
  const errs = validateImmutableField(num(next, 'nodeCIDRMaskSize') ?? null, num(prev, 'nodeCIDRMaskSize') ?? null, path.child('nodeCIDRMaskSize'));
  if (isSet(prev, 'nodeCIDRMaskSizeIPv6')) {
    errs.push(...validateImmutableField(num(next, 'nodeCIDRMaskSizeIPv6') ?? null, num(prev, 'nodeCIDRMaskSizeIPv6') ?? null, path.child('nodeCIDRMaskSizeIPv6')));
  }
  return errs;
}

function bindingUpdate(next: Obj, prev: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (isSet(prev, 'credentialsBindingName') && strOr(next, 'credentialsBindingName') === '') {
    errs.push(fieldErr.forbidden(path.child('credentialsBindingName'), 'the field cannot be unset'));
  }
  const migrating = isSet(prev, 'secretBindingName') && !isSet(next, 'secretBindingName') && strOr(next, 'credentialsBindingName') !== '';
  if (!migrating) errs.push(...validateImmutableField(str(next, 'secretBindingName') ?? null, str(prev, 'secretBindingName') ?? null, path.child('secretBindingName')));
  return errs;
}

function inPlaceWorkerUpdate(w: Obj, old: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const machine = child(w, 'machine');
  const oldMachine = child(old, 'machine');
  if (strOr(oldMachine, 'type') !== strOr(machine, 'type')) {
    errs.push(fieldErr.invalid(path.child('machine', 'type'), strOr(machine, 'type'), 'machine type cannot be changed if update strategy is AutoInPlaceUpdate/ManualInPlaceUpdate'));
  }
  const image = child(machine, 'image');
  const oldImage = child(oldMachine, 'image');
  if (image !== undefined && oldImage !== undefined && strOr(image, 'name') !== strOr(oldImage, 'name')) {
    errs.push(fieldErr.invalid(path.child('machine', 'image', 'name'), strOr(image, 'name'), 'machine image name cannot be changed if update strategy is AutoInPlaceUpdate/ManualInPlaceUpdate'));
  }
  const cri = child(w, 'cri');
  const oldCri = child(old, 'cri');
  if (cri !== undefined && oldCri !== undefined && strOr(cri, 'name') !== strOr(oldCri, 'name')) {
    errs.push(fieldErr.invalid(path.child('cri', 'name'), strOr(cri, 'name'), 'CRI name cannot be changed if update strategy is AutoInPlaceUpdate/ManualInPlaceUpdate'));
  }
  if (!isDeepStrictEqual(w.volume ?? null, old.volume ?? null)) {
    errs.push(fieldErr.invalid(path.child('volume'), w.volume ?? null, 'volume cannot be changed if update strategy is AutoInPlaceUpdate/ManualInPlaceUpdate'));
  }
  return errs;
}

function backupUpdate(w: Obj, old: Obj, path: FieldPath): FieldError[] {
  const oldBackup = at(old, 'controlPlane', 'backup');
  if (oldBackup === undefined) return [];
  const backup = at(w, 'controlPlane', 'backup');
  const cp = path.child('controlPlane');
  if (backup === undefined) return validateImmutableField(null, oldBackup, cp.child('backup'));
  return [
    ...validateImmutableField(strOr(backup, 'provider'), strOr(oldBackup, 'provider'), cp.child('backup', 'provider')),
    ...validateImmutableField(str(backup, 'region') ?? null, str(oldBackup, 'region') ?? null, cp.child('backup', 'region')),
  ];
}

function workerStrategyUpdate(w: Obj, old: Obj | undefined, gates: ShootFeatureGates, path: FieldPath): FieldError[] {
  const strategy = str(w, 'updateStrategy');
  if (old === undefined) {
    return !gates.InPlaceNodeUpdates && isInPlace(strategy) ? [fieldErr.invalid(path.child('updateStrategy'), strategy, IN_PLACE_GATE)] : [];
  }
  const errs: FieldError[] = [];
  const oldStrategy = str(old, 'updateStrategy');
  if (isInPlace(oldStrategy) && !isInPlace(strategy)) {
    errs.push(fieldErr.invalid(path.child('updateStrategy'), strategy ?? null, 'update strategy cannot be changed from AutoInPlaceUpdate/ManualInPlaceUpdate to AutoRollingUpdate'));
  }
  if (!isInPlace(oldStrategy) && isInPlace(strategy)) {
    errs.push(fieldErr.invalid(path.child('updateStrategy'), strategy ?? null, 'update strategy cannot be changed from AutoRollingUpdate to AutoInPlaceUpdate/ManualInPlaceUpdate'));
  }
  if (oldStrategy === strategy && isInPlace(strategy)) errs.push(...inPlaceWorkerUpdate(w, old, path));
  return [...errs, ...backupUpdate(w, old, path)];
}

/** Gardener's ValidateProviderUpdate. */
export function validateProviderUpdate(next: Obj | undefined, prev: Obj | undefined, path: FieldPath, gates: ShootFeatureGates = DEFAULT_FEATURE_GATES): FieldError[] {
  const errs = validateImmutableField(strOr(next, 'type'), strOr(prev, 'type'), path.child('type'));
  const workers = workersOf({ provider: next });
  const oldWorkers = workersOf({ provider: prev });
  workers.forEach((w, i) => {
    const old = oldWorkers.find((o) => strOr(o, 'name') === strOr(w, 'name'));
    errs.push(...workerStrategyUpdate(w, old, gates, path.child('workers').index(i)));
  });
  if (isSelfHosted(oldWorkers) !== isSelfHosted(workers)) errs.push(fieldErr.forbidden(path.child('workers'), 'cannot switch a Shoot between self-hosted and hosted mode'));
  else if (isSelfHosted(workers) && strOr(controlPlanePool(oldWorkers)?.[0], 'name') !== strOr(controlPlanePool(workers)?.[0], 'name')) {
    errs.push(fieldErr.forbidden(path.child('workers'), 'cannot change control plane worker pool'));
  }
  return errs;
}

function workerVersionUpdates(next: Obj, prev: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const oldWorkers = workersOf(prev);
  workersOf(next).forEach((w, i) => {
    const old = oldWorkers.find((o) => strOr(o, 'name') === strOr(w, 'name')) ?? w;
    const at = path.child('provider', 'workers').index(i);
    const oldVersion = str(child(old, 'kubernetes'), 'version') ?? versionOf(prev);
    const newVersion = str(child(w, 'kubernetes'), 'version') ?? versionOf(next);
    const inPlace = isInPlace(str(w, 'updateStrategy'));
    errs.push(...validateKubernetesVersionUpdate(newVersion, oldVersion, !inPlace, at.child('kubernetes', 'version')));
    if (inPlace) {
      const image = at.child('machine', 'image', 'version');
      const newImage = child(child(w, 'machine'), 'image');
      errs.push(...validateMachineImageVersionInPlaceUpdate(newImage, strOr(newImage, 'version'), strOr(child(child(old, 'machine'), 'image'), 'version'), image));
    }
  });
  return errs;
}

function schedulerNameUpdate(next: Obj, prev: Obj, path: FieldPath): FieldError[] {
  const newName = str(next, 'schedulerName');
  const oldName = str(prev, 'schedulerName');
  if (newName === oldName || (oldName === undefined && newName === DEFAULT_SCHEDULER)) return [];
  return [fieldErr.invalid(path.child('schedulerName'), newName ?? null, 'field is immutable')];
}

/** Gardener's ValidateShootSpecUpdate. */
export function validateShootSpecUpdate(shoot: KubeObject, old: KubeObject, gates: ShootFeatureGates = DEFAULT_FEATURE_GATES): FieldError[] {
  const path = FieldPath.of('spec');
  const next = child(shoot, 'spec') ?? {};
  const prev = child(old, 'spec') ?? {};
  if (shoot.metadata.deletionTimestamp !== undefined && !isDeepStrictEqual(next, prev)) {
    return [fieldErr.forbidden(path, `cannot update shoot spec if deletion timestamp is set. Requested changes: ${specDiff(next, prev).join(',')}`)];
  }
  const errs = validateImmutableField(strOr(next, 'region'), strOr(prev, 'region'), path.child('region'));
  errs.push(...validateCloudProfileReference(next, versionOf(next), path));
  errs.push(...validateControlPlaneZonesUpdate(child(next, 'controlPlane'), child(prev, 'controlPlane'), path.child('controlPlane')));
  errs.push(...bindingUpdate(next, prev, path));
  errs.push(...validateDNSUpdate(child(next, 'dns'), child(prev, 'dns'), isSet(next, 'seedName'), path.child('dns')));
  errs.push(...validateKubernetesVersionUpdate(versionOf(next), versionOf(prev), false, path.child('kubernetes', 'version')));
  errs.push(...kcmUpdate(at(next, 'kubernetes', 'kubeControllerManager'), at(prev, 'kubernetes', 'kubeControllerManager'), path.child('kubernetes', 'kubeControllerManager')));
  const hasWorkers = workersOf(next).length > 0;
  const hadWorkers = workersOf(prev).length > 0;
  if (hadWorkers && !hasWorkers) return [...errs, fieldErr.forbidden(path.child('provider', 'workers'), 'cannot switch from a Shoot with workers to a workerless Shoot')];
  if (!hadWorkers && hasWorkers) return [...errs, fieldErr.forbidden(path.child('provider', 'workers'), 'cannot switch from a workerless Shoot to a Shoot with workers')];
  errs.push(...validateProviderUpdate(child(next, 'provider'), child(prev, 'provider'), path.child('provider'), gates));
  errs.push(...workerVersionUpdates(next, prev, path));
  errs.push(...validateNetworkingUpdate(child(next, 'networking'), child(prev, 'networking'), path.child('networking')));
  errs.push(...schedulerNameUpdate(next, prev, path));
  return errs;
}

