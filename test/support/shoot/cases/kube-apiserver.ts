/**
 * Cases of Gardener's shoot_test.go (b312835d17): the DNS section and kube-apiserver (anonymous
 * authentication, admission plugins, encryption configuration, watch cache sizes, logging, autoscaling,
 * toleration seconds). Same form as index.ts. Upstream checks ValidateWatchCacheSizes and
 * ValidateAPIServerLogging on their own (relative paths); here the values sit in upstream's base Shoot.
 *
 * Where upstream only asserts that one error is absent (`NotTo(ContainElement(...))`), the case is written
 * so that the Shoot has no error at all: Kubernetes >= 1.34 takes a CredentialsBinding instead of the
 * SecretBinding and (>= 1.35) no add-ons, as the add-on cases of addons.ts do.
 */
import type { Change, Expected, UpstreamCase } from './index.js';

const P = 'spec.dns.providers';
const SECRET = { apiVersion: 'v1', kind: 'Secret', name: 'dns-secret' };
const WORKLOAD_IDENTITY = { apiVersion: 'security.gardener.cloud/v1alpha1', kind: 'WorkloadIdentity', name: 'dns-wi' };
/** Kubernetes `version` with a CredentialsBinding (and, from 1.35, without add-ons): no error of its own. */
const cleanAt = (version: string): Change[] => [
  ['spec.kubernetes.version', version],
  ['spec.secretBindingName', undefined],
  ['spec.credentialsBindingName', 'my-secret'],
  ...(Number(version.split('.')[1]) >= 35 ? ([['spec.addons', undefined]] as Change[]) : []),
];
const SECRET_NAME_UNSUPPORTED = 'for Kubernetes versions >= 1.35, secretName field is no longer supported';

/** DNS section (ValidateShoot). */
export const DNS_SECRET_CASES: UpstreamCase[] = [
  {
    from: '#validateDNSCredentialsRef > should forbid secretName to be set when credentialsRef refer to resource othan than secret',
    set: [
      [`${P}.0.credentialsRef`, WORKLOAD_IDENTITY],
      [`${P}.0.secretName`, 'dns-secret'],
    ],
    contains: true,
    want: [['Forbidden', `${P}[0].secretName`, 'must not be set when `credentialsRef` does not refer to secret resource']],
  },
  {
    from: '#validateDNSCredentialsRef > should allow secretName to be unset for Kubernetes >= 1.35',
    set: [...cleanAt('1.35.0'), [`${P}.0.credentialsRef`, SECRET]],
    want: [],
  },
  {
    from: 'secretName validation for Kubernetes >= 1.35 > should allow secretName for Kubernetes < 1.35',
    set: [...cleanAt('1.34.0'), [`${P}.0.credentialsRef`, SECRET], [`${P}.0.secretName`, 'dns-secret']],
    want: [],
  },
  ...(
    [
      ['=', '1.35.0'],
      ['>', '1.36.0'],
    ] as const
  ).map(
    ([op, version]): UpstreamCase => ({
      from: `secretName validation for Kubernetes >= 1.35 > should forbid secretName for Kubernetes ${op} 1.35`,
      set: [
        ['spec.kubernetes.version', version],
        [`${P}.0.credentialsRef`, SECRET],
        [`${P}.0.secretName`, 'dns-secret'],
      ],
      contains: true,
      want: [['Forbidden', `${P}[0].secretName`, SECRET_NAME_UNSUPPORTED]],
    }),
  ),
];

/** DNS section (ValidateShootUpdate). */
export const DNS_SECRET_UPDATE_CASES: UpstreamCase[] = [
  { from: 'DNS section > should allow assigning the dns domain (dns nil)', old: [['spec.dns', undefined]], set: [['spec.dns', { domain: 'some-domain.com' }]], want: [] },
  {
    from: 'DNS section > should allow updating the dns secret name',
    old: [],
    set: [
      [`${P}.0.secretName`, 'my-dns-secret'],
      [`${P}.0.credentialsRef`, { ...SECRET, name: 'my-dns-secret' }],
    ],
    want: [],
  },
];

