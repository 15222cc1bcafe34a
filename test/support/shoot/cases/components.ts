/**
 * More cases of Gardener's shoot_test.go (b312835d17): the Kubernetes components (etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler). Same form as index.ts; durations are
 * written as Go prints them (`metav1.Duration{Duration: -1}` is `-1ns`).
 */
import type { Change, UpstreamCase } from './index.js';

const KAS = 'spec.kubernetes.kubeAPIServer';
const KCM = 'spec.kubernetes.kubeControllerManager';
const SA = `${KAS}.serviceAccountConfig`;
const WCS = `${KAS}.watchCacheSizes`;
const NEGATIVE = 'must be greater than or equal to 0';
const WORKERLESS_MSG = 'this field should not be set for workerless Shoot clusters';
/** Upstream's base without workers (and so without add-ons or a node CIDR mask). */
const WORKERLESS: Change[] = [
  ['spec.provider.workers', []],
  ['spec.addons', undefined],
  [KCM, {}],
];
/** Kubernetes 1.35 with a CredentialsBinding instead of a SecretBinding, as upstream's cases for new versions set them. */
const V135: Change[] = [
  ['spec.kubernetes.version', '1.35.0'],
  ['spec.secretBindingName', undefined],
  ['spec.credentialsBindingName', 'my-secret'],
];
const watchCache = (sizes: unknown, version?: string): Change[] => [[WCS, sizes], ...(version === undefined ? [] : V135)];

