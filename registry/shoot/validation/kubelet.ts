/**
 * The kubelet configuration of a Shoot or a worker pool (Gardener's ValidateKubeletConfig): CPU manager
 * policy, limits, eviction thresholds, image garbage collection, swap, image pulls and credential
 * verification. Field paths use Gardener's internal names where they differ from the JSON
 * (`podPIDsLimit`, `imagefsAvailable`).
 */
import { FieldPath, fieldErr, type FieldError } from '../../../apimachinery/field.js';
import { ImageReferenceError, parseImageReference } from '../../../apimachinery/imageref.js';
import { k8sBelowMinor } from '../../../apimachinery/semver.js';
import { validateFeatureGates } from '../../kubernetes/featuregates.js';
import { eachQuantity, nonNegative, positiveDuration, quantityAt, quantityOrPercent, resourceQuantityValue } from './common.js';
import { bool, child, duration, isSet, list, map, num, str, type Obj } from './read.js';
import { DURATION, formatDuration } from '../../../apimachinery/duration.js';

/** Kubelets refuse fewer PIDs per pod than this. */
export const POD_PIDS_LIMIT_MINIMUM = 100;
const CPU_MANAGER_POLICIES = ['none', 'static'];
const SWAP_BEHAVIORS = ['NoSwap', 'LimitedSwap'];
const PULL_POLICIES = ['AlwaysVerify', 'NeverVerify', 'NeverVerifyAllowlistedImages', 'NeverVerifyPreloadedImages'];

/** Eviction thresholds: JSON key and Gardener's name, in Gardener's order (which checks one key twice). */
const EVICTION_KEYS: readonly [string, string][] = [
  ['memoryAvailable', 'memoryAvailable'],
  ['imageFSAvailable', 'imagefsAvailable'],
  ['imageFSInodesFree', 'imagefsInodesFree'],
  ['nodeFSAvailable', 'nodefsAvailable'],
  ['imageFSInodesFree', 'imagefsInodesFree'],
];

function eviction(e: Obj, path: FieldPath): FieldError[] {
  return EVICTION_KEYS.flatMap(([key, name]) => quantityOrPercent(e, key, path, name));
}

function evictionMinimumReclaim(e: Obj, path: FieldPath): FieldError[] {
  return EVICTION_KEYS.flatMap(([key, name]) => {
    const q = quantityAt(e, key);
    if (q === undefined) return [];
    if (typeof q === 'string') return [fieldErr.invalid(path.child(name), e[key], q)];
    return resourceQuantityValue(name, q, path.child(name));
  });
}

function evictionSoftGracePeriod(e: Obj, path: FieldPath): FieldError[] {
  return EVICTION_KEYS.flatMap(([key, name]) => positiveDuration(e, key, path.child(name)));
}

function reserved(r: Obj, path: FieldPath): FieldError[] {
  const known: Obj = {};
  for (const k of ['cpu', 'memory', 'ephemeralStorage', 'pid']) if (r[k] !== undefined && r[k] !== null) known[k] = r[k];
  return eachQuantity(known, path, (name, q, at) => resourceQuantityValue(name, q, at));
}

/** Go's `int64(d.Seconds())` of a duration field. */
function wholeSeconds(o: Obj, k: string): number | undefined {
  const ns = duration(o, k);
  return ns === undefined ? undefined : Number(ns / DURATION.SECOND);
}

