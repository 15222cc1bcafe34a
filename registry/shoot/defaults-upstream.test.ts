/**
 * Cases of Gardener's Shoot defaulting tests (pkg/apis/core/v1beta1/defaults_shoot_test.go at
 * b312835d17) as data: changes to upstream's base Shoot (Kubernetes 1.31.1, one empty worker pool,
 * provider `local`) and the values expected afterwards (`undefined`: the field stays absent). Each case
 * names the upstream Describe and It it comes from. Upstream calls SetObjectDefaults_Shoot, which also
 * runs the defaults of the nested types (zz_generated.defaults.go); applyShootDefaults has the same
 * combined effect. Where upstream only asks for a non-nil pointer, or for `false` from a non-pointer
 * bool (which the Go struct has even when the JSON leaves it out), the expectation is a matcher.
 */
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../apimachinery/types.js';
import { applyShootDefaults } from './defaults.js';
import { at, setAt } from '../../test/support/shoot/fixtures.js';

/** An expectation that is not a single value. */
class Matcher {
  constructor(
    readonly what: string,
    readonly test: (v: unknown) => boolean,
  ) {}
}

/** Upstream's `NotTo(BeNil())`. */
const PRESENT = new Matcher('present', (v) => v !== undefined && v !== null);
/** Upstream's `BeFalse()` on a non-pointer bool: false, or left out (Go's zero value). */
const GO_FALSE = new Matcher('false or unset', (v) => v === undefined || v === false);
/** Upstream's `HaveSuffix(s)`. */
const suffix = (s: string): Matcher => new Matcher(`a string ending in ${s}`, (v) => typeof v === 'string' && v.endsWith(s));
/** Upstream's `ConsistOf(...)`: the same elements in any order. */
const consistOf = (...items: unknown[]): Matcher =>
  new Matcher(`consisting of ${JSON.stringify(items)}`, (v) => {
    if (!Array.isArray(v) || v.length !== items.length) return false;
    const rest = [...v];
    return items.every((item) => {
      const i = rest.findIndex((x) => isDeepStrictEqual(x, item));
      if (i < 0) return false;
      rest.splice(i, 1);
      return true;
    });
  });

type Change = [string, unknown];
interface DefaultsCase {
  from: string;
  set: Change[];
  want: Change[];
}

const KCM = 'spec.kubernetes.kubeControllerManager';
const KUBELET = 'spec.kubernetes.kubelet';
const KAS = 'spec.kubernetes.kubeAPIServer';
const WORKERLESS: Change = ['spec.provider.workers', undefined];
const CA = 'spec.kubernetes.clusterAutoscaler';
const VPA = 'spec.kubernetes.verticalPodAutoscaler';
const W0 = 'spec.provider.workers.0';
const W1 = 'spec.provider.workers.1';
const W2 = 'spec.provider.workers.2';
const CREDENTIALS = 'spec.maintenance.autoRotation.credentials';
/** BeforeEach of `Worker defaulting`. */
const TWO_WORKERS: Change = ['spec.provider.workers', [{ name: 'worker-1' }, { name: 'worker-2' }]];
/** BeforeEach of `Self-Hosted Shoots`. */
const SELF_HOSTED: Change = [`${W0}.controlPlane`, { exposure: { extension: {} } }];

/** The ClusterAutoscaler of `should not overwrite the already set values for ClusterAutoscaler field`. */
const CA_SET = {
  scaleDownDelayAfterAdd: '1h0m0s',
  scaleDownDelayAfterDelete: '2h0m0s',
  scaleDownDelayAfterFailure: '3h0m0s',
  scaleDownUnneededTime: '4h0m0s',
  scaleDownUtilizationThreshold: 0.8,
  scanInterval: '5h0m0s',
  expander: 'random',
  maxNodeProvisionTime: '6h0m0s',
  maxGracefulTerminationSeconds: 86400,
  ignoreDaemonsetsUtilization: true,
  emitPerNodeGroupMetrics: true,
  verbosity: 4,
  newPodScaleUpDelay: '1ns',
  maxEmptyBulkDelete: 20,
  maxScaleDownParallelism: 15,
  maxDrainParallelism: 5,
  initialNodeGroupBackoffDuration: '10m0s',
  maxNodeGroupBackoffDuration: '20m0s',
  nodeGroupBackoffResetTimeout: '1h0m0s',
  maxBinpackingTime: '10m0s',
};

/** The same without maxScaleDownParallelism and maxBinpackingTime, and maxEmptyBulkDelete 17. */
const { maxScaleDownParallelism: _p, maxBinpackingTime: _b, ...CA_SYNC } = { ...CA_SET, maxEmptyBulkDelete: 17 };