/** Cases of ValidateShoot for the Kubernetes components. */
export const COMPONENT_CASES: UpstreamCase[] = [
  {
    from: 'ETCD validation > Autoscaling validation > should succeed defining minAllowed values',
    set: [['spec.kubernetes.etcd', { main: { autoscaling: { minAllowed: { memory: '300M' } } }, events: { autoscaling: { minAllowed: { memory: '60M' } } } }]],
    want: [],
  },
  {
    from: 'ETCD validation > Autoscaling validation > should not allow minAllowed values below minimum',
    set: [['spec.kubernetes.etcd', { main: { autoscaling: { minAllowed: { memory: '299M' } } }, events: { autoscaling: { minAllowed: { memory: '59M' } } } }]],
    want: [
      ['Invalid', 'spec.kubernetes.etcd.main.autoscaling.minAllowed.memory'],
      ['Invalid', 'spec.kubernetes.etcd.events.autoscaling.minAllowed.memory'],
    ],
  },
  { from: 'EnableAnonymousAuthentication validation > should allow setting enableAnonymousAuthentication for Kubernetes version < 1.35', set: [...V135, ['spec.kubernetes.version', '1.34.0'], [`${KAS}.enableAnonymousAuthentication`, true]], want: [] },
  {
    from: 'EnableAnonymousAuthentication validation > should forbid setting enableAnonymousAuthentication to false for Kubernetes version >= 1.35',
    set: [...V135, [`${KAS}.enableAnonymousAuthentication`, false]],
    contains: true,
    want: [['Forbidden', `${KAS}.enableAnonymousAuthentication`, 'for Kubernetes versions >= 1.35, enableAnonymousAuthentication field is no longer supported']],
  },
  {
    from: 'AdmissionPlugins validation > should forbid disabling the required plugins',
    set: [
      [
        `${KAS}.admissionPlugins`,
        [
          { name: 'MutatingAdmissionWebhook', disabled: true },
          { name: 'NamespaceLifecycle', disabled: false },
          { name: 'NodeRestriction', disabled: true },
        ],
      ],
    ],
    want: [
      ['Forbidden', `${KAS}.admissionPlugins[0]`, 'admission plugin "MutatingAdmissionWebhook" cannot be disabled'],
      ['Forbidden', `${KAS}.admissionPlugins[2]`, 'admission plugin "NodeRestriction" cannot be disabled'],
    ],
  },
  { from: 'WatchCacheSizes validation > valid (default>0)', set: watchCache({ default: 42 }), want: [] },
  { from: 'WatchCacheSizes validation > invalid (default<0)', set: watchCache({ default: -1 }), want: [['Invalid', `${WCS}.default`, NEGATIVE]] },
  {
    from: 'WatchCacheSizes validation > invalid (default for k8s >= 1.35)',
    set: watchCache({ default: 50 }, '1.35.0'),
    contains: true,
    want: [['Forbidden', `${WCS}.default`, 'for Kubernetes versions >= 1.35, configuring the default watch cache size is no longer supported']],
  },
  { from: 'WatchCacheSizes validation > valid (core/secrets=>0)', set: watchCache({ resources: [{ resource: 'secrets', size: 42 }] }), want: [] },
  { from: 'WatchCacheSizes validation > invalid (core/secrets=<0)', set: watchCache({ resources: [{ resource: 'secrets', size: -1 }] }), want: [['Invalid', `${WCS}.resources[0].size`, NEGATIVE]] },
  { from: 'WatchCacheSizes validation > invalid (core resource empty)', set: watchCache({ resources: [{ resource: '', size: 42 }] }), want: [['Required', `${WCS}.resources[0].resource`, 'must not be empty']] },
  { from: 'WatchCacheSizes validation > invalid (core resource with casing)', set: watchCache({ resources: [{ resource: 'Secrets', size: 42 }] }), want: [['Invalid', `${WCS}.resources[0].resource`, 'must be lower case']] },
  {
    from: 'WatchCacheSizes validation > invalid (core resource with illegal character)',
    set: watchCache({ resources: [{ resource: 'secrets#', size: 42 }] }),
    want: [['Invalid', `${WCS}.resources[0].resource`, 'must not contain any of the following characters: ",. #"']],
  },
  { from: 'WatchCacheSizes validation > valid (coordination.k8s.io/leases=0)', set: watchCache({ resources: [{ apiGroup: 'coordination.k8s.io', resource: 'leases', size: 0 }] }), want: [] },
  { from: 'WatchCacheSizes validation > invalid (apps API group with casing)', set: watchCache({ resources: [{ apiGroup: 'Apps', resource: 'deployments', size: 42 }] }), want: [['Invalid', `${WCS}.resources[0].apiGroup`, 'must be lower case']] },
  {
    from: 'WatchCacheSizes validation > invalid (apps API group with illegal character)',
    set: watchCache({ resources: [{ apiGroup: 'apps#', resource: 'deployments', size: 42 }] }),
    want: [['Invalid', `${WCS}.resources[0].apiGroup`, 'must not contain any of the following characters: ", #"']],
  },
  { from: 'APIServerLogging validation > valid (verbosity=0)', set: [[`${KAS}.logging`, { verbosity: 0 }]], want: [] },
  { from: 'APIServerLogging validation > invalid (verbosity<0)', set: [[`${KAS}.logging`, { verbosity: -1 }]], want: [['Invalid', `${KAS}.logging.verbosity`, NEGATIVE]] },
  { from: 'APIServerLogging validation > invalid (httpAccessVerbosity<0)', set: [[`${KAS}.logging`, { httpAccessVerbosity: -1 }]], want: [['Invalid', `${KAS}.logging.httpAccessVerbosity`, NEGATIVE]] },
  { from: 'ServiceAccountConfig validation > should not allow to specify a negative max token duration', set: [[SA, { maxTokenExpiration: '-1ns' }]], want: [['Invalid', `${SA}.maxTokenExpiration`]] },
  { from: 'ServiceAccountConfig validation > should forbid too low values for the max token duration', set: [[SA, { maxTokenExpiration: '1h0m0s' }]], want: [['Forbidden', `${SA}.maxTokenExpiration`]] },
  { from: 'ServiceAccountConfig validation > should forbid too high values for the max token duration', set: [[SA, { maxTokenExpiration: '3000h0m0s' }]], want: [['Forbidden', `${SA}.maxTokenExpiration`]] },
  {
    from: 'ServiceAccountConfig validation > should not allow to specify duplicates in accepted issuers',
    set: [[SA, { acceptedIssuers: ['https://issuer.example/auth', 'https://issuer.example/auth'] }]],
    want: [['Duplicate', `${SA}.acceptedIssuers[1]`]],
  },
  {
    from: 'ServiceAccountConfig validation > should not allow to duplicate the issuer in accepted issuers',
    set: [[SA, { issuer: 'https://issuer.example/auth', acceptedIssuers: ['https://issuer.example/auth'] }]],
    want: [['Invalid', `${SA}.acceptedIssuers[0]`, 'acceptedIssuers cannot contains the issuer field value: https://issuer.example/auth']],
  },
  { from: 'ServiceAccountConfig validation > should reject invalid issuer URL', set: [[SA, { issuer: 'http://issuer.invalid' }]], want: [['Invalid', `${SA}.issuer`]] },
  ...['foo', 'http://issuer.com', 'https://issuer.com#fragment', 'https://user:pass@issuer.com', 'https://issuer.com?x=1'].map(
    (bad): UpstreamCase => ({ from: `ServiceAccountConfig validation > should reject invalid accepted issuer URLs (${bad})`, set: [[SA, { acceptedIssuers: [bad] }]], contains: true, want: [['Invalid', `${SA}.acceptedIssuers[0]`]] }),
  ),
  { from: 'KubeAPIServer Autoscaling validation > should not allow minAllowed values below minimum', set: [[`${KAS}.autoscaling`, { minAllowed: { cpu: '19m' } }]], want: [['Invalid', `${KAS}.autoscaling.minAllowed.cpu`]] },
  { from: 'Audience validation > should allow specifying individual audiences', set: [[`${KAS}.apiAudiences`, ['foo', 'bar']]], want: [] },
  { from: 'Audience validation > should not allow specifying audiences with the delimiter included', set: [[`${KAS}.apiAudiences`, ['foo,baz', 'bar']]], want: [['Invalid', `${KAS}.apiAudiences[0]`, 'audience must not contain commas']] },
  { from: 'Audience validation > should not contain duplicates', set: [[`${KAS}.apiAudiences`, ['foo', 'bar', 'foo']]], want: [['Duplicate', `${KAS}.apiAudiences[2]`]] },
  { from: 'KubeAPIServer validation > should not allow to specify a negative event ttl duration', set: [[`${KAS}.eventTTL`, '-1ns']], want: [['Invalid', `${KAS}.eventTTL`, 'can not be negative']] },
  { from: 'KubeAPIServer validation > should not allow to specify an event ttl duration longer than 24h', set: [[`${KAS}.eventTTL`, '48h0m0s']], want: [['Invalid', `${KAS}.eventTTL`, 'can not be longer than 24h']] },
  ...['VersionTLS10', 'VersionTLS11', 'VersionTLS00'].map(
    (v): UpstreamCase => ({ from: `KubeAPIServer validation > should not allow unsupported or invalid TLS min versions (${v})`, set: [[`${KAS}.tlsMinVersion`, v]], want: [['NotSupported', `${KAS}.tlsMinVersion`]] }),
  ),
  ...['VersionTLS12', 'VersionTLS13'].map((v): UpstreamCase => ({ from: `KubeAPIServer validation > should allow all valid TLS min versions (${v})`, set: [[`${KAS}.tlsMinVersion`, v]], want: [] })),
  { from: 'KubeAPIServer validation > should not allow to specify a negative defaultNotReadyTolerationSeconds', set: [[`${KAS}.defaultNotReadyTolerationSeconds`, -1]], want: [['Invalid', `${KAS}.defaultNotReadyTolerationSeconds`]] },
  {
    from: 'KubeControllerManager for workerless shoots > should prevent setting nodeCIDRMaskSize',
    set: [...WORKERLESS, [`${KCM}.nodeCIDRMaskSize`, 23]],
    contains: true,
    want: [['Forbidden', `${KCM}.nodeCIDRMaskSize`, WORKERLESS_MSG]],
  },
  {
    from: 'KubeControllerManager for workerless shoots > should prevent setting horizontalPodAutoscaler',
    set: [...WORKERLESS, [`${KCM}.horizontalPodAutoscaler`, { cpuInitializationPeriod: '5m0s' }]],
    contains: true,
    want: [['Forbidden', `${KCM}.horizontalPodAutoscaler`, WORKERLESS_MSG]],
  },
  {
    from: 'KubeControllerManager for workerless shoots > should prevent setting nodeMonitorGracePeriod',
    set: [...WORKERLESS, [`${KCM}.nodeMonitorGracePeriod`, '5m0s']],
    contains: true,
    want: [['Forbidden', `${KCM}.nodeMonitorGracePeriod`, WORKERLESS_MSG]],
  },
  {
    from: 'KubeControllerManager validation > should forbid unsupported HPA configuration',
    set: [
      [`${KCM}.horizontalPodAutoscaler.downscaleStabilization`, '-1s'],
      [`${KCM}.horizontalPodAutoscaler.initialReadinessDelay`, '-1s'],
      [`${KCM}.horizontalPodAutoscaler.cpuInitializationPeriod`, '-1s'],
    ],
    want: [
      ['Invalid', `${KCM}.horizontalPodAutoscaler.downscaleStabilization`],
      ['Invalid', `${KCM}.horizontalPodAutoscaler.initialReadinessDelay`],
      ['Invalid', `${KCM}.horizontalPodAutoscaler.cpuInitializationPeriod`],
    ],
  },
  {
    from: 'KubeControllerManager validation > should succeed when using valid configuration parameters',
    set: [
      [`${KCM}.horizontalPodAutoscaler.downscaleStabilization`, '5m0s'],
      [`${KCM}.horizontalPodAutoscaler.initialReadinessDelay`, '30s'],
      [`${KCM}.horizontalPodAutoscaler.cpuInitializationPeriod`, '5m0s'],
    ],
    want: [],
  },
  {
    from: 'KubeScheduler validation > should prevent setting kubescheduler config for workerless shoots',
    set: [...WORKERLESS, ['spec.kubernetes.kubeScheduler', { profile: 'bin-packing' }]],
    contains: true,
    want: [['Forbidden', 'spec.kubernetes.kubeScheduler', WORKERLESS_MSG]],
  },
  { from: 'KubeScheduler validation > should succeed when using valid scheduling profile', set: [['spec.kubernetes.kubeScheduler', { profile: 'balanced' }]], want: [] },
  { from: 'KubeScheduler validation > should fail when using unknown scheduling profile', set: [['spec.kubernetes.kubeScheduler', { profile: 'foo' }]], want: [['NotSupported', 'spec.kubernetes.kubeScheduler.profile']] },
  { from: 'KubeScheduler validation > should succeed when setting valid kubeMaxPDVols', set: [['spec.kubernetes.kubeScheduler', { kubeMaxPDVols: '127' }]], want: [] },
  {
    from: 'KubeScheduler validation > should fail when setting invalid kubeMaxPDVols',
    set: [['spec.kubernetes.kubeScheduler', { kubeMaxPDVols: 'foo' }]],
    want: [['Invalid', 'spec.kubernetes.kubeScheduler.kubeMaxPDVols', 'conversion error: strconv.Atoi: parsing "foo": invalid syntax']],
  },
  {
    from: 'KubeScheduler validation > should fail when setting kubeMaxPDVols for kubernetes >= 1.35',
    set: [...V135, ['spec.kubernetes.kubeScheduler', { kubeMaxPDVols: 'foo' }]],
    contains: true,
    want: [['Forbidden', 'spec.kubernetes.kubeScheduler.kubeMaxPDVols']],
  },
  { from: 'KubeScheduler validation > should fail when setting invalid non positive kubeMaxPDVols', set: [['spec.kubernetes.kubeScheduler', { kubeMaxPDVols: '0' }]], want: [['Invalid', 'spec.kubernetes.kubeScheduler.kubeMaxPDVols', 'must be positive']] },
];

