/**
 * Cases of Gardener's Shoot validation tests (pkg/api/core/validation/shoot_test.go at b312835d17), as
 * data: a change to a base Shoot and the field errors (type and path, some with their detail) that
 * upstream expects. `from` names the upstream Describe/Context and It each case comes from. The base
 * Shoot is upstream's test Shoot in its v1beta1 JSON form.
 */
import type { FieldErrorType } from '../../../../apimachinery/field.js';
import type { KubeObject } from '../../../../apimachinery/types.js';
import { setAt } from '../fixtures.js';
import type { ShootFeatureGates } from '../../../../registry/shoot/validation/index.js';

/** One expected field error: type, path and (optionally) the exact detail. */
export type Expected = [FieldErrorType, string] | [FieldErrorType, string, string];

/** A dotted path (`spec.provider.workers.0.name`) and the value to put there (`undefined` removes it). */
export type Change = [string, unknown];

/** One upstream case. */
export interface UpstreamCase {
  /** `Describe/Context > It` in shoot_test.go. */
  from: string;
  /** Changes to the base Shoot (the new object for updates). */
  set: Change[];
  /** For ValidateShootUpdate cases: changes that make the old object (applied to the base). */
  old?: Change[];
  /** The field errors upstream expects, in any order: all of them, or (with `contains`) among others. */
  want: Expected[];
  /** Upstream matches with ContainElement(s) rather than ConsistOf. */
  contains?: true;
  /** Upstream only matches error types (some error of each type, at any path). */
  wantTypes?: readonly FieldErrorType[];
  /** Gardener feature gates the case switches on (test.WithFeatureGate upstream). */
  gates?: Partial<ShootFeatureGates>;
}

/** Upstream's `worker` of the Shoot tests. */
export const UPSTREAM_WORKER = {
  name: 'worker-name',
  machine: { type: 'large', image: { name: 'image-name', version: '1.0.0' }, architecture: 'amd64' },
  minimum: 1,
  maximum: 1,
  maxSurge: 1,
  maxUnavailable: 0,
  systemComponents: { allow: true },
  updateStrategy: 'AutoRollingUpdate',
};

/** Upstream's test Shoot (BeforeEach of "#ValidateShoot, #ValidateShootUpdate"). */
export function upstreamShoot(): KubeObject {
  return {
    apiVersion: 'core.gardener.cloud/v1beta1',
    kind: 'Shoot',
    metadata: { name: 'shoot', namespace: 'my-namespace' },
    spec: {
      addons: { nginxIngress: { enabled: true } },
      cloudProfile: { kind: 'CloudProfile', name: 'test-profile' },
      region: 'some-region',
      secretBindingName: 'my-secret',
      purpose: 'evaluation',
      dns: { providers: [{ type: 'some-provider', primary: true }], domain: 'my-cluster.example.com' },
      kubernetes: {
        version: '1.31.0',
        etcd: { main: { autoscaling: { minAllowed: { cpu: '2' } } }, events: { autoscaling: { minAllowed: { cpu: '1' } } } },
        kubeAPIServer: {
          admissionPlugins: [{ name: 'PodNodeSelector', config: { podNodeSelectorPluginConfig: { clusterDefaultNodeSelector: 'a=b' } } }],
          auditConfig: { auditPolicy: { configMapRef: { name: 'audit-policy-config' } } },
          autoscaling: { minAllowed: { cpu: '20m', memory: '200M' } },
        },
        kubeControllerManager: { nodeCIDRMaskSize: 22, horizontalPodAutoscaler: { syncPeriod: '30s', tolerance: 0.1 } },
      },
      networking: { type: 'some-network-plugin' },
      provider: { type: 'test', workers: [structuredClone(UPSTREAM_WORKER)] },
      maintenance: { autoUpdate: { kubernetesVersion: true }, timeWindow: { begin: '220000+0100', end: '230000+0100' } },
      monitoring: { alerting: {} },
      tolerations: [{ key: 'foo' }],
    },
  };
}

/** The base Shoot with the changes applied. */
export function changed(changes: readonly Change[], base: KubeObject = upstreamShoot()): KubeObject {
  for (const [path, value] of changes) setAt(base, path, structuredClone(value));
  return base;
}