const KAS = 'spec.kubernetes.kubeAPIServer';
const EC = `${KAS}.encryptionConfig`;
const RESOURCES = `${EC}.resources`;
const PROVIDER_TYPE = `${EC}.provider.type`;
const resources = (list: string[]): Change => [EC, { resources: list }];
const invalidResources = (detail: string, ...indexes: number[]): Expected[] => indexes.map((i): Expected => ['Invalid', `${RESOURCES}[${i}]`, detail]);
const etcdKeyRotation = (period: string | undefined): Change => ['spec.maintenance.autoRotation', { credentials: period === undefined ? {} : { etcdEncryptionKey: { rotationPeriod: period } } }];
const AES_GCM_ROTATION = 'etcdEncryptionKey auto rotation must be enabled when encryption at rest provider is AES-GCM';
const NEGATIVE = 'must be greater than or equal to 0';
const WCS = `${KAS}.watchCacheSizes`;

/** kube-apiserver (ValidateShoot). */
export const KAS_CASES: UpstreamCase[] = [
  {
    from: 'EnableAnonymousAuthentication validation > should forbid setting enableAnonymousAuthentication to true for Kubernetes version >= 1.35',
    set: [...cleanAt('1.35.0'), [`${KAS}.enableAnonymousAuthentication`, true]],
    contains: true,
    want: [['Forbidden', `${KAS}.enableAnonymousAuthentication`, 'for Kubernetes versions >= 1.35, enableAnonymousAuthentication field is no longer supported']],
  },
  { from: 'EnableAnonymousAuthentication validation > should allow not setting enableAnonymousAuthentication for Kubernetes version >= 1.35', set: cleanAt('1.35.0'), want: [] },
  { from: 'AdmissionPlugins validation > should allow not specifying admission plugins', set: [[`${KAS}.admissionPlugins`, undefined]], want: [] },
  { from: 'EncryptionConfig validation > should allow specifying valid resources', set: [resources(['configmaps', 'nonexistingresource', 'postgres.fancyoperator.io'])], want: [] },
  { from: 'EncryptionConfig validation > should deny using capital letters for resources', set: [resources(['ConfigMaps', 'deployments.Apps'])], want: invalidResources('resource must be lower case', 0, 1) },
  {
    from: 'EncryptionConfig validation > should deny using non-encryptable resources',
    set: [resources(['apiserveripinfo', 'serviceipallocations', 'servicenodeportallocations'])],
    want: invalidResources('resources which do not have REST API/s cannot be encrypted', 0, 1, 2),
  },
  {
    from: 'EncryptionConfig validation > should deny using specific groups',
    set: [resources(['foo.extensions', 'events.events.k8s.io'])],
    want: [
      ['Invalid', `${RESOURCES}[0]`, "'extensions' group has been removed and cannot be used for encryption"],
      ['Invalid', `${RESOURCES}[1]`, "'*.events.k8s.io' objects are stored using the 'events' API group in etcd. Use 'events' instead"],
    ],
  },
  {
    from: 'EncryptionConfig validation > should deny specifying duplicated resources',
    set: [resources(['configmaps', 'configmaps', 'services', 'services'])],
    want: [
      ['Duplicate', `${RESOURCES}[1]`],
      ['Duplicate', `${RESOURCES}[3]`],
    ],
  },
  { from: "EncryptionConfig validation > should deny resources with '.' suffix", set: [resources(['configmaps.', 'deployment.apps.', 'services'])], want: invalidResources("resource should not end with '.'", 0, 1) },
  { from: "EncryptionConfig validation > should deny specifying 'secrets' resource in resources", set: [resources(['configmaps', 'secrets'])], want: [['Forbidden', `${RESOURCES}[1]`, '"secrets" are always encrypted']] },
  { from: 'EncryptionConfig validation > should deny specifying wildcard resources', set: [resources(['*.apps', '*.*', 'pods.*', 'foo.*.bar'])], want: invalidResources('wildcards are not supported', 0, 1, 2, 3) },
  ...['aescbc', 'aesgcm', 'secretbox'].map(
    (type): UpstreamCase => ({
      from: `EncryptionConfig validation > allowed encryption provider types > ${type}`,
      set: [etcdKeyRotation('720h0m0s'), [EC, { provider: { type } }]],
      want: [],
    }),
  ),
  {
    from: 'EncryptionConfig validation > should deny specifying unavailable provider type',
    set: [[EC, { provider: { type: 'fake' } }]],
    want: [['NotSupported', PROVIDER_TYPE, 'supported values: "aescbc", "aesgcm", "secretbox"']],
  },
  ...(
    [
      ['should fail when encryption provider type is aesgcm and auto rotation is not enabled', undefined, 'aesgcm', [['Forbidden', PROVIDER_TYPE, AES_GCM_ROTATION]]],
      ['should pass when encryption provider type is aesgcm and auto rotation is enabled', '720h0m0s', 'aesgcm', []],
      [
        'should fail when encryption provider type is aesgcm and auto rotation is enabled with rotation period beyond 90 days',
        '2184h0m0s',
        'aesgcm',
        [['Invalid', 'spec.maintenance.autoRotation.credentials.etcdEncryptionKey.rotationPeriod', 'value must be either 0 to disable rotation or between 30m and 90d']],
      ],
      ['should pass when encryption provider type is not aesgcm and auto rotation is not enabled', undefined, 'secretbox', []],
      ['should pass when encryption provider type is not aesgcm and auto rotation is enabled', '720h0m0s', 'secretbox', []],
      ['should pass when encryption provider type is not set and auto rotation is not enabled', undefined, undefined, []],
    ] as [string, string | undefined, string | undefined, Expected[]][]
  ).map(
    ([name, period, type, want]): UpstreamCase => ({
      from: `EncryptionConfig validation > aesgcm encryption provider type > ${name}`,
      // Upstream replaces the whole kube-apiserver configuration with the encryption configuration.
      set: [etcdKeyRotation(period), [KAS, { encryptionConfig: { provider: type === undefined ? {} : { type } } }]],
      want,
      ...(want.length > 0 ? { contains: true as const } : {}),
    }),
  ),
  ...(
    [
      ['valid (unset)', undefined],
      ['valid (fields unset)', {}],
      ['valid (default=0)', { default: 0 }],
      ['valid (core/secrets=0)', { resources: [{ resource: 'secrets', size: 0 }] }],
      ['valid (API group empty)', { resources: [{ apiGroup: '', resource: 'secrets', size: 0 }] }],
      ['valid (apps/deployments=0)', { resources: [{ apiGroup: 'apps', resource: 'deployments', size: 0 }] }],
      ['valid (apps/deployments=>0)', { resources: [{ apiGroup: 'apps', resource: 'deployments', size: 42 }] }],
    ] as const
  ).map(([name, sizes]): UpstreamCase => ({ from: `WatchCacheSizes validation > ${name}`, set: [[WCS, sizes]], want: [] })),
  {
    from: 'WatchCacheSizes validation > invalid (apps/deployments=<0)',
    set: [[WCS, { resources: [{ apiGroup: 'apps', resource: 'deployments', size: -1 }] }]],
    want: [['Invalid', `${WCS}.resources[0].size`, NEGATIVE]],
  },
  {
    from: 'WatchCacheSizes validation > invalid (apps resource empty)',
    set: [[WCS, { resources: [{ apiGroup: 'apps', resource: '', size: 42 }] }]],
    want: [['Required', `${WCS}.resources[0].resource`, 'must not be empty']],
  },
  ...(
    [
      ['valid (unset)', undefined],
      ['valid (fields unset)', {}],
      ['valid (httpAccessVerbosity=0)', { httpAccessVerbosity: 0 }],
      ['valid (verbosity>0)', { verbosity: 3 }],
      ['valid (httpAccessVerbosity>0)', { httpAccessVerbosity: 3 }],
    ] as const
  ).map(([name, logging]): UpstreamCase => ({ from: `APIServerLogging validation > ${name}`, set: [[`${KAS}.logging`, logging]], want: [] })),
  { from: 'KubeAPIServer Autoscaling validation > should succeed defining minAllowed values', set: [[`${KAS}.autoscaling`, { minAllowed: { cpu: '20m', memory: '200M' } }]], want: [] },
  { from: 'KubeAPIServer validation > should allow to specify a valid defaultNotReadyTolerationSeconds', set: [[`${KAS}.defaultNotReadyTolerationSeconds`, 120]], want: [] },
  {
    from: 'KubeAPIServer validation > should not allow to specify a negative defaultUnreachableTolerationSeconds',
    set: [[`${KAS}.defaultUnreachableTolerationSeconds`, -1]],
    want: [['Invalid', `${KAS}.defaultUnreachableTolerationSeconds`]],
  },
  { from: 'KubeAPIServer validation > should allow to specify a valid defaultUnreachableTolerationSeconds', set: [[`${KAS}.defaultUnreachableTolerationSeconds`, 120]], want: [] },
];