function limitsAndEviction(k: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const policy = str(k, 'cpuManagerPolicy');
  if (policy !== undefined && !CPU_MANAGER_POLICIES.includes(policy)) errs.push(fieldErr.notSupported(path.child('cpuManagerPolicy'), policy, CPU_MANAGER_POLICIES));
  errs.push(...nonNegative(num(k, 'maxPods'), path.child('maxPods')));
  const pids = num(k, 'podPidsLimit');
  if (pids !== undefined && pids < POD_PIDS_LIMIT_MINIMUM) {
    errs.push(fieldErr.invalid(path.child('podPIDsLimit'), pids, `podPIDsLimit value must be at least ${POD_PIDS_LIMIT_MINIMUM}`));
  }
  errs.push(...positiveDuration(k, 'evictionPressureTransitionPeriod', path.child('evictionPressureTransitionPeriod')));
  errs.push(...nonNegative(num(k, 'evictionMaxPodGracePeriod'), path.child('evictionMaxPodGracePeriod')));
  const hard = child(k, 'evictionHard');
  if (hard !== undefined) errs.push(...eviction(hard, path.child('evictionHard')));
  const soft = child(k, 'evictionSoft');
  if (soft !== undefined) errs.push(...eviction(soft, path.child('evictionSoft')));
  const reclaim = child(k, 'evictionMinimumReclaim');
  if (reclaim !== undefined) errs.push(...evictionMinimumReclaim(reclaim, path.child('evictionMinimumReclaim')));
  const grace = child(k, 'evictionSoftGracePeriod');
  if (grace !== undefined) errs.push(...evictionSoftGracePeriod(grace, path.child('evictionSoftGracePeriod')));
  const kubeReserved = child(k, 'kubeReserved');
  if (kubeReserved !== undefined) errs.push(...reserved(kubeReserved, path.child('kubeReserved')));
  return errs;
}

function imageGC(k: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...nonNegative(wholeSeconds(k, 'imageMinimumGCAge'), path.child('imageMinimumGCAge')));
  errs.push(...nonNegative(wholeSeconds(k, 'imageMaximumGCAge'), path.child('imageMaximumGCAge')));
  const high = num(k, 'imageGCHighThresholdPercent');
  const low = num(k, 'imageGCLowThresholdPercent');
  if (high !== undefined && (high < 0 || high > 100)) errs.push(fieldErr.invalid(path.child('imageGCHighThresholdPercent'), high, 'value must be in [0,100]'));
  if (low !== undefined && (low < 0 || low > 100)) errs.push(fieldErr.invalid(path.child('imageGCLowThresholdPercent'), low, 'value must be in [0,100]'));
  if (high !== undefined && low !== undefined && low >= high) {
    errs.push(fieldErr.forbidden(path.child('imageGCLowThresholdPercent'), 'imageGCLowThresholdPercent must be less than imageGCHighThresholdPercent'));
  }
  return errs;
}

function pullsAndLogs(k: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...nonNegative(num(k, 'registryPullQPS'), path.child('registryPullQPS')));
  errs.push(...nonNegative(num(k, 'registryBurst'), path.child('registryBurst')));
  const files = num(k, 'containerLogMaxFiles');
  if (files !== undefined && files < 2) errs.push(fieldErr.invalid(path.child('containerLogMaxFiles'), files, 'value must be >= 2.'));
  const size = quantityAt(k, 'containerLogMaxSize');
  if (typeof size === 'string') errs.push(fieldErr.invalid(path.child('containerLogMaxSize'), k.containerLogMaxSize, size));
  else if (size !== undefined) errs.push(...resourceQuantityValue('containerLogMaxSize', size, path.child('containerLogMaxSize')));
  const idle = duration(k, 'streamingConnectionIdleTimeout');
  if (idle !== undefined && (idle < 30n * DURATION.SECOND || idle > 4n * DURATION.HOUR)) {
    errs.push(fieldErr.invalid(path.child('streamingConnectionIdleTimeout'), formatDuration(idle), 'value must be between 30s and 4h'));
  }
  return errs;
}

function swap(k: Obj, path: FieldPath): FieldError[] {
  const memorySwap = child(k, 'memorySwap');
  if (memorySwap === undefined) return [];
  const errs: FieldError[] = [];
  const at = path.child('memorySwap');
  if (bool(k, 'failSwapOn') === true) {
    errs.push(fieldErr.forbidden(at, "configuring swap behaviour is not available when the kubelet is configured with 'FailSwapOn=true'"));
  }
  const behavior = str(memorySwap, 'swapBehavior');
  if (behavior !== undefined) {
    if (map(k, 'featureGates')?.NodeSwap !== true) {
      errs.push(fieldErr.forbidden(at, "configuring swap behaviour is not available when kubelet's 'NodeSwap' feature gate is not set"));
    }
    if (!SWAP_BEHAVIORS.includes(behavior)) errs.push(fieldErr.notSupported(at.child('swapBehavior'), behavior, SWAP_BEHAVIORS));
  }
  return errs;
}

