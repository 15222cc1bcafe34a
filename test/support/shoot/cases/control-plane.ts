/**
 * Cases of Gardener's shoot_test.go (b312835d17): kube-controller-manager, kube-scheduler,
 * kube-proxy, cluster autoscaler, vertical pod autoscaler, structured authentication and authorization.
 * Same form as index.ts. Upstream checks ValidateClusterAutoscaler and ValidateVerticalPodAutoscaler on
 * their own (relative paths); here the values sit in upstream's base Shoot, so the paths carry the Shoot's
 * prefix and the Kubernetes version is the Shoot's (as in autoscaling.ts). Durations are written as Go
 * prints them.
 */
import { UPSTREAM_WORKER, type Change, type Expected, type UpstreamCase } from './index.js';

const KCM = 'spec.kubernetes.kubeControllerManager';
const WORKERLESS_MSG = 'this field should not be set for workerless Shoot clusters';
/** Upstream's `for workerless shoots` BeforeEach: no worker pools, everything else as in the base. */
const NO_POOLS: Change = ['spec.provider.workers', []];
const IPV6_MASK = 'nodeCIDRMaskSizeIPv6 must be between 64 and 124';
const IPV6_MASK_IPV4 = 'nodeCIDRMaskSizeIPv6 cannot be set for IPv4 single-stack clusters';
/** Upstream's `nodeCIDRMaskSizeIPv6 validation` BeforeEach: no masks, dual-stack. */
const DUAL_STACK: Change[] = [
  [`${KCM}.nodeCIDRMaskSize`, undefined],
  ['spec.networking.ipFamilies', ['IPv4', 'IPv6']],
];
const families = (...list: string[]): Change => ['spec.networking.ipFamilies', list];
const kubeletMaxPods = (maxPods: number): Record<string, unknown> => ({ kubelet: { maxPods } });
/** Upstream's `cross validation with maxPods` BeforeEach: maxPods 110 for the Shoot and the first pool, 220 for a second. */
const MAX_PODS: Change[] = [
  ['spec.kubernetes.kubelet', { maxPods: 110 }],
  [
    'spec.provider.workers',
    [
      { ...UPSTREAM_WORKER, kubernetes: kubeletMaxPods(110) },
      { ...UPSTREAM_WORKER, name: `${UPSTREAM_WORKER.name}2`, kubernetes: kubeletMaxPods(220) },
    ],
  ],
];
const maskTooLarge = (mask: number, defaultMask: number): string =>
  `kubelet or kube-controller-manager configuration incorrect. Please adjust the nodeCIDRMaskSize to support the highest maxPod on any worker pool. The nodeCIDRMaskSize of ${mask} (default: ${defaultMask}) only supports 126 IP addresses. The highest maxPod setting is 220 (default: 110). Please choose a nodeCIDRMaskSize that at least supports 220 IP addresses`;