/** The VerticalPodAutoscaler of `should not overwrite the already set values for VerticalPodAutoscaler field`. */
const VPA_SET = {
  evictAfterOOMThreshold: '5m0s',
  evictionRateBurst: 2,
  evictionRateLimit: 1,
  evictionTolerance: 0.6,
  recommendationMarginFraction: 0.2,
  updaterInterval: '2m0s',
  recommenderInterval: '2m0s',
  targetCPUPercentile: 0.333,
  recommendationLowerBoundCPUPercentile: 0.303,
  recommendationUpperBoundCPUPercentile: 0.393,
  cpuHistogramDecayHalfLife: '2m0s',
  targetMemoryPercentile: 0.444,
  recommendationLowerBoundMemoryPercentile: 0.404,
  recommendationUpperBoundMemoryPercentile: 0.494,
  memoryHistogramDecayHalfLife: '7s',
  memoryAggregationInterval: '22m0s',
  memoryAggregationIntervalCount: 42,
};


const CASES: DefaultsCase[] = [
  { from: 'KubeControllerManager > should not default KubeControllerManager field for workerless Shoot', set: [WORKERLESS], want: [[KCM, undefined]] },
  {
    from: 'NodeCIDRMaskSize IPv4 > should make nodeCIDRMaskSize big enough for 2*maxPods',
    set: [[KUBELET, { maxPods: 250 }]],
    want: [
      [`${KCM}.nodeCIDRMaskSize`, 23],
      [`${KCM}.nodeCIDRMaskSizeIPv6`, undefined],
    ],
  },
  {
    from: 'NodeCIDRMaskSize IPv4 > should make nodeCIDRMaskSize big enough for 2*maxPods (consider worker pool settings)',
    set: [
      [KUBELET, { maxPods: 64 }],
      ['spec.provider.workers', [{ name: '1', kubernetes: { kubelet: { maxPods: 100 } } }, { name: '2', kubernetes: { kubelet: { maxPods: 260 } } }]],
    ],
    want: [[`${KCM}.nodeCIDRMaskSize`, 22]],
  },
  {
    from: 'NodeCIDRMaskSize IPv6 > should default nodeCIDRMaskSize to 64',
    set: [['spec.networking', { ipFamilies: ['IPv6'] }]],
    want: [
      [`${KCM}.nodeCIDRMaskSize`, 64],
      [`${KCM}.nodeCIDRMaskSizeIPv6`, undefined],
    ],
  },
  {
    from: 'NodeCIDRMaskSize IPv6 > should not default NodeCIDRMaskSize if NodeCIDRMaskSizeIPv6 is set by user for IPv6 single stack',
    set: [
      ['spec.networking', { ipFamilies: ['IPv6'] }],
      [KCM, { nodeCIDRMaskSizeIPv6: 80 }],
    ],
    want: [
      [`${KCM}.nodeCIDRMaskSizeIPv6`, 80],
      [`${KCM}.nodeCIDRMaskSize`, undefined],
    ],
  },
  {
    from: 'NodeCIDRMaskSize DualStack > should default both NodeCIDRMaskSize and NodeCIDRMaskSizeIPv6',
    set: [['spec.networking', { ipFamilies: ['IPv4', 'IPv6'] }]],
    want: [
      [`${KCM}.nodeCIDRMaskSize`, 24],
      [`${KCM}.nodeCIDRMaskSizeIPv6`, 64],
    ],
  },
  { from: 'NodeMonitorGracePeriod > should default the nodeMonitorGracePeriod field', set: [], want: [[`${KCM}.nodeMonitorGracePeriod`, '40s']] },
  { from: 'NodeMonitorGracePeriod > should not overwrite the already set values', set: [[KCM, { nodeMonitorGracePeriod: '1m0s' }]], want: [[`${KCM}.nodeMonitorGracePeriod`, '1m0s']] },
  { from: 'KubeScheduler defaulting > should not default the kubeScheduler field for workerless Shoot', set: [WORKERLESS], want: [['spec.kubernetes.kubeScheduler', undefined]] },
  { from: 'KubeScheduler defaulting > should default the kubeScheduler field', set: [], want: [['spec.kubernetes.kubeScheduler.profile', 'balanced']] },
  { from: 'KubeScheduler defaulting > should not overwrite the already set values for kubeScheduler profile field', set: [['spec.kubernetes.kubeScheduler', { profile: 'bin-packing' }]], want: [['spec.kubernetes.kubeScheduler.profile', 'bin-packing']] },
  { from: 'KubeProxy defaulting > should not default the kubeProxy field for workerless Shoot', set: [WORKERLESS], want: [['spec.kubernetes.kubeProxy', undefined]] },
  { from: 'KubeProxy defaulting > should default the kubeProxy field for Shoot with workers', set: [], want: [['spec.kubernetes.kubeProxy', { mode: 'IPTables', enabled: true }]] },
  { from: 'KubeProxy defaulting > should not overwrite the already set values for kubeProxy field', set: [['spec.kubernetes.kubeProxy', { mode: 'IPVS', enabled: false }]], want: [['spec.kubernetes.kubeProxy', { mode: 'IPVS', enabled: false }]] },
  { from: 'Kubelet defaulting > should not default the kubelet field for workerless Shoot', set: [WORKERLESS], want: [[KUBELET, undefined]] },
  {
    from: 'Kubelet defaulting > should default the kubelet field for Shoot with workers',
    set: [],
    want: [
      [`${KUBELET}.failSwapOn`, true],
      [`${KUBELET}.imageMinimumGCAge`, '2m0s'],
      [`${KUBELET}.imageMaximumGCAge`, '0s'],
      [`${KUBELET}.imageGCHighThresholdPercent`, 50],
      [`${KUBELET}.imageGCLowThresholdPercent`, 40],
      [`${KUBELET}.serializeImagePulls`, true],
    ],
  },
  { from: 'Kubelet defaulting > should not overwrite already set values for failSwapOn field', set: [[KUBELET, { failSwapOn: false }]], want: [[`${KUBELET}.failSwapOn`, false]] },
  { from: 'Kubelet defaulting > should default the swap behaviour', set: [[KUBELET, { failSwapOn: false, featureGates: { NodeSwap: true } }]], want: [[`${KUBELET}.memorySwap.swapBehavior`, 'LimitedSwap']] },
  { from: 'Kubelet defaulting > should not overwrite already set values for swap behaviour', set: [[KUBELET, { failSwapOn: false, featureGates: { NodeSwap: true }, memorySwap: { swapBehavior: 'NoSwap' } }]], want: [[`${KUBELET}.memorySwap.swapBehavior`, 'NoSwap']] },
  { from: 'Kubelet defaulting > should not default the swap behaviour because failSwapOn=true', set: [[KUBELET, { failSwapOn: true, featureGates: { NodeSwap: true } }]], want: [[`${KUBELET}.memorySwap`, undefined]] },
  { from: 'Kubelet defaulting > should not default the swap behaviour because kubelet NodeSwap feature gate is false', set: [[KUBELET, { failSwapOn: false, featureGates: { NodeSwap: false } }]], want: [[`${KUBELET}.memorySwap`, undefined]] },
  { from: 'Kubelet defaulting > should default serializeImagePulls to false when maxParallelImagePulls field is set', set: [[KUBELET, { maxParallelImagePulls: 5 }]], want: [[`${KUBELET}.serializeImagePulls`, false]] },
  { from: 'Kubelet defaulting > should default serializeImagePulls to true when maxParallelImagePulls is less than 2', set: [[KUBELET, { maxParallelImagePulls: 1 }]], want: [[`${KUBELET}.serializeImagePulls`, true]] },
  {
    from: 'Worker Swap > should default the swap behaviour for a worker pool',
    set: [['spec.provider.workers.0.kubernetes', { kubelet: { failSwapOn: false, featureGates: { NodeSwap: true } } }]],
    want: [['spec.provider.workers.0.kubernetes.kubelet.memorySwap.swapBehavior', 'LimitedSwap']],
  },
  {
    from: 'Worker Swap > should not default the swap behaviour for a worker pool because failSwapOn=true (defaulted to true)',
    set: [['spec.provider.workers.0.kubernetes', { kubelet: { featureGates: { NodeSwap: true } } }]],
    want: [
      ['spec.provider.workers.0.kubernetes.kubelet.failSwapOn', true],
      ['spec.provider.workers.0.kubernetes.kubelet.memorySwap', undefined],
    ],
  },
  { from: 'Purpose defaulting > should default purpose field', set: [], want: [['spec.purpose', 'evaluation']] },
  { from: 'Purpose defaulting > should not default purpose field if it is already set', set: [['spec.purpose', 'production']], want: [['spec.purpose', 'production']] },
  { from: "Tolerations defaulting > should not add the 'protected' toleration if the namespace is not 'garden'", set: [], want: [['spec.tolerations', undefined]] },
  { from: "Tolerations defaulting > should add the 'protected' toleration if the namespace is 'garden'", set: [['metadata.namespace', 'garden']], want: [['spec.tolerations', [{ key: 'seed.gardener.cloud/protected' }]]] },
  { from: 'SchedulerName defaulting > should default schedulerName', set: [], want: [['spec.schedulerName', 'default-scheduler']] },
  { from: 'SchedulerName defaulting > should not overwrite the already set values for schedulerName field', set: [['spec.schedulerName', 'foo']], want: [['spec.schedulerName', 'foo']] },
  { from: 'Networking > should default ipFamilies setting to IPv4 single-stack', set: [], want: [['spec.networking.ipFamilies', ['IPv4']]] },
  { from: 'Networking > should not overwrite already set values for ipFamilies value', set: [['spec.networking', { ipFamilies: ['IPv6'] }]], want: [['spec.networking.ipFamilies', ['IPv6']]] },
  { from: 'Addons defaulting > should default the kubernetesDashboard field when dashboard is enabled', set: [['spec.addons', { kubernetesDashboard: { enabled: true } }]], want: [['spec.addons.kubernetesDashboard.authenticationMode', 'token']] },
  { from: 'Addons defaulting > should not default the kubernetesDashboard field when dashboard is disabled', set: [['spec.addons', { kubernetesDashboard: { enabled: false } }]], want: [['spec.addons.kubernetesDashboard.authenticationMode', undefined]] },
  { from: 'Addons defaulting > should default the kubernetesDashboard field when dashboard is not specified', set: [['spec.addons', {}]], want: [['spec.addons.kubernetesDashboard', undefined]] },
  { from: 'Addons defaulting > should not default the addons for shoots with kubernetes >= 1.35', set: [['spec.kubernetes.version', '1.35']], want: [['spec.addons', undefined]] },
  { from: 'Addons defaulting > should default the nginxIngress field', set: [['spec.addons', { nginxIngress: { enabled: true } }]], want: [['spec.addons.nginxIngress.externalTrafficPolicy', 'Cluster']] },
  { from: 'Addons defaulting > should not default the addons field for workerless Shoot', set: [WORKERLESS], want: [['spec.addons', undefined]] },
  {
    from: 'Maintenance defaulting > should default both KubernetesVersion and MachineImageVersion field for shoot with workers',
    set: [],
    want: [['spec.maintenance.autoUpdate', { kubernetesVersion: true, machineImageVersion: true }]],
  },
  { from: 'Maintenance defaulting > should default only KubernetesVersion field for workerless shoot', set: [WORKERLESS], want: [['spec.maintenance.autoUpdate', { kubernetesVersion: true }]] },
  {
    from: 'Maintenance defaulting > should default the maintenance rotation config for configured credentials',
    set: [['spec.maintenance', { autoRotation: { credentials: { observability: {}, sshKeypair: {}, etcdEncryptionKey: {} } } }]],
    want: [
      ['spec.maintenance.autoRotation.credentials.observability.rotationPeriod', '168h0m0s'],
      ['spec.maintenance.autoRotation.credentials.sshKeypair.rotationPeriod', '168h0m0s'],
      ['spec.maintenance.autoRotation.credentials.etcdEncryptionKey.rotationPeriod', '168h0m0s'],
    ],
  },
  {
    from: 'KubeAPIServer defaulting > should default the API server requests, event TTL, log verbosity and encryption provider',
    set: [],
    want: [
      [`${KAS}.requests`, { maxNonMutatingInflight: 400, maxMutatingInflight: 200 }],
      [`${KAS}.eventTTL`, '1h0m0s'],
      [`${KAS}.logging.verbosity`, 2],
      [`${KAS}.encryptionConfig.provider.type`, 'aescbc'],
      [`${KAS}.defaultNotReadyTolerationSeconds`, 300],
      [`${KAS}.defaultUnreachableTolerationSeconds`, 300],
    ],
  },
  {
    from: 'KubeAPIServer defaulting > should not default the defaultNotReady/UnreachableTolerationSeconds fields for workerless Shoot',
    set: [WORKERLESS],
    want: [
      [`${KAS}.defaultNotReadyTolerationSeconds`, undefined],
      [`${KAS}.defaultUnreachableTolerationSeconds`, undefined],
    ],
  },
  { from: 'KubeAPIServer defaulting > should not overwrite the already set encryption provider type', set: [[`${KAS}.encryptionConfig`, { provider: { type: 'aesgcm' } }]], want: [[`${KAS}.encryptionConfig.provider.type`, 'aesgcm']] },
  { from: 'WorkerSettings defaulting > should default the workers settings field for shoot with workers', set: [], want: [['spec.provider.workersSettings', { sshAccess: { enabled: true } }]] },
  { from: 'WorkerSettings defaulting > should not default the workers settings field for workerless Shoot', set: [WORKERLESS], want: [['spec.provider.workersSettings', undefined]] },
];