/** Why an allowlist entry is refused, mirroring the kubelet's own pattern check, or undefined. */
export function allowlistPatternError(pattern: string): string | undefined {
  if (pattern !== pattern.trim()) return 'leading/trailing spaces are not allowed';
  const wildcard = pattern.endsWith('/*');
  const trimmed = wildcard ? pattern.slice(0, -1) : pattern;
  if (trimmed.length === 0) return 'the supplied pattern is too short';
  if (trimmed.includes('*')) return "not a valid wildcard pattern, only patterns ending with '/*' are allowed";
  if (wildcard) return trimmed.length === 1 ? 'at least registry hostname is required' : undefined;
  try {
    const ref = parseImageReference(trimmed);
    return ref.tag !== '' || ref.digest !== '' ? 'neither tag nor digest is accepted in an image reference' : undefined;
  } catch (e: unknown) {
    if (e instanceof ImageReferenceError) return `failed to parse as an image name: ${e.message}`;
    throw e;
  }
}

function imagePulls(k: Obj, version: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const parallel = num(k, 'maxParallelImagePulls');
  if (parallel !== undefined) {
    if (parallel < 1) errs.push(fieldErr.invalid(path.child('maxParallelImagePulls'), parallel, 'value must be >= 1'));
    if (bool(k, 'serializeImagePulls') === true && parallel > 1) {
      errs.push(fieldErr.forbidden(path.child('maxParallelImagePulls'), 'maxParallelImagePulls cannot be larger than 1 when serializeImagePulls is set to true'));
    }
  }
  const policy = str(k, 'imagePullCredentialsVerificationPolicy');
  const at = path.child('imagePullCredentialsVerificationPolicy');
  if (policy !== undefined) {
    if (k8sBelowMinor(version, 35)) errs.push(fieldErr.forbidden(at, 'imagePullCredentialsVerificationPolicy is only available for Kubernetes versions >= 1.35'));
    if (map(k, 'featureGates')?.KubeletEnsureSecretPulledImages === false) {
      errs.push(fieldErr.forbidden(at, 'imagePullCredentialsVerificationPolicy may not be set when the KubeletEnsureSecretPulledImages feature gate is disabled'));
    }
    if (!PULL_POLICIES.includes(policy)) errs.push(fieldErr.notSupported(at, policy, PULL_POLICIES));
  }
  if (isSet(k, 'preloadedImagesVerificationAllowlist')) {
    const listPath = path.child('preloadedImagesVerificationAllowlist');
    if (policy !== 'NeverVerifyAllowlistedImages') {
      errs.push(fieldErr.forbidden(listPath, 'preloadedImagesVerificationAllowlist may only be set when imagePullCredentialsVerificationPolicy is set to NeverVerifyAllowlistedImages'));
    } else {
      list(k, 'preloadedImagesVerificationAllowlist').forEach((p, i) => {
        const pattern = typeof p === 'string' ? p : '';
        const detail = allowlistPatternError(pattern);
        if (detail !== undefined) errs.push(fieldErr.invalid(listPath.index(i), pattern, detail));
      });
    }
  }
  return errs;
}

/** Gardener's ValidateKubeletConfig for the effective Kubernetes `version`. */
export function validateKubeletConfig(kubelet: Obj, version: string, path: FieldPath): FieldError[] {
  return [
    ...limitsAndEviction(kubelet, path),
    ...imageGC(kubelet, path),
    ...validateFeatureGates(map(kubelet, 'featureGates'), version, path.child('featureGates')),
    ...pullsAndLogs(kubelet, path),
    ...swap(kubelet, path),
    ...imagePulls(kubelet, version, path),
  ];
}

