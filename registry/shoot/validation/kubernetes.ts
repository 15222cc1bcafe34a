/**
 * `spec.kubernetes` (Gardener's validateKubernetes): the version, etcd autoscaling, the kube-apiserver,
 * kube-controller-manager and, for Shoots with workers, kube-scheduler, kube-proxy, kubelet and the
 * autoscalers; a workerless Shoot may configure none of the node components.
 */
import { DURATION, formatDuration } from '../../../apimachinery/duration.js';
import { FieldPath, fieldErr, type FieldError } from '../../../apimachinery/field.js';
import { k8sAtLeastMinor } from '../../../apimachinery/semver.js';
import { validateFeatureGates } from '../../kubernetes/featuregates.js';
import { validateClusterAutoscaler, validateVerticalPodAutoscaler } from './autoscalers.js';
import { controlPlaneAutoscaling, nanosValue, WORKERLESS } from './common.js';
import { validateKubeAPIServer, type KubeAPIServerOptions } from './kubeapiserver.js';
import { validateKubeletConfig } from './kubelet.js';
import { isIPv4SingleStack, isIPv6SingleStack } from './networking.js';
import { child, duration, isSet, map, num, path as at, str, strOr, strs, type Obj } from './read.js';

const PROXY_MODES = ['IPTables', 'IPVS', 'NFTables'];
const SCHEDULING_PROFILES = ['balanced', 'bin-packing'];

function etcd(e: Obj | undefined, path: FieldPath): FieldError[] {
  if (e === undefined) return [];
  return [
    ...controlPlaneAutoscaling(at(e, 'main', 'autoscaling'), { memory: '300M' }, path.child('main', 'autoscaling')),
    ...controlPlaneAutoscaling(at(e, 'events', 'autoscaling'), { memory: '60M' }, path.child('events', 'autoscaling')),
  ];
}

function maskSizes(kcm: Obj, families: string[] | undefined, path: FieldPath): FieldError[] {
  if (families === undefined) return [];
  const errs: FieldError[] = [];
  const v4 = num(kcm, 'nodeCIDRMaskSize');
  const v6 = num(kcm, 'nodeCIDRMaskSizeIPv6');
  if (v4 !== undefined && v6 !== undefined && isIPv6SingleStack(families)) {
    errs.push(fieldErr.forbidden(path.child('nodeCIDRMaskSize'), 'only one of nodeCIDRMaskSize or nodeCIDRMaskSizeIPv6 can be set for single-stack clusters'));
  }
  if (v4 !== undefined) {
    if (isIPv6SingleStack(families)) {
      if (v4 < 64 || v4 > 124) errs.push(fieldErr.invalid(path.child('nodeCIDRMaskSize'), v4, 'nodeCIDRMaskSize must be between 64 and 124 for IPv6 single-stack clusters'));
    } else if (isIPv4SingleStack(families) && (v4 < 16 || v4 > 28)) {
      errs.push(fieldErr.invalid(path.child('nodeCIDRMaskSize'), v4, 'nodeCIDRMaskSize must be between 16 and 28'));
    }
  }
  if (v6 !== undefined) {
    if (isIPv4SingleStack(families)) errs.push(fieldErr.forbidden(path.child('nodeCIDRMaskSizeIPv6'), 'nodeCIDRMaskSizeIPv6 cannot be set for IPv4 single-stack clusters'));
    else if (v6 < 64 || v6 > 124) errs.push(fieldErr.invalid(path.child('nodeCIDRMaskSizeIPv6'), v6, 'nodeCIDRMaskSizeIPv6 must be between 64 and 124'));
  }
  return errs;
}

