/**
 * `spec.provider` (Gardener's validateProvider): the provider type, what a workerless Shoot may not
 * configure, every worker pool, the rules across pools (unique names, one control plane pool, pools for
 * system components across their zones) and whether the node CIDR mask leaves room for the pods.
 */
import { FieldPath, fieldErr, type FieldError } from '../../../apimachinery/field.js';
import { dns1123Label, WORKERLESS } from './common.js';
import { isIPv6SingleStack } from './networking.js';
import { child, isSet, num, objs, strOr, strs, type Obj } from './read.js';
import { systemComponentsAllowed } from './workeroptions.js';
import { validateWorker } from './workers.js';

/** kube-controller-manager's default node CIDR mask sizes. */
const DEFAULT_NODE_CIDR_MASK = { v4: 24, v6: 64 };
/** The kubelet's default maxPods. */
export const DEFAULT_MAX_PODS = 110;

/** Worker pools of `spec.provider`. */
export function workersOf(spec: unknown): Obj[] {
  return objs(child(spec, 'provider'), 'workers');
}

/** Whether a pool hosts the control plane (a self-hosted Shoot). */
export function isSelfHosted(workers: Obj[]): boolean {
  return workers.some((w) => isSet(w, 'controlPlane'));
}

/** The pool that hosts the control plane, with its index. */
export function controlPlanePool(workers: Obj[]): [Obj, number] | undefined {
  const i = workers.findIndex((w) => isSet(w, 'controlPlane'));
  const w = workers[i];
  return w === undefined ? undefined : [w, i];
}

/** Whether `mask` leaves room for `maxPods` pods per node (ValidateNodeCIDRMaskWithMaxPod). */
export function validateNodeCIDRMaskWithMaxPod(maxPods: number, mask: number, ipFamilies: string[]): FieldError[] {
  const v6 = isIPv6SingleStack(ipFamilies);
  const total = v6 ? 128 : 32;
  const defaultMask = v6 ? DEFAULT_NODE_CIDR_MASK.v6 : DEFAULT_NODE_CIDR_MASK.v4;
  const subnetBits = total - mask;
  const available = subnetBits >= 0 ? (1n << BigInt(subnetBits)) - 2n : -2n;
  if (available >= BigInt(maxPods)) return [];
  const detail =
    `kubelet or kube-controller-manager configuration incorrect. Please adjust the nodeCIDRMaskSize to support the highest maxPod on any worker pool. ` +
    `The nodeCIDRMaskSize of ${mask} (default: ${defaultMask}) only supports ${available} IP addresses. The highest maxPod setting is ${maxPods} (default: 110). ` +
    `Please choose a nodeCIDRMaskSize that at least supports ${maxPods} IP addresses`;
  return [fieldErr.invalid(FieldPath.of('spec', 'kubernetes', 'kubeControllerManager', 'nodeCIDRMaskSize'), mask, detail)];
}

/** Unique pool names; at most one control plane pool (ValidateWorkers). */
export function validateWorkerPools(workers: Obj[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  let controlPlaneFound = false;
  workers.forEach((w, i) => {
    const name = strOr(w, 'name');
    if (names.has(name)) errs.push(fieldErr.duplicate(path.index(i).child('name'), name));
    names.add(name);
    const cp = child(w, 'controlPlane');
    if (cp !== undefined) {
      if (controlPlaneFound) errs.push(fieldErr.invalid(path.index(i).child('controlPlane'), cp, 'cannot have more than one worker pool marked for control plane components'));
      controlPlaneFound = true;
    }
  });
  return errs;
}

/**
 * At least one active pool for system components, each with a maximum of at least its zone count (per
 * distinct zone set); in a self-hosted Shoot such pools stay within the control plane pool's zones.
 */
export function validateSystemComponentWorkers(workers: Obj[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const sufficient = new Set<string>();
  const insufficient = new Map<string, number>();
  let anyActive = false;
  workers.forEach((w, i) => {
    const maximum = num(w, 'maximum') ?? 0;
    if (!systemComponentsAllowed(w) || maximum === 0) return;
    anyActive = true;
    const zones = strs(w, 'zones');
    const key = [...new Set(zones)].sort().join('--');
    if (maximum >= zones.length) {
      sufficient.add(key);
      insufficient.delete(key);
    } else if (!sufficient.has(key)) insufficient.set(key, i);
  });
  for (const i of [...insufficient.values()].sort((a, b) => a - b)) {
    errs.push(fieldErr.forbidden(path.index(i).child('maximum'), 'maximum node count should be greater than or equal to the number of zones specified for this pool'));
  }
  if (!anyActive) errs.push(fieldErr.forbidden(path, 'at least one active (workers[i].maximum > 0) worker pool with systemComponents.allow=true needed'));
  if (isSelfHosted(workers)) {
    const cpZones = new Set(workers.filter((w) => isSet(w, 'controlPlane')).flatMap((w) => strs(w, 'zones')));
    workers.forEach((w, i) => {
      if (isSet(w, 'controlPlane') || !systemComponentsAllowed(w) || strs(w, 'zones').every((z) => cpZones.has(z))) return;
      errs.push(fieldErr.invalid(path.index(i).child('systemComponents'), w.systemComponents ?? null, 'workers that enable systemComponents must use a subset of the zones of control plane worker'));
    });
  }
  return errs;
}

function workerlessProvider(provider: Obj | undefined, path: FieldPath): FieldError[] {
  return ['infrastructureConfig', 'controlPlaneConfig', 'workersSettings'].filter((k) => isSet(provider, k)).map((k) => fieldErr.forbidden(path.child(k), WORKERLESS));
}

/** The highest maxPods of the Shoot's and the pools' kubelets (0 when none is set). */
function highestMaxPods(kubernetes: Obj, workers: Obj[]): number {
  let max = num(child(kubernetes, 'kubelet'), 'maxPods') ?? 0;
  for (const w of workers) {
    const own = num(child(child(w, 'kubernetes'), 'kubelet'), 'maxPods');
    if (own !== undefined && own > max) max = own;
  }
  return max;
}

/** Gardener's validateProvider. */
export function validateProvider(spec: Obj, namespace: string, path: FieldPath, inTemplate = false): FieldError[] {
  const provider = child(spec, 'provider');
  const kubernetes = child(spec, 'kubernetes') ?? {};
  const networking = child(spec, 'networking');
  const workers = workersOf(spec);
  const type = strOr(provider, 'type');
  const errs = type === '' ? [fieldErr.required(path.child('type'), 'must specify a provider type')] : dns1123Label(type, path.child('type'));
  if (workers.length === 0) errs.push(...workerlessProvider(provider, path));
  else {
    const ctx = { kubernetes, namespace, providerType: type, inTemplate };
    workers.forEach((w, i) => errs.push(...validateWorker(w, ctx, path.child('workers').index(i))));
    errs.push(...validateWorkerPools(workers, path.child('workers')));
    errs.push(...validateSystemComponentWorkers(workers, path.child('workers')));
  }
  const mask = num(child(kubernetes, 'kubeControllerManager'), 'nodeCIDRMaskSize');
  if (mask !== undefined && networking !== undefined) {
    const maxPods = workers.length === 0 ? 0 : highestMaxPods(kubernetes, workers);
    errs.push(...validateNodeCIDRMaskWithMaxPod(maxPods === 0 ? DEFAULT_MAX_PODS : maxPods, mask, strs(networking, 'ipFamilies')));
  }
  return errs;
}