/** `status.credentials.encryptionAtRest` (upstream's base has an empty one) and more of the status. */
const encryptionStatus = (list: string[] | undefined, type = '', more: Record<string, unknown> = {}): Change => [
  'status',
  { credentials: { encryptionAtRest: { ...(list === undefined ? {} : { resources: list }), provider: { type } } }, ...more },
];
const ROLLING_OUT = 'resources cannot be changed because a previous encryption configuration change is currently being rolled out';
const CM_DEPLOY = ['configmaps', 'deployments.apps'];
const CM_NEW = ['configmaps', 'new.fancyresource.io'];
const lastOperation = (type: string, state: string): Record<string, unknown> => ({ type, state, description: '', lastUpdateTime: '2024-01-01T00:00:00Z', progress: 0 });
const RECONCILE = { lastOperation: lastOperation('Reconcile', '') };
const CREATING: Change = ['status.lastOperation', lastOperation('Create', 'Processing')];
/** The encryption configuration `spec` (resources and provider type aescbc) with `status` of the same resources. */
const aescbc = (statusType: string, more: Change[] = []): Change[] => [[EC, { resources: CM_DEPLOY, provider: { type: 'aescbc' } }], encryptionStatus(CM_DEPLOY, statusType, RECONCILE), ...more];
const toSecretbox: Change = [`${EC}.provider.type`, 'secretbox'];
const withRotation = (phase: string): Change => ['status.credentials.rotation', { etcdEncryptionKey: { phase } }];