function horizontalPodAutoscaler(hpa: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const checks: [string, (ns: bigint) => boolean, string][] = [
    ['syncPeriod', (ns) => ns < DURATION.SECOND, 'syncPeriod must not be less than a second'],
    ['downscaleStabilization', (ns) => ns < DURATION.SECOND, 'downScale stabilization must not be less than a second'],
    ['initialReadinessDelay', (ns) => ns <= 0n, 'initial readiness delay must be greater than 0'],
    ['cpuInitializationPeriod', (ns) => ns < DURATION.SECOND, 'cpu initialization period must not be less than a second'],
  ];
  for (const [key, bad, detail] of checks.slice(0, 1)) {
    const ns = duration(hpa, key);
    if (ns !== undefined && bad(ns)) errs.push(fieldErr.invalid(path.child(key), formatDuration(ns), detail));
  }
  const tolerance = num(hpa, 'tolerance');
  if (tolerance !== undefined && tolerance <= 0) errs.push(fieldErr.invalid(path.child('tolerance'), tolerance, 'tolerance of must be greater than 0'));
  for (const [key, bad, detail] of checks.slice(1)) {
    const ns = duration(hpa, key);
    if (ns !== undefined && bad(ns)) errs.push(fieldErr.invalid(path.child(key), formatDuration(ns), detail));
  }
  return errs;
}

function kcmWithWorkers(kcm: Obj, families: string[] | undefined, version: string, path: FieldPath): FieldError[] {
  const errs = maskSizes(kcm, families, path);
  const eviction = duration(kcm, 'podEvictionTimeout');
  if (isSet(kcm, 'podEvictionTimeout') && k8sAtLeastMinor(version, 33)) {
    errs.push(fieldErr.forbidden(path.child('podEvictionTimeout'), 'for Kubernetes versions >= 1.33, podEvictionTimeout field is no longer supported'));
  } else if (eviction !== undefined && eviction <= 0n) {
    errs.push(fieldErr.invalid(path.child('podEvictionTimeout'), nanosValue(eviction), 'podEvictionTimeout must be larger than 0'));
  }
  const grace = duration(kcm, 'nodeMonitorGracePeriod');
  if (grace !== undefined && grace <= 0n) errs.push(fieldErr.invalid(path.child('nodeMonitorGracePeriod'), nanosValue(grace), 'nodeMonitorGracePeriod must be larger than 0'));
  const hpa = child(kcm, 'horizontalPodAutoscaler');
  if (hpa !== undefined) errs.push(...horizontalPodAutoscaler(hpa, path.child('horizontalPodAutoscaler')));
  return errs;
}

/** `kubeControllerManager` (ValidateKubeControllerManager); `networking` undefined when not set. */
export function validateKubeControllerManager(kcm: Obj | undefined, networking: Obj | undefined, version: string, workerless: boolean, path: FieldPath): FieldError[] {
  if (kcm === undefined) return [];
  const errs: FieldError[] = [];
  if (!workerless) errs.push(...kcmWithWorkers(kcm, networking === undefined ? undefined : strs(networking, 'ipFamilies'), version, path));
  else {
    const keys: [string, string][] = [
      ['nodeCIDRMaskSize', 'nodeCIDRMaskSize'],
      ['nodeCIDRMaskSizeIPv6', 'nodeCIDRMaskSizeIPv6'],
      ['horizontalPodAutoscaler', 'horizontalPodAutoscaler'],
      ['podEvictionTimeout', 'podEvictionTimeout'],
      ['nodeMonitorGracePeriod', 'nodeMonitorGracePeriod'],
    ];
    for (const [key, name] of keys) if (isSet(kcm, key)) errs.push(fieldErr.forbidden(path.child(name), WORKERLESS));
  }
  errs.push(...validateFeatureGates(map(kcm, 'featureGates'), version, path.child('featureGates')));
  return errs;
}

function kubeMaxPDVols(value: string | undefined, version: string, path: FieldPath): FieldError[] {
  if (value === undefined) return [];
  if (k8sAtLeastMinor(version, 35)) return [fieldErr.forbidden(path, 'for Kubernetes version >= 1.35, kubeMaxPDVols field is no longer supported')];
  if (!/^[+-]?[0-9]+$/.test(value)) return [fieldErr.invalid(path, value, `conversion error: strconv.Atoi: parsing ${JSON.stringify(value)}: invalid syntax`)];
  return Number(value) < 1 ? [fieldErr.invalid(path, value, 'must be positive')] : [];
}