const W = 'spec.provider.workers';
const KAS = 'spec.kubernetes.kubeAPIServer';
const KCM = 'spec.kubernetes.kubeControllerManager';
/** Upstream's base without worker pools (and so without add-ons and kube-controller-manager settings). */
export const WORKERLESS: Change[] = [
  [W, undefined],
  ['spec.addons', undefined],
  [KCM, undefined],
];

/** Cases of ValidateShoot (create). */
export const CREATE_CASES: UpstreamCase[] = [
  { from: '#ValidateShoot > should not return any errors (the base Shoot)', set: [], want: [] },
  {
    from: 'Shoot metadata > should forbid Shoot with empty metadata',
    set: [['metadata', {}]],
    want: [['Required', 'metadata.name'], ['Required', 'metadata.namespace']],
  },
  { from: "Shoot metadata > should forbid Shoot with '.' in the name", set: [['metadata.name', 'shoot.test']], want: [['Invalid', 'metadata.name']] },
  { from: "Shoot metadata > should forbid Shoot with '_' in the name", set: [['metadata.name', 'shoot_test']], want: [['Invalid', 'metadata.name']] },
  { from: 'Shoot metadata > should forbid Shoot with name containing two consecutive hyphens', set: [['metadata.name', 'sho--oot']], want: [['Invalid', 'metadata.name']] },
  {
    from: 'should forbid empty Shoot resources',
    set: [
      ['metadata', {}],
      ['spec', {}],
    ],
    want: [
      ['Required', 'metadata.name'],
      ['Required', 'metadata.namespace'],
      ['Required', 'spec.kubernetes.version'],
      ['Required', 'spec.provider.type'],
      ['Required', 'spec.cloudProfile.name'],
      ['Required', 'spec.region'],
    ],
  },
  {
    from: 'Provider validation > should enforce unique worker names',
    set: [[W, [UPSTREAM_WORKER, UPSTREAM_WORKER]]],
    want: [['Duplicate', `${W}[1].name`]],
  },
  {
    from: 'Provider validation > should forbid invalid worker configuration',
    set: [[W, [{ name: '', machine: { type: '', architecture: 'amd64' }, minimum: -1, maximum: -2, maxSurge: 1, maxUnavailable: 0, systemComponents: { allow: true } }]]],
    want: [
      ['Invalid', `${W}[0].name`],
      ['Required', `${W}[0].machine.type`],
      ['Required', `${W}[0].machine.image`],
      ['Invalid', `${W}[0].minimum`],
      ['Invalid', `${W}[0].maximum`],
      ['Forbidden', `${W}[0].maximum`],
      ['Forbidden', `${W}[0].maximum`],
    ],
  },
  { from: 'Provider validation > should allow workers having min=0', set: [[`${W}.0.minimum`, 0]], want: [] },
  {
    from: 'Provider validation > should allow workers having min=max=0 if at least one pool is active',
    set: [[W, [UPSTREAM_WORKER, { ...UPSTREAM_WORKER, name: 'cpu-worker', minimum: 0, maximum: 0 }]]],
    want: [],
  },
  { from: 'Provider validation > should forbid too long worker names', set: [[`${W}.0.name`, 'worker-name-is-too-long']], want: [['TooLong', `${W}[0].name`]] },
  { from: 'Provider validation > should forbid worker pools with names that are not DNS-1123 label compliant', set: [[`${W}.0.name`, 'not_compliant']], want: [['Invalid', `${W}[0].name`]] },
  {
    from: 'Provider validation > should prevent setting InfrastructureConfig for workerless Shoot',
    set: [...WORKERLESS, ['spec.provider.infrastructureConfig', { foo: 'bar' }]],
    contains: true,
    want: [['Forbidden', 'spec.provider.infrastructureConfig']],
  },
  {
    from: 'Provider validation > should prevent setting ControlPlaneConfig for workerless Shoot',
    set: [...WORKERLESS, ['spec.provider.controlPlaneConfig', { foo: 'bar' }]],
    contains: true,
    want: [['Forbidden', 'spec.provider.controlPlaneConfig']],
  },
  {
    from: 'DNS section > should forbid specifying a provider without a domain',
    set: [['spec.dns.domain', undefined]],
    want: [['Required', 'spec.dns.domain', 'domain must be set when primary provider type is not set to "unmanaged"']],
  },
  {
    from: "DNS section > should allow specifying the 'unmanaged' provider without a domain",
    set: [
      ['spec.dns.domain', undefined],
      ['spec.dns.providers', [{ type: 'unmanaged', primary: true }]],
    ],
    want: [],
  },
  {
    from: 'DNS section > should forbid specifying invalid domain',
    set: [
      ['spec.dns.providers', undefined],
      ['spec.dns.domain', 'foo/bar.baz'],
    ],
    want: [['Invalid', 'spec.dns.domain']],
  },
  {
    from: "DNS section > should forbid specifying a credentialsRef when provider equals 'unmanaged'",
    set: [['spec.dns.providers', [{ type: 'unmanaged', credentialsRef: { apiVersion: 'v1', kind: 'Secret', name: 'dns-secret' }, secretName: 'dns-secret' }]]],
    want: [['Invalid', 'spec.dns.providers[0].credentialsRef', 'credentialsRef must not be set when type is "unmanaged"']],
  },
  {
    from: 'DNS section > should require a provider if a secret name is given',
    set: [['spec.dns.providers', [{ credentialsRef: { apiVersion: 'v1', kind: 'Secret', name: 'dns-secret' }, secretName: 'dns-secret' }]]],
    want: [['Required', 'spec.dns.providers[0].type', 'type must be set when credentialsRef is set']],
  },
  { from: 'Kubernetes Version > should require a kubernetes version', set: [['spec.kubernetes.version', '']], want: [['Required', 'spec.kubernetes.version']] },
  {
    from: 'worker pool kubernetes version > should forbid worker pool kubernetes version higher than control plane',
    set: [[`${W}.0.kubernetes`, { version: '1.32.0' }]],
    want: [['Forbidden', `${W}[0].kubernetes.version`, 'worker group kubernetes version must not be higher than control plane version']],
  },
  {
    from: 'worker pool kubernetes version > should allow to set worker pool kubernetes version equal to control plane version',
    set: [[`${W}.0.kubernetes`, { version: '1.31.0' }]],
    want: [],
  },
  {
    from: 'networking section > IPv4 > should allow valid networking configuration',
    set: [
      ['spec.networking.nodes', '10.250.0.0/16'],
      ['spec.networking.services', '100.64.0.0/13'],
      ['spec.networking.pods', '100.96.0.0/11'],
    ],
    want: [],
  },
  {
    from: 'networking section > IPv4 > should forbid invalid network CIDRs',
    set: [
      ['spec.networking.nodes', 'invalid-cidr'],
      ['spec.networking.services', 'invalid-cidr'],
      ['spec.networking.pods', 'invalid-cidr'],
    ],
    want: [
      ['Invalid', 'spec.networking.nodes'],
      ['Invalid', 'spec.networking.pods'],
      ['Invalid', 'spec.networking.services'],
    ],
  },
  {
    from: 'networking section > IPv4 > should forbid IPv6 CIDRs with IPv4 IP family',
    set: [
      ['spec.networking.pods', '2001:db8:1::/48'],
      ['spec.networking.nodes', '2001:db8:2::/48'],
      ['spec.networking.services', '2001:db8:3::/48'],
    ],
    want: [
      ['Invalid', 'spec.networking.nodes'],
      ['Invalid', 'spec.networking.pods'],
      ['Invalid', 'spec.networking.services'],
    ],
  },
  {
    from: 'networking section > IPv4 > should forbid non canonical CIDRs',
    set: [
      ['spec.networking.nodes', '10.250.0.3/16'],
      ['spec.networking.services', '100.64.0.5/13'],
      ['spec.networking.pods', '100.96.0.4/11'],
    ],
    want: [
      ['Invalid', 'spec.networking.nodes', 'must be valid canonical CIDR'],
      ['Invalid', 'spec.networking.pods', 'must be valid canonical CIDR'],
      ['Invalid', 'spec.networking.services', 'must be valid canonical CIDR'],
    ],
  },
  {
    from: 'maintenance section > should forbid invalid formats for the time window begin and end values',
    set: [
      ['spec.maintenance.timeWindow.begin', 'invalidformat'],
      ['spec.maintenance.timeWindow.end', 'invalidformat'],
    ],
    want: [['Invalid', 'spec.maintenance.timeWindow.begin/end']],
  },
  {
    from: 'maintenance section > should forbid time windows greater than 6 hours',
    set: [
      ['spec.maintenance.timeWindow.begin', '145000+0100'],
      ['spec.maintenance.timeWindow.end', '215000+0100'],
    ],
    want: [['Invalid', 'spec.maintenance.timeWindow']],
  },
  {
    from: 'maintenance section > should forbid time windows smaller than 30 minutes',
    set: [
      ['spec.maintenance.timeWindow.begin', '225000+0100'],
      ['spec.maintenance.timeWindow.end', '231000+0100'],
    ],
    want: [['Invalid', 'spec.maintenance.timeWindow']],
  },
  {
    from: 'maintenance section > should allow time windows which overlap over two days',
    set: [
      ['spec.maintenance.timeWindow.begin', '230000+0100'],
      ['spec.maintenance.timeWindow.end', '010000+0100'],
    ],
    want: [],
  },
  {
    from: "maintenance section > should not allow setting machineImageVersion for autoUpdate if it's a workerless Shoot",
    set: [...WORKERLESS, ['spec.maintenance.autoUpdate.machineImageVersion', true]],
    contains: true,
    want: [['Forbidden', 'spec.maintenance.autoUpdate.machineImageVersion']],
  },
  {
    from: 'maintenance section > observability rotation > should fail when autoRotation is below 30m',
    set: [['spec.maintenance.autoRotation', { credentials: { observability: { rotationPeriod: '16m0s' } } }]],
    want: [['Invalid', 'spec.maintenance.autoRotation.credentials.observability.rotationPeriod', 'value must be either 0 to disable rotation or between 30m and 90d']],
  },
  {
    from: 'maintenance section > sshKeypair rotation > should fail when autoRotation is above 90d',
    set: [['spec.maintenance.autoRotation', { credentials: { sshKeypair: { rotationPeriod: '3072h0m0s' } } }]],
    want: [['Invalid', 'spec.maintenance.autoRotation.credentials.sshKeypair.rotationPeriod', 'value must be either 0 to disable rotation or between 30m and 90d']],
  },
  {
    from: 'maintenance section > observability rotation > should pass when autoRotation is 0',
    set: [['spec.maintenance.autoRotation', { credentials: { observability: { rotationPeriod: '0s' } } }]],
    want: [],
  },
  {
    from: 'KubeControllerManager validation > nodeCIDRMaskSize > should fail when nodeCIDRMaskSize is out of upper boundary',
    set: [[`${KCM}.nodeCIDRMaskSize`, 32]],
    contains: true,
    want: [['Invalid', `${KCM}.nodeCIDRMaskSize`, 'nodeCIDRMaskSize must be between 16 and 28']],
  },
  {
    from: 'KubeControllerManager validation > nodeCIDRMaskSize > should fail when nodeCIDRMaskSize is out of lower boundary',
    set: [[`${KCM}.nodeCIDRMaskSize`, 0]],
    want: [['Invalid', `${KCM}.nodeCIDRMaskSize`, 'nodeCIDRMaskSize must be between 16 and 28']],
  },
  {
    from: 'KubeProxy validation > should prevent setting kubeproxy config for workerless shoots',
    set: [...WORKERLESS, ['spec.kubernetes.kubeProxy', { mode: 'IPVS' }]],
    contains: true,
    want: [['Forbidden', 'spec.kubernetes.kubeProxy', 'this field should not be set for workerless Shoot clusters']],
  },
  { from: 'KubeProxy validation > should succeed when using IPTables mode', set: [['spec.kubernetes.kubeProxy', { mode: 'IPTables' }]], want: [] },
  { from: 'KubeProxy validation > should fail when using unknown proxy mode', set: [['spec.kubernetes.kubeProxy', { mode: 'fakeMode' }]], want: [['NotSupported', 'spec.kubernetes.kubeProxy.mode']] },
  {
    from: 'KubeAPIServer validation > AdmissionPlugins validation > should forbid specifying admission plugins without a name',
    set: [[`${KAS}.admissionPlugins`, [{ name: '' }]]],
    want: [['Required', `${KAS}.admissionPlugins[0].name`]],
  },
  {
    from: 'KubeAPIServer validation > Requests validation > should not allow too high values for max inflight requests fields',
    set: [[`${KAS}.requests`, { maxNonMutatingInflight: 123123123, maxMutatingInflight: 412412412 }]],
    want: [
      ['Invalid', `${KAS}.requests.maxNonMutatingInflight`],
      ['Invalid', `${KAS}.requests.maxMutatingInflight`],
    ],
  },
  {
    from: 'KubeAPIServer validation > Requests validation > should not allow negative values for max inflight requests fields',
    set: [[`${KAS}.requests`, { maxNonMutatingInflight: -1, maxMutatingInflight: -1 }]],
    want: [
      ['Invalid', `${KAS}.requests.maxNonMutatingInflight`],
      ['Invalid', `${KAS}.requests.maxMutatingInflight`],
    ],
  },
  {
    from: 'Extensions validation > should forbid passing an extension w/o type information',
    set: [['spec.extensions', [{}]]],
    want: [['Required', 'spec.extensions[0].type']],
  },
  {
    from: 'Resources validation > should forbid resources w/o names or w/ invalid references',
    set: [['spec.resources', [{}]]],
    want: [
      ['Required', 'spec.resources[0].name'],
      ['Required', 'spec.resources[0].resourceRef.kind'],
      ['Required', 'spec.resources[0].resourceRef.name'],
      ['Required', 'spec.resources[0].resourceRef.apiVersion'],
      ['NotSupported', 'spec.resources[0].resourceRef'],
    ],
  },
  {
    from: 'Resources validation > should forbid resources with non-unique names',
    set: [
      [
        'spec.resources',
        [
          { name: 'test', resourceRef: { kind: 'Secret', name: 'test-secret', apiVersion: 'v1' } },
          { name: 'test', resourceRef: { kind: 'Secret', name: 'test-secret', apiVersion: 'v1' } },
        ],
      ],
    ],
    want: [['Duplicate', 'spec.resources[1].name']],
  },
  { from: 'purpose validation > unknown purpose', set: [['spec.purpose', 'foo'], ['spec.addons', undefined]], want: [['NotSupported', 'spec.purpose']] },
  { from: 'purpose validation > production purpose', set: [['spec.purpose', 'production'], ['spec.addons', undefined]], want: [] },
  {
    from: 'purpose validation > infrastructure purpose in other namespace',
    set: [['spec.purpose', 'infrastructure'], ['spec.addons', undefined], ['metadata.namespace', 'dev']],
    want: [['NotSupported', 'spec.purpose']],
  },
  { from: 'purpose validation > infrastructure purpose in garden namespace', set: [['spec.purpose', 'infrastructure'], ['spec.addons', undefined], ['metadata.namespace', 'garden']], want: [] },
  {
    from: 'Provider validation > should forbid invalid worker configuration (maximum value must not be less than minimum value)',
    set: [
      [`${W}.0.minimum`, 10],
      [`${W}.0.maximum`, 5],
    ],
    want: [['Forbidden', `${W}[0].maximum`, 'maximum value must not be less than minimum value']],
  },
  {
    from: '#ValidateShootHAConfig > should forbid to set unsupported failure tolerance type',
    set: [['spec.controlPlane', { highAvailability: { failureTolerance: { type: 'not-supported-value' } } }]],
    want: [['NotSupported', 'spec.controlPlane.highAvailability.failureTolerance.type']],
  },
  { from: 'networking section > should forbid not specifying a networking type', set: [['spec.networking.type', '']], want: [['Required', 'spec.networking.type']] },
  { from: 'networking section > should forbid specifying a networking type with invalid characters', set: [['spec.networking.type', '$/()[]{}']], want: [['Invalid', 'spec.networking.type']] },
  {
    from: 'networking section > should forbid specifying a very long networking type',
    set: [['spec.networking.type', 'my-extremely-long-networking-type-that-exceeds-the-maximum-length']],
    want: [['Invalid', 'spec.networking.type']],
  },
];
