/**
 * `spec.kubernetes.clusterAutoscaler` and `spec.kubernetes.verticalPodAutoscaler`: durations, thresholds,
 * expanders, taint options and the Kubernetes versions they exist in, fractions, percentiles, feature
 * gates and resource limits (Gardener's ValidateClusterAutoscaler and ValidateVerticalPodAutoscaler).
 */
import { FieldPath, fieldErr, type FieldError } from '../../../apimachinery/field.js';
import { validateLabelName } from '../../../apimachinery/labelvalidation.js';
import { k8sAtLeastMinor, rangeContains, SemVerError, type VersionRange } from '../../../apimachinery/semver.js';
import { validateVPAFeatureGates } from '../../kubernetes/featuregates.js';
import { controlPlaneAutoscaling, eachQuantity, nonNegative, positiveDuration, resourceQuantityValue } from './common.js';
import { child, isSet, map, num, str, strs, type Obj } from './read.js';
import { RESERVED_TAINT_KEYS } from './workers.js';

const EXPANDERS = ['least-nodes', 'least-waste', 'most-pods', 'priority', 'random'];
const TAINT_OPTIONS: Readonly<Record<string, VersionRange>> = {
  IgnoreTaints: { added: '1.14', removed: '1.32' },
  StartupTaints: { added: '1.29' },
  StatusTaints: { added: '1.29' },
};
const VPA_RESOURCES = ['cpu', 'memory'];

function taintOption(taints: string[], option: string, version: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const range = TAINT_OPTIONS[option] ?? {};
  try {
    if (!rangeContains(range, version)) errs.push(fieldErr.forbidden(path.child(option), `not supported in Kubernetes version ${version}`));
  } catch (e: unknown) {
    if (!(e instanceof SemVerError)) throw e;
    errs.push(fieldErr.invalid(path.child(option), option, e.message));
  }
  const seen = new Set<string>();
  taints.forEach((taint, i) => {
    errs.push(...validateLabelName(taint, path.index(i)));
    if (RESERVED_TAINT_KEYS.has(taint)) errs.push(fieldErr.forbidden(path.index(i), 'taint key is reserved by gardener'));
    if (seen.has(taint)) errs.push(fieldErr.duplicate(path.index(i), taint));
    seen.add(taint);
  });
  return errs;
}

function durations(o: Obj, keys: string[], path: FieldPath): FieldError[] {
  return keys.flatMap((k) => positiveDuration(o, k, path.child(k)));
}

function threshold(ca: Obj, path: FieldPath): FieldError[] {
  const t = num(ca, 'scaleDownUtilizationThreshold');
  if (t === undefined) return [];
  const errs: FieldError[] = [];
  if (t < 0) errs.push(fieldErr.invalid(path.child('scaleDownUtilizationThreshold'), t, 'can not be negative'));
  if (t > 1) errs.push(fieldErr.invalid(path.child('scaleDownUtilizationThreshold'), t, 'can not be greater than 1.0'));
  return errs;
}

function expander(ca: Obj, path: FieldPath): FieldError[] {
  const value = str(ca, 'expander');
  if (value === undefined) return [];
  return value
    .split(',')
    .filter((e) => !EXPANDERS.includes(e))
    .map(() => fieldErr.notSupported(path.child('expander'), value, EXPANDERS));
}

function taintsOf(ca: Obj, version: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [key, option] of [['startupTaints', 'StartupTaints'], ['statusTaints', 'StatusTaints'], ['ignoreTaints', 'IgnoreTaints']] as const) {
    if (isSet(ca, key)) errs.push(...taintOption(strs(ca, key), option, version, path.child(key)));
  }
  return errs;
}

function parallelism(ca: Obj, version: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const bulk = num(ca, 'maxEmptyBulkDelete');
  if (bulk !== undefined) {
    if (k8sAtLeastMinor(version, 33)) {
      errs.push(fieldErr.forbidden(path.child('maxEmptyBulkDelete'), 'for Kubernetes versions >= 1.33, maxEmptyBulkDelete field is no longer supported, use maxScaleDownParallelism instead'));
    }
    if (bulk < 0) errs.push(fieldErr.invalid(path.child('maxEmptyBulkDelete'), bulk, 'can not be negative'));
  }
  const scaleDown = num(ca, 'maxScaleDownParallelism');
  errs.push(...nonNegative(scaleDown, path.child('maxScaleDownParallelism')));
  if (scaleDown !== undefined && bulk !== undefined && scaleDown !== bulk) {
    errs.push(fieldErr.invalid(path.child('maxEmptyBulkDelete'), bulk, `must equal maxScaleDownParallelism ${scaleDown}`));
  }
  errs.push(...nonNegative(num(ca, 'maxDrainParallelism'), path.child('maxDrainParallelism')));
  errs.push(...nonNegative(num(ca, 'verbosity'), path.child('verbosity')));
  return errs;
}

