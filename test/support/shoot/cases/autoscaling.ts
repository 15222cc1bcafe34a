/**
 * Cases of Gardener's shoot_test.go (b312835d17) for the cluster autoscaler, the vertical pod
 * autoscaler, audit and structured authentication. Upstream checks ValidateClusterAutoscaler and
 * ValidateVerticalPodAutoscaler on their own (relative paths); here the same values sit in upstream's
 * base Shoot, so the paths carry the Shoot's prefix and the Kubernetes version is the Shoot's.
 */
import type { Change, Expected, UpstreamCase } from './index.js';

const CA = 'spec.kubernetes.clusterAutoscaler';
const VPA = 'spec.kubernetes.verticalPodAutoscaler';
const NON_NEGATIVE = 'must be non-negative';
const PERCENTILE = 'percentile value must be in the range [0, 1]';
const FRACTION = 'fraction value must be in the range [0, 1)';
const GTE_0 = 'must be greater than or equal to 0';
const TAINTS_UNIQUE = ['taint-1', 'taint-2'];
const TAINTS_DUPLICATE = ['taint-1', 'taint-1'];
const TAINTS_INVALID = ['taint 1', 'taint-1'];

/** A cluster autoscaler entry of upstream's "cluster autoscaler values" table. */
function ca(name: string, config: Record<string, unknown>, version: string, want: Expected[], contains?: true): UpstreamCase {
  const set: Change[] = [[CA, config], ['spec.kubernetes.version', version]];
  return { from: `ClusterAutoscaler validation > cluster autoscaler values > ${name} (${version})`, set, want, ...(contains === true ? { contains } : {}) };
}

/** A vertical pod autoscaler entry of upstream's "verticalPod autoscaler values" table. */
function vpa(name: string, config: Record<string, unknown>, want: Expected[]): UpstreamCase {
  return { from: `VerticalPodAutoscaler validation > verticalPod autoscaler values > ${name}`, set: [[VPA, config]], want };
}

