/**
 * Cases of Gardener's Shoot defaulting tests (pkg/apis/core/v1beta1/defaults_shoot_test.go at
 * b312835d17) as data: changes to upstream's base Shoot (Kubernetes 1.31.1, one empty worker pool,
 * provider `local`) and the values expected afterwards (`undefined`: the field stays absent). Each case
 * names the upstream Describe and It it comes from.
 */
import assert from 'node:assert/strict';
import type { KubeObject } from '../../apimachinery/types.js';
import { applyShootDefaults } from './defaults.js';
import { at, setAt } from '../../test/support/shoot/fixtures.js';

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
  for (const c of CASES) {
    it(c.from, () => {
      const shoot = base();
      for (const [path, value] of c.set) setAt(shoot, path, structuredClone(value));
      applyShootDefaults(shoot, () => 0);
      for (const [path, value] of c.want) assert.deepEqual(at(shoot, path), value, path);
    });
  }
});