/** Gardener's ValidateClusterAutoscaler for Kubernetes `version`. */
export function validateClusterAutoscaler(ca: Obj, version: string, path: FieldPath): FieldError[] {
  return [
    ...durations(ca, ['scaleDownDelayAfterAdd', 'scaleDownDelayAfterDelete', 'scaleDownDelayAfterFailure', 'scaleDownUnneededTime'], path),
    ...threshold(ca, path),
    ...durations(ca, ['scanInterval'], path),
    ...expander(ca, path),
    ...durations(ca, ['maxNodeProvisionTime'], path),
    ...nonNegative(num(ca, 'maxGracefulTerminationSeconds'), path.child('maxGracefulTerminationSeconds')),
    ...taintsOf(ca, version, path),
    ...durations(ca, ['newPodScaleUpDelay'], path),
    ...parallelism(ca, version, path),
    ...durations(ca, ['initialNodeGroupBackoffDuration', 'maxNodeGroupBackoffDuration', 'nodeGroupBackoffResetTimeout', 'maxBinpackingTime'], path),
    ...controlPlaneAutoscaling(child(ca, 'autoscaling'), { cpu: '10m', memory: '30M' }, path.child('autoscaling')),
  ];
}

function inRange(vpa: Obj, key: string, fraction: boolean, path: FieldPath): FieldError[] {
  const v = num(vpa, key);
  if (v === undefined) return [];
  if (fraction) return v < 0 || v >= 1 ? [fieldErr.invalid(path.child(key), v, 'fraction value must be in the range [0, 1)')] : [];
  return v < 0 || v > 1 ? [fieldErr.invalid(path.child(key), v, 'percentile value must be in the range [0, 1]')] : [];
}

/** `maxAllowed`: cpu and memory only, valid quantities. */
export function validateVPAMaxAllowed(maxAllowed: Obj | undefined, path: FieldPath): FieldError[] {
  return eachQuantity(maxAllowed, path.child('maxAllowed'), (name, q, at) => [
    ...(VPA_RESOURCES.includes(name) ? [] : [fieldErr.notSupported(at, name, VPA_RESOURCES)]),
    ...resourceQuantityValue(name, q, at),
  ]);
}

/** Gardener's ValidateVerticalPodAutoscaler. */
export function validateVerticalPodAutoscaler(vpa: Obj, path: FieldPath): FieldError[] {
  const errs = durations(vpa, ['evictAfterOOMThreshold'], path);
  const burst = num(vpa, 'evictionRateBurst');
  if (burst !== undefined && burst < 0) errs.push(fieldErr.invalid(path.child('evictionRateBurst'), burst, 'must be non-negative'));
  errs.push(...inRange(vpa, 'evictionTolerance', true, path), ...inRange(vpa, 'recommendationMarginFraction', true, path));
  errs.push(...durations(vpa, ['updaterInterval', 'recommenderInterval'], path));
  for (const k of ['targetCPUPercentile', 'recommendationLowerBoundCPUPercentile', 'recommendationUpperBoundCPUPercentile', 'targetMemoryPercentile', 'recommendationLowerBoundMemoryPercentile', 'recommendationUpperBoundMemoryPercentile']) {
    errs.push(...inRange(vpa, k, false, path));
  }
  errs.push(...durations(vpa, ['cpuHistogramDecayHalfLife', 'memoryHistogramDecayHalfLife', 'memoryAggregationInterval'], path));
  errs.push(...nonNegative(num(vpa, 'memoryAggregationIntervalCount'), path.child('memoryAggregationIntervalCount')));
  errs.push(...validateVPAFeatureGates(map(vpa, 'featureGates'), path.child('featureGates')));
  errs.push(...validateVPAMaxAllowed(map(vpa, 'maxAllowed'), path));
  const workers = num(vpa, 'recommenderUpdateWorkerCount');
  if (workers !== undefined && workers <= 0) errs.push(fieldErr.invalid(path.child('recommenderUpdateWorkerCount'), workers, 'must be greater than 0'));
  return errs;
}