/** More cases, some expecting matchers (upstream's NotTo(BeNil()), BeFalse(), HaveSuffix, ConsistOf). */
const MATCHED_CASES: DefaultsCase[] = [
  { from: 'Kubernetes defaulting > Kubelet defaulting > should default the failSwapOn field', set: [], want: [[`${KUBELET}.failSwapOn`, true]] },
  {
    from: 'Kubernetes defaulting > Kubelet defaulting > should default the imageGCThreshold fields',
    set: [],
    want: [
      [`${KUBELET}.imageGCHighThresholdPercent`, 50],
      [`${KUBELET}.imageGCLowThresholdPercent`, 40],
    ],
  },
  {
    from: 'Kubernetes defaulting > Kubelet defaulting > should not overwrite already set values for imageGCThreshold field',
    set: [[KUBELET, { imageGCHighThresholdPercent: 12, imageGCLowThresholdPercent: 34 }]],
    want: [
      [`${KUBELET}.imageGCHighThresholdPercent`, 12],
      [`${KUBELET}.imageGCLowThresholdPercent`, 34],
    ],
  },
  {
    from: 'Kubernetes defaulting > Kubelet defaulting > should default serializeImagePulls to true when maxParallelImagePulls is unset or set to less than 2',
    set: [],
    want: [
      [`${KUBELET}.imageMinimumGCAge`, '2m0s'],
      [`${KUBELET}.imageMaximumGCAge`, '0s'],
    ],
  },
  {
    from: 'Kubernetes defaulting > Kubelet defaulting > should not overwrite already set values for imageGC age fields',
    set: [[KUBELET, { imageMinimumGCAge: '5m0s', imageMaximumGCAge: '10m0s' }]],
    want: [
      [`${KUBELET}.imageMinimumGCAge`, '5m0s'],
      [`${KUBELET}.imageMaximumGCAge`, '10m0s'],
    ],
  },
  { from: 'Kubernetes defaulting > Kubelet defaulting > should default the serializeImagePulls field', set: [], want: [[`${KUBELET}.serializeImagePulls`, true]] },
  {
    from: 'Kubernetes defaulting > Kubelet defaulting > should not overwrite already set values for serializeImagePulls field',
    set: [[KUBELET, { serializeImagePulls: false }]],
    want: [[`${KUBELET}.serializeImagePulls`, false]],
  },
  {
    from: 'Kubernetes defaulting > Kubelet defaulting > should not overwrite already set values for maxParallelImagePulls field',
    set: [[KUBELET, { maxParallelImagePulls: 5 }]],
    want: [[`${KUBELET}.maxParallelImagePulls`, 5]],
  },
  {
    from: 'Worker Swap > should not overwrite already set values for swap behaviour for a worker pool',
    set: [['spec.provider.workers', [{ kubernetes: { kubelet: { memorySwap: { swapBehavior: 'NoSwap' }, failSwapOn: false, featureGates: { NodeSwap: true } } } }]]],
    want: [[`${W0}.kubernetes.kubelet.memorySwap.swapBehavior`, 'NoSwap']],
  },
  {
    from: 'Worker Swap > should not default the swap behaviour for a worker pool because kubelet feature gate NodeSwap is not set',
    set: [['spec.provider.workers', [{ kubernetes: { kubelet: { failSwapOn: false } } }]]],
    want: [[`${W0}.kubernetes.kubelet.memorySwap`, undefined]],
  },
  {
    from: "Tolerations defaulting > should add the 'protected' toleration if the namespace is 'garden'",
    set: [
      ['metadata.namespace', 'garden'],
      ['spec.tolerations', [{ key: 'foo' }]],
    ],
    want: [['spec.tolerations', consistOf({ key: 'foo' }, { key: 'seed.gardener.cloud/protected' })]],
  },
  { from: 'Networking > should default the networking field', set: [['spec.networking', undefined]], want: [['spec.networking', PRESENT]] },
  {
    from: 'Addons defaulting > should not default the addons when version is invalid',
    set: [
      ['spec.addons', undefined],
      ['spec.kubernetes.version', '123'],
    ],
    want: [['spec.addons', undefined]],
  },
  {
    from: 'Addons defaulting > should not overwrite the already set values for kubernetesDashboard field',
    set: [['spec.addons', { kubernetesDashboard: { authenticationMode: 'foo' } }]],
    want: [['spec.addons.kubernetesDashboard.authenticationMode', 'foo']],
  },
  {
    from: 'Addons defaulting > should not overwrite the already set values for nginxIngress field',
    set: [['spec.addons', { nginxIngress: { externalTrafficPolicy: 'Local' } }]],
    want: [['spec.addons.nginxIngress.externalTrafficPolicy', 'Local']],
  },
  {
    from: 'Maintenance defaulting > should default the maintenance timeWindow field',
    set: [['spec.maintenance', undefined]],
    want: [
      ['spec.maintenance.timeWindow.begin', suffix('0000+0000')],
      ['spec.maintenance.timeWindow.end', suffix('0000+0000')],
    ],
  },
  {
    from: 'Maintenance defaulting > should not overwrite the already set values for maintenance autoUpdate field',
    set: [['spec.maintenance', { autoUpdate: { kubernetesVersion: false, machineImageVersion: false } }]],
    want: [
      ['spec.maintenance.autoUpdate.kubernetesVersion', GO_FALSE],
      ['spec.maintenance.autoUpdate.machineImageVersion', false],
    ],
  },
  {
    from: 'Maintenance defaulting > should default the maintenance rotation config for configured credentials',
    set: [['spec.maintenance', { autoRotation: { credentials: { sshKeypair: {} } } }]],
    want: [
      [`${CREDENTIALS}.sshKeypair`, { rotationPeriod: '168h0m0s' }],
      [`${CREDENTIALS}.observability`, undefined],
      [`${CREDENTIALS}.etcdEncryptionKey`, undefined],
    ],
  },
  {
    from: 'Maintenance defaulting > should not overwrite the already set values for maintenance rotation config',
    set: [
      [
        'spec.maintenance',
        {
          autoRotation: {
            credentials: { sshKeypair: { rotationPeriod: '48h0m0s' }, observability: { rotationPeriod: '1h0m0s' }, etcdEncryptionKey: { rotationPeriod: '168h0m0s' } },
          },
        },
      ],
    ],
    want: [
      [`${CREDENTIALS}.sshKeypair`, { rotationPeriod: '48h0m0s' }],
      [`${CREDENTIALS}.observability`, { rotationPeriod: '1h0m0s' }],
      [`${CREDENTIALS}.etcdEncryptionKey`, { rotationPeriod: '168h0m0s' }],
    ],
  },
  {
    from: 'KubeAPIServer defaulting > should default the API server requests fields',
    set: [[KAS, undefined]],
    want: [
      [`${KAS}.requests`, PRESENT],
      [`${KAS}.requests.maxNonMutatingInflight`, 400],
      [`${KAS}.requests.maxMutatingInflight`, 200],
    ],
  },
  {
    from: 'KubeAPIServer defaulting > should not overwrite the already set values for API server requests fields',
    set: [[KAS, { requests: { maxNonMutatingInflight: 123, maxMutatingInflight: 456 } }]],
    want: [
      [`${KAS}.requests.maxNonMutatingInflight`, 123],
      [`${KAS}.requests.maxMutatingInflight`, 456],
    ],
  },
  { from: 'KubeAPIServer defaulting > should default the event ttl field', set: [[KAS, undefined]], want: [[`${KAS}.eventTTL`, '1h0m0s']] },
  { from: 'KubeAPIServer defaulting > should not overwrite the already set values for event ttl field', set: [[KAS, { eventTTL: '4h0m0s' }]], want: [[`${KAS}.eventTTL`, '4h0m0s']] },
  { from: 'KubeAPIServer defaulting > should default the log verbosity level', set: [[KAS, undefined]], want: [[`${KAS}.logging.verbosity`, 2]] },
  {
    from: 'KubeAPIServer defaulting > should not overwrite the already set values for log verbosity level',
    set: [[KAS, { logging: { verbosity: 3 } }]],
    want: [[`${KAS}.logging.verbosity`, 3]],
  },
  { from: 'KubeAPIServer defaulting > should default the encryption provider type', set: [[KAS, undefined]], want: [[`${KAS}.encryptionConfig.provider.type`, 'aescbc']] },
  {
    from: 'KubeAPIServer defaulting > should default the defaultNotReadyTolerationSeconds field',
    set: [[KAS, undefined]],
    want: [[`${KAS}.defaultNotReadyTolerationSeconds`, 300]],
  },
  {
    from: 'KubeAPIServer defaulting > should not overwrite the already set values for defaultNotReadyTolerationSeconds field',
    set: [[KAS, { defaultNotReadyTolerationSeconds: 120 }]],
    want: [[`${KAS}.defaultNotReadyTolerationSeconds`, 120]],
  },
  {
    from: 'KubeAPIServer defaulting > should not default the defaultNotReadyTolerationSeconds field for workerless Shoot',
    set: [[KAS, undefined], WORKERLESS],
    want: [[`${KAS}.defaultNotReadyTolerationSeconds`, undefined]],
  },
  {
    from: 'KubeAPIServer defaulting > should default the defaultUnreachableTolerationSeconds field',
    set: [[KAS, undefined]],
    want: [[`${KAS}.defaultUnreachableTolerationSeconds`, 300]],
  },
  {
    from: 'KubeAPIServer defaulting > should not overwrite the already set values for defaultUnreachableTolerationSeconds field',
    set: [[KAS, { defaultUnreachableTolerationSeconds: 120 }]],
    want: [[`${KAS}.defaultUnreachableTolerationSeconds`, 120]],
  },
  {
    from: 'KubeAPIServer defaulting > should not default the defaultUnreachableTolerationSeconds field for workerless Shoot',
    set: [[KAS, undefined], WORKERLESS],
    want: [[`${KAS}.defaultUnreachableTolerationSeconds`, undefined]],
  },
  {
    from: 'WorkerSettings defaulting > should not overwrite the already set values for ssh access field in workers settings',
    set: [['spec.provider.workersSettings', { sshAccess: { enabled: false } }]],
    want: [['spec.provider.workersSettings', { sshAccess: { enabled: false } }]],
  },
  {
    from: 'should default worker cri.name to containerd',
    set: [['spec.provider.workers', [{ name: 'DefaultWorker' }, { name: 'Worker with CRI configuration', cri: { name: 'some configured value' } }]]],
    want: [
      [`${W0}.cri`, PRESENT],
      [`${W0}.cri.name`, 'containerd'],
      [`${W1}.cri.name`, 'some configured value'],
    ],
  },
  {
    from: 'SystemComponents defaulting > should default the system components and coredns autoscaling fields for shoot with workers',
    set: [['spec.systemComponents', undefined]],
    want: [['spec.systemComponents', { coreDNS: { autoscaling: { mode: 'horizontal' } } }]],
  },
  {
    from: 'SystemComponents defaulting > should not overwrite coredns autoscaling fields when mode is set to horizontal for shoot with workers',
    set: [['spec.systemComponents', { coreDNS: { autoscaling: { mode: 'horizontal' } } }]],
    want: [['spec.systemComponents.coreDNS.autoscaling.mode', 'horizontal']],
  },
  {
    from: 'SystemComponents defaulting > should not overwrite coredns autoscaling fields when mode is set to cluster-proportional for shoot with workers',
    set: [['spec.systemComponents', { coreDNS: { autoscaling: { mode: 'cluster-proportional' } } }]],
    want: [['spec.systemComponents.coreDNS.autoscaling.mode', 'cluster-proportional']],
  },
  {
    from: 'SystemComponents defaulting > should overwrite coredns autoscaling mode field to horizontal when mode is not horizontal or cluster-proportional for shoot with workers',
    set: [['spec.systemComponents', { coreDNS: { autoscaling: { mode: 'foo' } } }]],
    want: [['spec.systemComponents.coreDNS.autoscaling.mode', 'horizontal']],
  },
  { from: 'SystemComponents defaulting > should not default the system components for workerless Shoot', set: [WORKERLESS], want: [['spec.systemComponents', undefined]] },
  {
    from: 'Worker defaulting > should default the worker fields',
    set: [TWO_WORKERS],
    want: [0, 1].flatMap((i): Change[] => [
      [`spec.provider.workers.${i}.updateStrategy`, 'AutoRollingUpdate'],
      [`spec.provider.workers.${i}.maxSurge`, 1],
      [`spec.provider.workers.${i}.maxUnavailable`, 0],
      [`spec.provider.workers.${i}.systemComponents`, PRESENT],
      [`spec.provider.workers.${i}.systemComponents.allow`, true],
      [`spec.provider.workers.${i}.machineControllerManager`, undefined],
    ]),
  },
  {
    from: 'Worker defaulting > should default the worker fields for update strategy InPlaceUpdate',
    set: [TWO_WORKERS, [`${W0}.updateStrategy`, 'AutoInPlaceUpdate'], [`${W1}.updateStrategy`, 'ManualInPlaceUpdate']],
    want: [
      [`${W0}.maxSurge`, 0],
      [`${W0}.maxUnavailable`, 1],
      [`${W0}.systemComponents.allow`, true],
      [`${W0}.updateStrategy`, 'AutoInPlaceUpdate'],
      [`${W0}.machineControllerManager.disableHealthTimeout`, true],
      [`${W1}.maxSurge`, undefined],
      [`${W1}.maxUnavailable`, undefined],
      [`${W1}.systemComponents.allow`, true],
      [`${W1}.updateStrategy`, 'ManualInPlaceUpdate'],
      [`${W1}.machineControllerManager.disableHealthTimeout`, true],
    ],
  },
  {
    from: 'Worker defaulting > should not overwrite the already set values for worker fields',
    set: [
      [
        'spec.provider.workers',
        [
          {
            name: 'worker-1',
            maxSurge: 2,
            maxUnavailable: 1,
            systemComponents: { allow: false },
            updateStrategy: 'AutoInPlaceUpdate',
            machineControllerManager: { disableHealthTimeout: false, machinePreserveTimeout: '2h0m0s', autoPreserveFailedMachineMax: 4 },
          },
          {
            name: 'worker-2',
            maxSurge: 0,
            maxUnavailable: 2,
            systemComponents: { allow: false },
            updateStrategy: 'ManualInPlaceUpdate',
            machineControllerManager: { disableHealthTimeout: false, machinePreserveTimeout: '72h0m0s', autoPreserveFailedMachineMax: 4 },
          },
          {
            name: 'worker-3',
            maxSurge: 1,
            maxUnavailable: 2,
            systemComponents: { allow: false },
            updateStrategy: 'AutoRollingUpdate',
            machineControllerManager: { disableHealthTimeout: true, machinePreserveTimeout: '72h0m0s', autoPreserveFailedMachineMax: 4 },
          },
        ],
      ],
    ],
    want: [
      [`${W0}.maxSurge`, 2],
      [`${W0}.maxUnavailable`, 1],
      [`${W0}.systemComponents.allow`, GO_FALSE],
      [`${W0}.updateStrategy`, 'AutoInPlaceUpdate'],
      [`${W0}.machineControllerManager`, { disableHealthTimeout: false, machinePreserveTimeout: '2h0m0s', autoPreserveFailedMachineMax: 4 }],
      [`${W1}.maxSurge`, 0],
      [`${W1}.maxUnavailable`, 2],
      [`${W1}.systemComponents.allow`, GO_FALSE],
      [`${W1}.updateStrategy`, 'ManualInPlaceUpdate'],
      [`${W1}.machineControllerManager`, { disableHealthTimeout: false, machinePreserveTimeout: '72h0m0s', autoPreserveFailedMachineMax: 4 }],
      [`${W2}.maxSurge`, 1],
      [`${W2}.maxUnavailable`, 2],
      [`${W2}.systemComponents.allow`, GO_FALSE],
      [`${W2}.updateStrategy`, 'AutoRollingUpdate'],
      [`${W2}.machineControllerManager`, { disableHealthTimeout: true, machinePreserveTimeout: '72h0m0s', autoPreserveFailedMachineMax: 4 }],
    ],
  },
  {
    from: 'ClusterAutoscaler defaulting > should default the ClusterAutoscaler field',
    set: [[CA, {}]],
    want: [
      [`${CA}.scaleDownDelayAfterAdd`, '1h0m0s'],
      [`${CA}.scaleDownDelayAfterDelete`, '0s'],
      [`${CA}.scaleDownDelayAfterFailure`, '3m0s'],
      [`${CA}.scaleDownUnneededTime`, '30m0s'],
      [`${CA}.scanInterval`, '10s'],
      [`${CA}.maxNodeProvisionTime`, '20m0s'],
      [`${CA}.expander`, 'least-waste'],
      [`${CA}.maxGracefulTerminationSeconds`, 600],
      [`${CA}.ignoreDaemonsetsUtilization`, false],
      [`${CA}.emitPerNodeGroupMetrics`, false],
      [`${CA}.verbosity`, 2],
      [`${CA}.newPodScaleUpDelay`, '0s'],
      [`${CA}.maxScaleDownParallelism`, 10],
      [`${CA}.maxDrainParallelism`, 1],
      [`${CA}.initialNodeGroupBackoffDuration`, '5m0s'],
      [`${CA}.maxNodeGroupBackoffDuration`, '30m0s'],
      [`${CA}.nodeGroupBackoffResetTimeout`, '3h0m0s'],
      [`${CA}.maxBinpackingTime`, '5m0s'],
    ],
  },
  { from: 'ClusterAutoscaler defaulting > should not overwrite the already set values for ClusterAutoscaler field', set: [[CA, CA_SET]], want: [[CA, CA_SET]] },
  {
    from: 'ClusterAutoscaler defaulting > should sync MaxScaleDownParallelism value with MaxEmptyBulkDelete when the latter is set and the former is not',
    set: [[CA, CA_SYNC]],
    want: [[CA, { ...CA_SYNC, maxScaleDownParallelism: 17, maxBinpackingTime: '5m0s' }]],
  },
  {
    from: 'VerticalPodAutoscaler defaulting > should default the VerticalPodAutoscaler field',
    set: [[VPA, {}]],
    want: [
      [`${VPA}.enabled`, GO_FALSE],
      [`${VPA}.evictAfterOOMThreshold`, '10m0s'],
      [`${VPA}.evictionRateBurst`, 1],
      [`${VPA}.evictionRateLimit`, -1],
      [`${VPA}.evictionTolerance`, 0.5],
      [`${VPA}.recommendationMarginFraction`, 0.15],
      [`${VPA}.updaterInterval`, '1m0s'],
      [`${VPA}.recommenderInterval`, '1m0s'],
      [`${VPA}.targetCPUPercentile`, 0.9],
      [`${VPA}.recommendationLowerBoundCPUPercentile`, 0.5],
      [`${VPA}.recommendationUpperBoundCPUPercentile`, 0.95],
      [`${VPA}.cpuHistogramDecayHalfLife`, '24h0m0s'],
      [`${VPA}.targetMemoryPercentile`, 0.9],
      [`${VPA}.recommendationLowerBoundMemoryPercentile`, 0.5],
      [`${VPA}.recommendationUpperBoundMemoryPercentile`, 0.95],
      [`${VPA}.memoryHistogramDecayHalfLife`, '24h0m0s'],
      [`${VPA}.memoryAggregationInterval`, '24h0m0s'],
      [`${VPA}.memoryAggregationIntervalCount`, 8],
      [`${VPA}.recommenderUpdateWorkerCount`, 10],
    ],
  },
  {
    from: 'VerticalPodAutoscaler defaulting > should not overwrite the already set values for VerticalPodAutoscaler field',
    set: [[VPA, VPA_SET]],
    want: [[`${VPA}.enabled`, GO_FALSE], ...Object.entries(VPA_SET).map(([k, v]): Change => [`${VPA}.${k}`, v])],
  },
  {
    from: 'Self-Hosted Shoots > Exposure Extension defaulting > should default extension type to spec.provider.type',
    set: [SELF_HOSTED],
    want: [[`${W0}.controlPlane.exposure.extension.type`, 'local']],
  },
  {
    from: 'Self-Hosted Shoots > Exposure Extension defaulting > should not overwrite existing extension type',
    set: [SELF_HOSTED, [`${W0}.controlPlane.exposure.extension.type`, 'stackit']],
    want: [[`${W0}.controlPlane.exposure.extension.type`, 'stackit']],
  },
];

/** Upstream's base Shoot of the defaulting tests. */
function base(): KubeObject {
  return {
    apiVersion: 'core.gardener.cloud/v1beta1',
    kind: 'Shoot',
    metadata: { name: 'shoot', namespace: 'garden-dev' },
    spec: { kubernetes: { version: '1.31.1' }, provider: { type: 'local', workers: [{}] } },
  };
}

describe('registry/shoot defaults: cases of upstream defaults_shoot_test.go', () => {
  for (const c of [...CASES, ...MATCHED_CASES]) {
    it(c.from, () => {
      const shoot = base();
      for (const [path, value] of c.set) setAt(shoot, path, structuredClone(value));
      applyShootDefaults(shoot, () => 0);
      for (const [path, value] of c.want) {
        const got = at(shoot, path);
        if (value instanceof Matcher) assert.ok(value.test(got), `${path}: want ${value.what}, got ${JSON.stringify(got)}`);
        else assert.deepEqual(got, value, path);
      }
    });
  }
});