/** Encryption configuration updates (ValidateShootUpdate; the new Shoot's status is what upstream reads). */
export const ENCRYPTION_UPDATE_CASES: UpstreamCase[] = [
  {
    from: 'EncryptionConfig validation > should deny changing items when resources in the spec and status are not equal',
    old: [resources(CM_DEPLOY), encryptionStatus(undefined)],
    set: [resources(CM_NEW), encryptionStatus(undefined)],
    want: [['Forbidden', RESOURCES, ROLLING_OUT]],
  },
  {
    from: 'EncryptionConfig validation > should deny changing resources when provider types in the spec and status are not equal',
    old: [[EC, { resources: CM_DEPLOY, provider: { type: 'aescbc' } }], encryptionStatus(['deployments.apps', 'configmaps'], 'secretbox')],
    set: [[EC, { resources: CM_NEW, provider: { type: 'aescbc' } }], encryptionStatus(['deployments.apps', 'configmaps'], 'secretbox')],
    want: [['Forbidden', RESOURCES, ROLLING_OUT]],
  },
  {
    from: 'EncryptionConfig validation > should allow changing items when resources in the spec and status are equal',
    old: [resources(CM_DEPLOY), encryptionStatus(['deployments.apps', 'configmaps'])],
    set: [resources(CM_NEW), encryptionStatus(['deployments.apps', 'configmaps'])],
    want: [],
  },
  {
    from: 'EncryptionConfig validation > should deny changing items when shoot is in hibernation',
    old: [resources(CM_DEPLOY), encryptionStatus(CM_DEPLOY), ['spec.hibernation', { enabled: true }]],
    set: [resources(CM_NEW), encryptionStatus(CM_DEPLOY), ['spec.hibernation', { enabled: true }]],
    want: [['Forbidden', RESOURCES, 'resources cannot be changed when shoot is in hibernation']],
  },
  {
    from: 'EncryptionConfig validation > should allow changing items when shoot is waking up',
    old: [resources(CM_DEPLOY), encryptionStatus(CM_DEPLOY, '', { hibernated: true })],
    set: [resources(CM_NEW), encryptionStatus(CM_DEPLOY, '', { hibernated: true }), ['spec.hibernation', { enabled: false }]],
    want: [],
  },
  {
    from: 'EncryptionConfig validation > should deny changing items during ETCD Encryption Key rotation',
    old: [resources(CM_DEPLOY), encryptionStatus(CM_DEPLOY)],
    set: [resources(CM_NEW), encryptionStatus(CM_DEPLOY), withRotation('Preparing')],
    want: [['Forbidden', RESOURCES, 'resources cannot be changed when .status.credentials.rotation.etcdEncryptionKey.phase is not "Completed"']],
  },
  {
    from: 'EncryptionConfig validation > should allow changing items if ETCD Encryption Key rotation is in phase Completed or was never rotated (never rotated)',
    old: [resources(CM_DEPLOY), encryptionStatus(CM_DEPLOY)],
    set: [resources(['deployments.apps', 'newresource.fancyresource.io']), encryptionStatus(CM_DEPLOY)],
    want: [],
  },
  {
    from: 'EncryptionConfig validation > should allow changing items if ETCD Encryption Key rotation is in phase Completed or was never rotated (Completed)',
    old: [resources(CM_DEPLOY), encryptionStatus(CM_DEPLOY)],
    set: [resources(['deployments.apps', 'newresource.fancyresource.io']), encryptionStatus(CM_DEPLOY), withRotation('Completed')],
    want: [],
  },
  {
    from: 'EncryptionConfig validation > should deny removing autoRotation configuration when provider type is aesgcm',
    old: [etcdKeyRotation('720h0m0s'), [EC, { provider: { type: 'aesgcm' } }], encryptionStatus(undefined)],
    set: [[EC, { provider: { type: 'aesgcm' } }], encryptionStatus(undefined)],
    want: [['Forbidden', PROVIDER_TYPE, AES_GCM_ROTATION]],
  },
  { from: 'EncryptionConfig validation > should allow changing provider type', old: aescbc('aescbc'), set: aescbc('aescbc', [toSecretbox]), want: [] },
  {
    from: 'EncryptionConfig validation > should deny changing provider type when shoot is not ready for reconciliation',
    old: aescbc('aescbc', [CREATING]),
    set: aescbc('aescbc', [CREATING, toSecretbox]),
    want: [['Forbidden', PROVIDER_TYPE, 'provider type cannot be changed if resource was not yet created successfully or is not ready for reconciliation']],
  },
  {
    from: 'EncryptionConfig validation > should deny changing provider type during ETCD encryption key rotation',
    old: aescbc('aescbc'),
    set: aescbc('aescbc', [toSecretbox, withRotation('Preparing')]),
    want: [['Forbidden', PROVIDER_TYPE, 'provider type cannot be changed when .status.credentials.rotation.etcdEncryptionKey.phase is not "Completed"']],
  },
  {
    from: 'EncryptionConfig validation > should deny changing provider type when a previous encryption configuration change is being rolled out',
    old: aescbc('secretbox'),
    set: aescbc('secretbox', [toSecretbox]),
    want: [['Forbidden', PROVIDER_TYPE, 'provider type cannot be changed because a previous encryption configuration change is currently being rolled out']],
  },
  {
    from: 'EncryptionConfig validation > should deny changing provider type when shoot is in hibernation',
    old: aescbc('aescbc', [['spec.hibernation', { enabled: true }]]),
    set: aescbc('aescbc', [['spec.hibernation', { enabled: true }], toSecretbox]),
    want: [['Forbidden', PROVIDER_TYPE, 'provider type cannot be changed when shoot is in hibernation']],
  },
  {
    from: 'EncryptionConfig validation > should deny changing provider type and resources simultaneously',
    old: aescbc('aescbc'),
    set: aescbc('aescbc', [toSecretbox, [RESOURCES, CM_NEW]]),
    want: [['Forbidden', PROVIDER_TYPE, 'provider type and resources cannot be changed simultaneously']],
  },
];