/** `kubeScheduler`. */
export function validateKubeScheduler(ks: Obj | undefined, version: string, path: FieldPath): FieldError[] {
  if (ks === undefined) return [];
  const errs: FieldError[] = [];
  const profile = str(ks, 'profile');
  if (profile !== undefined && !SCHEDULING_PROFILES.includes(profile)) errs.push(fieldErr.notSupported(path.child('profile'), profile, SCHEDULING_PROFILES));
  errs.push(...kubeMaxPDVols(str(ks, 'kubeMaxPDVols'), version, path.child('kubeMaxPDVols')));
  errs.push(...validateFeatureGates(map(ks, 'featureGates'), version, path.child('featureGates')));
  return errs;
}

/** `kubeProxy`. */
export function validateKubeProxy(kp: Obj | undefined, version: string, path: FieldPath): FieldError[] {
  if (kp === undefined) return [];
  const errs: FieldError[] = [];
  const mode = str(kp, 'mode');
  if (mode === undefined) errs.push(fieldErr.required(path.child('mode'), 'must be set when .spec.kubernetes.kubeProxy is set'));
  else if (!PROXY_MODES.includes(mode)) errs.push(fieldErr.notSupported(path.child('mode'), mode, PROXY_MODES));
  else if (mode === 'NFTables' && map(kp, 'featureGates')?.NFTablesProxyMode === false) {
    errs.push(fieldErr.invalid(path.child('mode'), mode, 'NFTables mode cannot be used when feature gate NFTablesProxyMode is explicitly set to false'));
  }
  errs.push(...validateFeatureGates(map(kp, 'featureGates'), version, path.child('featureGates')));
  return errs;
}

function workerlessKubernetes(k: Obj, path: FieldPath): FieldError[] {
  const keys: [string, string][] = [
    ['kubeScheduler', 'kubeScheduler'],
    ['kubeProxy', 'kubeProxy'],
    ['kubelet', 'kubelet'],
    ['clusterAutoscaler', 'clusterAutoScaler'],
    ['verticalPodAutoscaler', 'verticalPodAutoScaler'],
  ];
  return keys.filter(([key]) => isSet(k, key)).map(([, name]) => fieldErr.forbidden(path.child(name), WORKERLESS));
}

/** Gardener's validateKubernetes. */
export function validateKubernetes(k: Obj, networking: Obj | undefined, opts: KubeAPIServerOptions, workerless: boolean, path: FieldPath): FieldError[] {
  const version = strOr(k, 'version');
  if (version === '') return [fieldErr.required(path.child('version'), 'kubernetes version must not be empty')];
  const errs = [
    ...etcd(child(k, 'etcd'), path.child('etcd')),
    ...validateKubeAPIServer(child(k, 'kubeAPIServer'), version, opts, workerless, path.child('kubeAPIServer')),
    ...validateKubeControllerManager(child(k, 'kubeControllerManager'), networking, version, workerless, path.child('kubeControllerManager')),
  ];
  if (workerless) return [...errs, ...workerlessKubernetes(k, path)];
  errs.push(...validateKubeScheduler(child(k, 'kubeScheduler'), version, path.child('kubeScheduler')));
  errs.push(...validateKubeProxy(child(k, 'kubeProxy'), version, path.child('kubeProxy')));
  const kubelet = child(k, 'kubelet');
  if (kubelet !== undefined) errs.push(...validateKubeletConfig(kubelet, version, path.child('kubelet')));
  const ca = child(k, 'clusterAutoscaler');
  if (ca !== undefined) errs.push(...validateClusterAutoscaler(ca, version, path.child('clusterAutoscaler')));
  const vpa = child(k, 'verticalPodAutoscaler');
  if (vpa !== undefined) errs.push(...validateVerticalPodAutoscaler(vpa, path.child('verticalPodAutoscaler')));
  return errs;
}