/** Cases of ValidateShootUpdate for the Kubernetes components. */
export const COMPONENT_UPDATE_CASES: UpstreamCase[] = [
  {
    from: 'ServiceAccountConfig validation > should allow invalid accepted issuer URLs on shoot update if they are unchanged',
    old: [[SA, { acceptedIssuers: ['http://issuer.com'] }]],
    set: [[SA, { acceptedIssuers: ['http://issuer.com'] }]],
    want: [],
  },
  {
    from: 'ServiceAccountConfig validation > should not allow invalid accepted issuer URLs on shoot update if they are changed',
    old: [[SA, { acceptedIssuers: ['http://issuer.com'] }]],
    set: [[SA, { acceptedIssuers: ['https://issuer.com#fragment'] }]],
    want: [['Invalid', `${SA}.acceptedIssuers[0]`, 'must not contain a fragment']],
  },
  {
    from: 'ServiceAccountConfig validation > should allow invalid accepted issuer URLs to be updated with valid ones on shoot update',
    old: [[SA, { acceptedIssuers: ['http://issuer.com'] }]],
    set: [[SA, { acceptedIssuers: ['https://issuer.com'] }]],
    want: [],
  },
  {
    from: 'KubeControllerManager validation > should fail updating immutable fields',
    old: [[`${KCM}.nodeCIDRMaskSize`, 24]],
    set: [[`${KCM}.nodeCIDRMaskSize`, 22]],
    want: [['Invalid', `${KCM}.nodeCIDRMaskSize`, 'field is immutable']],
  },
  { from: 'KubeControllerManager validation > should succeed not changing immutable fields', old: [[`${KCM}.nodeCIDRMaskSize`, 24]], set: [[`${KCM}.nodeCIDRMaskSize`, 24]], want: [] },
];