/** kube-controller-manager (ValidateShoot). */
export const KCM_CASES: UpstreamCase[] = [
  {
    from: 'KubeControllerManager for workerless shoots > should prevent setting nodeCIDRMaskSizeIPv6',
    set: [NO_POOLS, [`${KCM}.nodeCIDRMaskSizeIPv6`, 80]],
    contains: true,
    want: [['Forbidden', `${KCM}.nodeCIDRMaskSizeIPv6`, WORKERLESS_MSG]],
  },
  {
    from: 'KubeControllerManager for workerless shoots > should prevent setting podEvictionTimeout',
    set: [NO_POOLS, [`${KCM}.podEvictionTimeout`, '5m0s']],
    contains: true,
    want: [['Forbidden', `${KCM}.podEvictionTimeout`, WORKERLESS_MSG]],
  },
  { from: 'KubeControllerManager validation > nodeCIDRMaskSize > should succeed when nodeCIDRMaskSize is within boundaries', set: [[`${KCM}.nodeCIDRMaskSize`, 22]], want: [] },
  {
    from: 'KubeControllerManager validation > nodeCIDRMaskSize > cross validation with maxPods > IPv4 > should allow the default maxPods and nodeCIDRMaskSize',
    set: [...MAX_PODS, [`${KCM}.nodeCIDRMaskSize`, 24]],
    want: [],
  },
  {
    from: 'KubeControllerManager validation > nodeCIDRMaskSize > cross validation with maxPods > IPv4 > should deny too large nodeCIDRMaskSize',
    set: [...MAX_PODS, [`${KCM}.nodeCIDRMaskSize`, 25]],
    want: [['Invalid', `${KCM}.nodeCIDRMaskSize`, maskTooLarge(25, 24)]],
  },
  {
    from: 'KubeControllerManager validation > nodeCIDRMaskSize > cross validation with maxPods > IPv6 > should allow the default maxPods and nodeCIDRMaskSize',
    set: [...MAX_PODS, families('IPv6'), [`${KCM}.nodeCIDRMaskSize`, 64]],
    want: [],
  },
  {
    from: 'KubeControllerManager validation > nodeCIDRMaskSize > cross validation with maxPods > IPv6 > should deny too large nodeCIDRMaskSize',
    set: [...MAX_PODS, families('IPv6'), [`${KCM}.nodeCIDRMaskSize`, 121]],
    want: [['Invalid', `${KCM}.nodeCIDRMaskSize`, maskTooLarge(121, 64)]],
  },
  {
    from: 'KubeControllerManager validation > should prevent setting the pod eviction timeout for kubernetes versions >= 1.33',
    set: [
      [`${KCM}.podEvictionTimeout`, '1m0s'],
      ['spec.kubernetes.version', '1.33.0'],
    ],
    want: [['Forbidden', `${KCM}.podEvictionTimeout`, 'for Kubernetes versions >= 1.33, podEvictionTimeout field is no longer supported']],
  },
  {
    from: 'KubeControllerManager validation > nodeCIDRMaskSizeIPv6 > should fail when nodeCIDRMaskSizeIPv6 is out of upper boundary',
    set: [...DUAL_STACK, [`${KCM}.nodeCIDRMaskSizeIPv6`, 129]],
    contains: true,
    want: [['Invalid', `${KCM}.nodeCIDRMaskSizeIPv6`, IPV6_MASK]],
  },
  {
    from: 'KubeControllerManager validation > nodeCIDRMaskSizeIPv6 > should fail when nodeCIDRMaskSizeIPv6 is out of lower boundary',
    set: [...DUAL_STACK, [`${KCM}.nodeCIDRMaskSizeIPv6`, 63]],
    contains: true,
    want: [['Invalid', `${KCM}.nodeCIDRMaskSizeIPv6`, IPV6_MASK]],
  },
  { from: 'KubeControllerManager validation > nodeCIDRMaskSizeIPv6 > should succeed when nodeCIDRMaskSizeIPv6 is within boundaries', set: [...DUAL_STACK, [`${KCM}.nodeCIDRMaskSizeIPv6`, 80]], want: [] },
  {
    from: 'KubeControllerManager validation > nodeCIDRMaskSizeIPv6 > should fail when both nodeCIDRMaskSize and nodeCIDRMaskSizeIPv6 are set for IPv4 single-stack',
    set: [...DUAL_STACK, families('IPv4'), [`${KCM}.nodeCIDRMaskSize`, 24], [`${KCM}.nodeCIDRMaskSizeIPv6`, 80]],
    want: [['Forbidden', `${KCM}.nodeCIDRMaskSizeIPv6`, IPV6_MASK_IPV4]],
  },
  {
    from: 'KubeControllerManager validation > nodeCIDRMaskSizeIPv6 > should fail when both nodeCIDRMaskSize and nodeCIDRMaskSizeIPv6 are set for IPv6 single-stack',
    set: [...DUAL_STACK, families('IPv6'), [`${KCM}.nodeCIDRMaskSize`, 24], [`${KCM}.nodeCIDRMaskSizeIPv6`, 80]],
    want: [
      ['Invalid', `${KCM}.nodeCIDRMaskSize`, 'nodeCIDRMaskSize must be between 64 and 124 for IPv6 single-stack clusters'],
      ['Forbidden', `${KCM}.nodeCIDRMaskSize`, 'only one of nodeCIDRMaskSize or nodeCIDRMaskSizeIPv6 can be set for single-stack clusters'],
    ],
  },
  { from: 'KubeControllerManager validation > nodeCIDRMaskSizeIPv6 > should succeed when NodeCIDRMaskSize is set for IPv6 single-stack', set: [...DUAL_STACK, families('IPv6'), [`${KCM}.nodeCIDRMaskSize`, 80]], want: [] },
  {
    from: 'KubeControllerManager validation > nodeCIDRMaskSizeIPv6 > should fail when NodeCIDRMaskSizeIPv6 is set for IPv4 single-stack',
    set: [...DUAL_STACK, families('IPv4'), [`${KCM}.nodeCIDRMaskSizeIPv6`, 80]],
    want: [['Forbidden', `${KCM}.nodeCIDRMaskSizeIPv6`, IPV6_MASK_IPV4]],
  },
  { from: 'KubeControllerManager validation > should prevent setting a negative pod eviction timeout', set: [[`${KCM}.podEvictionTimeout`, '-1ns']], want: [['Invalid', `${KCM}.podEvictionTimeout`]] },
  { from: 'KubeControllerManager validation > should prevent setting the pod eviction timeout to 0', set: [[`${KCM}.podEvictionTimeout`, '0s']], want: [['Invalid', `${KCM}.podEvictionTimeout`]] },
  { from: 'KubeControllerManager validation > should prevent setting a negative node monitor grace period', set: [[`${KCM}.nodeMonitorGracePeriod`, '-1ns']], want: [['Invalid', `${KCM}.nodeMonitorGracePeriod`]] },
  { from: 'KubeControllerManager validation > should prevent setting the node monitor grace period to 0', set: [[`${KCM}.nodeMonitorGracePeriod`, '0s']], want: [['Invalid', `${KCM}.nodeMonitorGracePeriod`]] },
];