/** Cases of ValidateShoot for autoscalers, audit and authentication. */
export const AUTOSCALING_CASES: UpstreamCase[] = [
  ca('valid', {}, '1.31.0', []),
  ca('valid', {}, '1.32.0', []),
  ca('valid with threshold', { scaleDownUtilizationThreshold: 0.5 }, '1.31.0', []),
  ca('invalid negative threshold', { scaleDownUtilizationThreshold: -0.5 }, '1.31.0', [['Invalid', `${CA}.scaleDownUtilizationThreshold`, 'can not be negative']]),
  ca('invalid > 1 threshold', { scaleDownUtilizationThreshold: 1.5 }, '1.31.0', [['Invalid', `${CA}.scaleDownUtilizationThreshold`, 'can not be greater than 1.0']]),
  ca('valid with maxNodeProvisionTime', { maxNodeProvisionTime: '1m0s' }, '1.31.0', []),
  ca('invalid with negative maxNodeProvisionTime', { maxNodeProvisionTime: '-1s' }, '1.31.0', [['Invalid', `${CA}.maxNodeProvisionTime`, NON_NEGATIVE]]),
  ca('invalid with negative maxGracefulTerminationSeconds', { maxGracefulTerminationSeconds: -100 }, '1.31.0', [['Invalid', `${CA}.maxGracefulTerminationSeconds`, GTE_0]]),
  ...['least-waste', 'most-pods', 'priority', 'random', 'least-nodes', 'priority,least-waste'].map((e) => ca(`valid with expander ${e}`, { expander: e }, '1.31.0', [])),
  ca('invalid expander in multiple expander string', { expander: 'priority, test-expander' }, '1.31.0', [['NotSupported', `${CA}.expander`]], true),
  ca('incorrect multiple expander string', { expander: 'priority, least-waste' }, '1.31.0', [['NotSupported', `${CA}.expander`]], true),
  ca('valid with startup taint', { startupTaints: TAINTS_UNIQUE }, '1.31.0', []),
  ca('duplicate startup taint', { startupTaints: TAINTS_DUPLICATE }, '1.31.0', [['Duplicate', `${CA}.startupTaints[1]`]]),
  ca('invalid with startup taint', { startupTaints: TAINTS_INVALID }, '1.31.0', [['Invalid', `${CA}.startupTaints[0]`]], true),
  ca('duplicate status taint', { statusTaints: TAINTS_DUPLICATE }, '1.31.0', [['Duplicate', `${CA}.statusTaints[1]`]]),
  ca('invalid with status taint', { statusTaints: TAINTS_INVALID }, '1.31.0', [['Invalid', `${CA}.statusTaints[0]`]], true),
  ca('invalid with ignore taint on K8S v1.32', { ignoreTaints: TAINTS_UNIQUE }, '1.32.0', [['Forbidden', `${CA}.ignoreTaints.IgnoreTaints`, 'not supported in Kubernetes version 1.32.0']]),
  ca('valid with ignore taint', { ignoreTaints: TAINTS_UNIQUE }, '1.31.0', []),
  ca('duplicate ignore taint', { ignoreTaints: TAINTS_DUPLICATE }, '1.31.0', [['Duplicate', `${CA}.ignoreTaints[1]`]]),
  ca('valid with newPodScaleUpDelay', { newPodScaleUpDelay: '1m0s' }, '1.31.0', []),
  ca('invalid with negative newPodScaleUpDelay', { newPodScaleUpDelay: '-1s' }, '1.31.0', [['Invalid', `${CA}.newPodScaleUpDelay`, NON_NEGATIVE]]),
  ca('valid with maxEmptyBulkDelete', { maxEmptyBulkDelete: 100 }, '1.31.0', []),
  ca('invalid with negative maxEmptyBulkDelete', { maxEmptyBulkDelete: -100 }, '1.31.0', [['Invalid', `${CA}.maxEmptyBulkDelete`, 'can not be negative']]),
  ca('invalid with maxEmptyBulkDelete set for kubernetes version 1.33 and above', { maxEmptyBulkDelete: 100 }, '1.33.0', [
    ['Forbidden', `${CA}.maxEmptyBulkDelete`, 'for Kubernetes versions >= 1.33, maxEmptyBulkDelete field is no longer supported, use maxScaleDownParallelism instead'],
  ]),
  ca('valid with maxScaleDownParallelism', { maxScaleDownParallelism: 100 }, '1.32.0', []),
  ca('invalid with negative maxScaleDownParallelism', { maxScaleDownParallelism: -100 }, '1.32.0', [['Invalid', `${CA}.maxScaleDownParallelism`, GTE_0]]),
  ca('valid with maxScaleDownParallelism and maxEmptyBulkDelete set to same value', { maxScaleDownParallelism: 100, maxEmptyBulkDelete: 100 }, '1.32.0', []),
  vpa('with empty field', {}, []),
  vpa('with invalid evictAfterOOMThreshold field', { evictAfterOOMThreshold: '-1s' }, [['Invalid', `${VPA}.evictAfterOOMThreshold`, NON_NEGATIVE]]),
  vpa('with invalid evictionRateBurst field', { evictionRateBurst: -1 }, [['Invalid', `${VPA}.evictionRateBurst`, NON_NEGATIVE]]),
  vpa('with invalid evictionTolerance field', { evictionTolerance: -0.1 }, [['Invalid', `${VPA}.evictionTolerance`, FRACTION]]),
  vpa('with invalid recommendationMarginFraction field', { recommendationMarginFraction: 1.0 }, [['Invalid', `${VPA}.recommendationMarginFraction`, FRACTION]]),
  vpa('with invalid updaterInterval field', { updaterInterval: '-1s' }, [['Invalid', `${VPA}.updaterInterval`, NON_NEGATIVE]]),
  vpa('with invalid targetCPUPercentile field', { targetCPUPercentile: -1.0 }, [['Invalid', `${VPA}.targetCPUPercentile`, PERCENTILE]]),
  vpa('with invalid recommendationUpperBoundMemoryPercentile field', { recommendationUpperBoundMemoryPercentile: 3.14 }, [['Invalid', `${VPA}.recommendationUpperBoundMemoryPercentile`, PERCENTILE]]),
  vpa('with invalid memoryAggregationInterval field', { memoryAggregationInterval: '-1s' }, [['Invalid', `${VPA}.memoryAggregationInterval`, NON_NEGATIVE]]),
  vpa('with invalid memoryAggregationIntervalCount field', { memoryAggregationIntervalCount: -1 }, [['Invalid', `${VPA}.memoryAggregationIntervalCount`, GTE_0]]),
  vpa('with unknown feature gate', { featureGates: { Foo: true } }, [['Invalid', `${VPA}.featureGates.Foo`, 'unknown feature gate']]),
  vpa('with unsupported maxAllowed resource', { maxAllowed: { storage: '0' } }, [['NotSupported', `${VPA}.maxAllowed.storage`]]),
  vpa('with invalid maxAllowed resource quantity value', { maxAllowed: { cpu: '-100m', memory: '-100Mi' } }, [
    ['Invalid', `${VPA}.maxAllowed.cpu`, GTE_0],
    ['Invalid', `${VPA}.maxAllowed.memory`, GTE_0],
  ]),
  vpa('with invalid recommenderUpdateWorkerCount value', { recommenderUpdateWorkerCount: 0 }, [['Invalid', `${VPA}.recommenderUpdateWorkerCount`, 'must be greater than 0']]),
  vpa(
    'with valid fields',
    {
      evictAfterOOMThreshold: '5m0s',
      evictionRateBurst: 1,
      evictionTolerance: 0.4,
      recommendationMarginFraction: 0.1,
      updaterInterval: '2m0s',
      recommenderInterval: '2m0s',
      targetCPUPercentile: 0.333,
      recommendationLowerBoundCPUPercentile: 0.303,
      recommendationUpperBoundCPUPercentile: 0.393,
      targetMemoryPercentile: 0.444,
      recommendationLowerBoundMemoryPercentile: 0.404,
      recommendationUpperBoundMemoryPercentile: 0.494,
      cpuHistogramDecayHalfLife: '2m0s',
      memoryHistogramDecayHalfLife: '7s',
      memoryAggregationInterval: '22m0s',
      memoryAggregationIntervalCount: 42,
      featureGates: { PerVPAConfig: true },
      maxAllowed: { cpu: '8', memory: '32Gi' },
      recommenderUpdateWorkerCount: 42,
    },
    [],
  ),
  {
    from: 'AuditConfig validation > should forbid empty name',
    set: [['spec.kubernetes.kubeAPIServer.auditConfig.auditPolicy.configMapRef.name', '']],
    want: [['Required', 'spec.kubernetes.kubeAPIServer.auditConfig.auditPolicy.configMapRef.name']],
  },
  { from: 'AuditConfig validation > should allow nil AuditConfig', set: [['spec.kubernetes.kubeAPIServer.auditConfig', undefined]], want: [] },
  {
    from: 'Authentication validation > should forbid empty name',
    set: [['spec.kubernetes.kubeAPIServer.structuredAuthentication', {}]],
    want: [['Forbidden', 'spec.kubernetes.kubeAPIServer.structuredAuthentication.configMapName', 'must provide a name']],
  },
  {
    from: 'Authentication validation > should forbid setting structured authentication when feature gate is disabled',
    set: [
      ['spec.kubernetes.kubeAPIServer.structuredAuthentication', { configMapName: 'foo' }],
      ['spec.kubernetes.kubeAPIServer.featureGates', { StructuredAuthenticationConfiguration: false }],
    ],
    contains: true,
    want: [['Forbidden', 'spec.kubernetes.kubeAPIServer.structuredAuthentication', 'requires feature gate StructuredAuthenticationConfiguration to be enabled']],
  },
];