/** kube-controller-manager (ValidateShootUpdate). */
export const KCM_UPDATE_CASES: UpstreamCase[] = [
  {
    from: 'KubeControllerManager validation > nodeCIDRMaskSize > should fail updating immutable NodeCIDRMaskSizeIPv6 field',
    old: [...DUAL_STACK, [`${KCM}.nodeCIDRMaskSizeIPv6`, 80]],
    set: [...DUAL_STACK, [`${KCM}.nodeCIDRMaskSizeIPv6`, 72]],
    want: [['Invalid', `${KCM}.nodeCIDRMaskSizeIPv6`, 'field is immutable']],
  },
];

const KP = 'spec.kubernetes.kubeProxy';

/** kube-scheduler and kube-proxy (ValidateShoot). */
export const SCHEDULER_AND_PROXY_CASES: UpstreamCase[] = [
  { from: 'KubeScheduler validation > should succeed when using nil scheduling profile', set: [['spec.kubernetes.kubeScheduler', {}]], want: [] },
  { from: 'KubeProxy validation > should succeed when using IPVS mode', set: [[KP, { mode: 'IPVS' }]], want: [] },
  { from: 'KubeProxy validation > should fail when using nil proxy mode', set: [[KP, {}]], want: [['Required', `${KP}.mode`]] },
];

/** kube-proxy (ValidateShootSpecUpdate, which upstream calls on its own). */
export const PROXY_SPEC_UPDATE_CASES: UpstreamCase[] = [
  {
    from: 'KubeProxy validation > should be successful when proxy mode is changed',
    old: [
      ['spec.kubernetes.version', '1.33.1'],
      [KP, { mode: 'IPTables' }],
    ],
    set: [
      ['spec.kubernetes.version', '1.33.1'],
      [KP, { mode: 'IPVS' }],
    ],
    want: [],
  },
  { from: 'KubeProxy validation > should not fail when kube-proxy is switched off', old: [[KP, { enabled: true }]], set: [[KP, { enabled: false }]], want: [] },
];

const CA = 'spec.kubernetes.clusterAutoscaler';
const NON_NEGATIVE = 'must be non-negative';
const GTE_0 = 'must be greater than or equal to 0';

/** A cluster autoscaler entry of upstream's "cluster autoscaler values" table. */
function ca(name: string, config: Record<string, unknown>, version: string, want: Expected[]): UpstreamCase {
  return { from: `ClusterAutoscaler validation > cluster autoscaler values > ${name} (${version})`, set: [[CA, config], ['spec.kubernetes.version', version]], want };
}

const negativeDuration = (name: string, key: string, value: string): UpstreamCase => ca(name, { [key]: value }, '1.32.0', [['Invalid', `${CA}.${key}`, NON_NEGATIVE]]);
const TAINT_VERSION = '1.28.4';

/** Cluster autoscaler (ValidateShoot). */
export const CLUSTER_AUTOSCALER_CASES: UpstreamCase[] = [
  ca('valid', {}, '1.33.0', []),
  ca('valid with maxGracefulTerminationSeconds', { maxGracefulTerminationSeconds: 100 }, '1.31.0', []),
  ca('valid with status taint', { statusTaints: ['taint-1', 'taint-2'] }, '1.31.0', []),
  ca('invalid with ignore taint', { ignoreTaints: ['taint 1', 'taint-1'] }, '1.31.0', [['Invalid', `${CA}.ignoreTaints[0]`]]),
  ca('valid with maxDrainParallelism', { maxDrainParallelism: 100 }, '1.32.0', []),
  ca('invalid with negative maxDrainParallelism', { maxDrainParallelism: -100 }, '1.32.0', [['Invalid', `${CA}.maxDrainParallelism`, GTE_0]]),
  // Upstream names no field for this error (only type and detail); the field is the one shoot.go reports.
  ca('invalid with both maxEmptyBulkDelete and maxScaleDownParallelism set to different values', { maxEmptyBulkDelete: 110, maxScaleDownParallelism: 100 }, '1.32.0', [
    ['Invalid', `${CA}.maxEmptyBulkDelete`, 'must equal maxScaleDownParallelism 100'],
  ]),
  negativeDuration('invalid with negative scaleDownDelayAfterAdd', 'scaleDownDelayAfterAdd', '-2m0s'),
  negativeDuration('invalid with negative ScaleDownDelayAfterDelete', 'scaleDownDelayAfterDelete', '-2m0s'),
  negativeDuration('invalid with negative ScaleDownDelayAfterFailure', 'scaleDownDelayAfterFailure', '-2m0s'),
  negativeDuration('invalid with negative ScaleDownUnneededTime', 'scaleDownUnneededTime', '-2m0s'),
  negativeDuration('invalid with negative ScanInterval', 'scanInterval', '-2m0s'),
  ca('valid with verbosity', { verbosity: 100 }, '1.32.0', []),
  ca('invalid with negative verbosity', { verbosity: -100 }, '1.32.0', [['Invalid', `${CA}.verbosity`, GTE_0]]),
  ca('valid with initialNodeGroupBackoffDuration', { initialNodeGroupBackoffDuration: '1m0s' }, '1.32.0', []),
  negativeDuration('invalid with negative initialNodeGroupBackoffDuration', 'initialNodeGroupBackoffDuration', '-1s'),
  ca('valid with maxNodeGroupBackoffDuration', { maxNodeGroupBackoffDuration: '1m0s' }, '1.32.0', []),
  negativeDuration('invalid with negative maxNodeGroupBackoffDuration', 'maxNodeGroupBackoffDuration', '-1s'),
  ca('valid with nodeGroupBackoffResetTimeout', { nodeGroupBackoffResetTimeout: '1m0s' }, '1.32.0', []),
  negativeDuration('invalid with negative nodeGroupBackoffResetTimeout', 'nodeGroupBackoffResetTimeout', '-1s'),
  ca('valid with maxBinpackingTime', { maxBinpackingTime: '1m0s' }, '1.32.0', []),
  negativeDuration('invalid with negative maxBinpackingTime', 'maxBinpackingTime', '-1s'),
  ca('valid with autoscaling minAllowed', { autoscaling: { minAllowed: { cpu: '100m', memory: '500Mi' } } }, '1.32.0', []),
  ca('invalid autoscaling with empty minAllowed', { autoscaling: { minAllowed: {} } }, '1.32.0', [['Required', `${CA}.autoscaling.minAllowed`, 'must provide minAllowed']]),
  ca('invalid autoscaling with unsupported resource in minAllowed', { autoscaling: { minAllowed: { 'hugepages-1Gi': '1' } } }, '1.32.0', [['NotSupported', `${CA}.autoscaling.minAllowed.hugepages-1Gi`]]),
  ca('invalid autoscaling with below minRequired cpu resource in minAllowed', { autoscaling: { minAllowed: { cpu: '5m', memory: '500Mi' } } }, '1.32.0', [['Invalid', `${CA}.autoscaling.minAllowed.cpu`]]),
  ca('invalid autoscaling with below minRequired memory resource in minAllowed', { autoscaling: { minAllowed: { cpu: '100m', memory: '5Mi' } } }, '1.32.0', [['Invalid', `${CA}.autoscaling.minAllowed.memory`]]),
  { from: 'ClusterAutoscaler validation > taint validation > should allow empty ignore taints list', set: [[CA, {}], ['spec.kubernetes.version', TAINT_VERSION]], want: [] },
  {
    from: 'ClusterAutoscaler validation > taint validation > should allow valid ignore taints list',
    set: [[CA, { ignoreTaints: ['allowed-1', 'allowed-2'] }], ['spec.kubernetes.version', TAINT_VERSION]],
    want: [],
  },
  {
    from: 'ClusterAutoscaler validation > taint validation > should deny reserved taint keys',
    set: [[CA, { ignoreTaints: ['node.gardener.cloud/critical-components-not-ready', 'allowed-1'] }], ['spec.kubernetes.version', TAINT_VERSION]],
    want: [['Forbidden', `${CA}.ignoreTaints[0]`, 'taint key is reserved by gardener']],
  },
];

const VPA = 'spec.kubernetes.verticalPodAutoscaler';
const PERCENTILE = 'percentile value must be in the range [0, 1]';

/** A vertical pod autoscaler entry of upstream's "verticalPod autoscaler values" table. */
const vpa = (field: string, value: unknown, detail: string): UpstreamCase => ({
  from: `VerticalPodAutoscaler validation > verticalPod autoscaler values > with invalid ${field} field`,
  set: [[VPA, { [field]: value }]],
  want: [['Invalid', `${VPA}.${field}`, detail]],
});

/** Vertical pod autoscaler (ValidateShoot). */
export const VPA_CASES: UpstreamCase[] = [
  vpa('recommenderInterval', '-1s', NON_NEGATIVE),
  vpa('recommendationLowerBoundCPUPercentile', -1.0, PERCENTILE),
  vpa('recommendationUpperBoundCPUPercentile', 3.14, PERCENTILE),
  vpa('targetMemoryPercentile', 3.14, PERCENTILE),
  vpa('recommendationLowerBoundMemoryPercentile', -1.0, PERCENTILE),
  vpa('cpuHistogramDecayHalfLife', '-1s', NON_NEGATIVE),
  vpa('memoryHistogramDecayHalfLife', '-1s', NON_NEGATIVE),
];

const KAS = 'spec.kubernetes.kubeAPIServer';
const AUTHZ = `${KAS}.structuredAuthorization`;
/** The Authentication/Authorization contexts set the version with a leading `v`. */
const V_VERSION: Change = ['spec.kubernetes.version', 'v1.31.0'];

/** Structured authentication and authorization (ValidateShoot). */
export const AUTH_CASES: UpstreamCase[] = [
  { from: 'Authentication validation > should allow when config is valid', set: [V_VERSION, [`${KAS}.structuredAuthentication`, { configMapName: 'foo' }]], want: [] },
  {
    from: 'Authorization validation > should forbid empty name',
    set: [V_VERSION, [AUTHZ, { configMapName: '', kubeconfigs: [] }]],
    want: [['Forbidden', `${AUTHZ}.configMapName`, 'must provide a name']],
  },
  {
    from: 'Authorization validation > should forbid empty list of kubeconfig references',
    set: [V_VERSION, [AUTHZ, { configMapName: 'foo' }]],
    want: [['Required', `${AUTHZ}.kubeconfigs`, 'must provide kubeconfig secret references if an authorization config is configured']],
  },
  {
    from: 'Authorization validation > should forbid setting structured authorization when feature gate is disabled',
    set: [V_VERSION, [AUTHZ, { configMapName: 'foo', kubeconfigs: [{ authorizerName: '', secretName: '' }] }], [`${KAS}.featureGates`, { StructuredAuthorizationConfiguration: false }]],
    want: [['Forbidden', AUTHZ, 'requires feature gate StructuredAuthorizationConfiguration to be enabled']],
  },
  {
    from: 'Authorization validation > should allow when config is valid',
    set: [V_VERSION, [AUTHZ, { configMapName: 'foo', kubeconfigs: [{ authorizerName: 'some-authz', secretName: 'some-secret' }] }]],
    want: [],
  },
];
