/**
 * Cases of Gardener's shoot_test.go (b312835d17), first part of "#ValidateShoot, #ValidateShootUpdate":
 * metadata, control plane high availability, force deletion, exposure class, purpose, add-ons, credentials
 * bindings, seed and cloud keys, worker pools (self-hosted shoots and their backup, cluster autoscaler
 * options). Same form as index.ts. Upstream calls some functions on their own (ValidateShootHAConfigUpdate,
 * ValidateForceDeletion, ValidateClusterAutoscalerOptions); those cases are listed apart and run against the
 * same functions here, or (options) sit in upstream's base Shoot with the Shoot's paths.
 */
import { UPSTREAM_WORKER, type Change, type Expected, type UpstreamCase } from './index.js';

const W = 'spec.provider.workers';
const FT = 'spec.controlPlane.highAvailability.failureTolerance.type';
const ha = (type: string): Change => ['spec.controlPlane', { highAvailability: { failureTolerance: { type } } }];
const HIBERNATED = 'Shoot is currently hibernated and cannot be scaled up to HA. Please make sure your cluster has woken up before scaling it up to HA';

/** Cases of ValidateShootHAConfigUpdate, which upstream calls on its own. */
export const HA_CONFIG_UPDATE_CASES: UpstreamCase[] = [
  { from: '#ValidateShootHAControlPlaneUpdate > should pass as non-HA Shoot ControlPlane Spec has not changed', old: [], set: [], want: [] },
  {
    from: '#ValidateShootHAControlPlaneUpdate > shoot is hibernated > should not allow upgrading from non-HA to HA when Spec.Hibernation.Enabled is set to `false` and Status.IsHibernation is set to `true`',
    old: [['spec.controlPlane', {}]],
    set: [ha('node'), ['spec.hibernation', { enabled: false }], ['status', { hibernated: true }]],
    want: [['Forbidden', FT, HIBERNATED]],
  },
  {
    from: '#ValidateShootHAControlPlaneUpdate > shoot is hibernated > should allow upgrading from non-HA to HA when Spec.Hibernation.Enabled is set to `false` and Status.IsHibernation is set to `false`',
    old: [['spec.controlPlane', {}]],
    set: [ha('node'), ['spec.hibernation', { enabled: false }], ['status', { hibernated: false }]],
    want: [],
  },
];

const FORCE_DELETION = 'confirmation.gardener.cloud/force-deletion';
const FD = `metadata.annotations[${FORCE_DELETION}]`;
const forceDeletion = (value: string): Change => ['metadata.annotations', { [FORCE_DELETION]: value }];
const DELETING: Change = ['metadata.deletionTimestamp', '2024-01-01T00:00:00Z'];
const lastErrorCode = (code: string): Change => ['status', { lastErrors: [{ description: 'error', codes: [code] }] }];
const NO_ERROR_CODE = 'force-deletion annotation cannot be set when Shoot status does not contain one of these error codes: [ERR_CLEANUP_CLUSTER_RESOURCES ERR_CONFIGURATION_PROBLEM ERR_INFRA_DEPENDENCIES ERR_INFRA_UNAUTHENTICATED ERR_INFRA_UNAUTHORIZED]';

/** Cases of ValidateForceDeletion (new, old), which upstream calls on its own. */
export const FORCE_DELETION_CASES: UpstreamCase[] = [
  {
    from: '#ValidateForceDeletion > should not allow setting the force-deletion annotation if the Shoot does not have a deletionTimestamp',
    old: [],
    set: [forceDeletion('1')],
    want: [
      ['Forbidden', FD, 'force-deletion annotation cannot be set when Shoot deletionTimestamp is nil'],
      ['Forbidden', FD, NO_ERROR_CODE],
    ],
  },
  {
    from: '#ValidateForceDeletion > should not allow setting the force-deletion annotation if the Shoot status does not have an error code',
    old: [],
    set: [forceDeletion('T'), DELETING],
    want: [['Forbidden', FD, NO_ERROR_CODE]],
  },
  {
    from: '#ValidateForceDeletion > should not allow setting the force-deletion annotation if the Shoot status does not have a required error code',
    old: [],
    set: [forceDeletion('T'), DELETING, lastErrorCode('ERR_PROBLEMATIC_WEBHOOK')],
    want: [['Forbidden', FD, NO_ERROR_CODE]],
  },
  {
    from: '#ValidateForceDeletion > should not do anything if the both new and old Shoot have the annotation',
    old: [forceDeletion('true'), DELETING],
    set: [forceDeletion('true'), DELETING],
    want: [],
  },
  {
    from: '#ValidateForceDeletion > should forbid to remove the annotation once set',
    old: [forceDeletion('true')],
    set: [DELETING],
    want: [['Forbidden', FD, 'force-deletion annotation cannot be removed once set']],
  },
  {
    from: '#ValidateForceDeletion > should allow setting the force-deletion annotation if the Shoot has a deletionTimestamp and the status has a required ErrorCode',
    old: [],
    set: [forceDeletion('true'), DELETING, lastErrorCode('ERR_CONFIGURATION_PROBLEM')],
    want: [],
  },
];

/** Upstream's `Provider validation` BeforeEach: provider type `foo` with the one worker pool. */
const PROVIDER_FOO: Change = ['spec.provider.type', 'foo'];
const SECOND_POOL = { ...UPSTREAM_WORKER, name: 'second-worker' };
/** Upstream's `workerAutoScalingMinZero` (no update strategy). */
const MIN_ZERO_POOL: Record<string, unknown> = { ...UPSTREAM_WORKER, name: 'cpu-worker', minimum: 0, maximum: 2 };
delete MIN_ZERO_POOL.updateStrategy;

/** Cases of ValidateShoot. */
export const CORE_CASES: UpstreamCase[] = [
  {
    from: 'Shoot metadata > should forbid Shoot with empty name',
    set: [['metadata', { name: '', namespace: 'my-namespace' }]],
    want: [['Required', 'metadata.name']],
  },
  ...['evaluation', 'testing', 'development'].map(
    (purpose): UpstreamCase => ({
      from: `purpose validation > ${purpose} purpose`,
      set: [['spec.purpose', purpose], ['spec.addons', undefined], ['metadata.namespace', 'dev']],
      want: [],
    }),
  ),
  { from: "Addons validation > should allow external traffic policies 'Cluster' for nginx-ingress", set: [['spec.addons.nginxIngress.externalTrafficPolicy', 'Cluster']], want: [] },
  {
    from: 'SecretBindingName/CredentialsBinding validation > should allow nil credentialsBindingName in case of workerless shoot',
    set: [
      [W, undefined],
      ['spec.addons', undefined],
      ['spec.secretBindingName', undefined],
      ['spec.credentialsBindingName', undefined],
      ['spec.kubernetes.kubeControllerManager', undefined],
      ['spec.networking', undefined],
    ],
    want: [],
  },
  { from: 'Provider validation > should not return any errors', set: [PROVIDER_FOO], want: [] },
  { from: 'Provider validation > should allow workers min = 0 if max > 0', set: [PROVIDER_FOO, [W, [MIN_ZERO_POOL, UPSTREAM_WORKER]]], want: [] },
];

/** Cases of ValidateShootUpdate. */
export const CORE_UPDATE_CASES: UpstreamCase[] = [
  {
    from: 'exposure class > should pass as exposure class is not changed',
    old: [['spec.exposureClassName', 'exposure-class-1']],
    set: [['spec.exposureClassName', 'exposure-class-1']],
    want: [],
  },
  {
    from: 'Addons validation > should forbid enabling nginx ingress addon if feature gate is set',
    old: [['spec.addons', undefined]],
    set: [['spec.addons', { nginxIngress: { enabled: true } }]],
    gates: { DisableNginxIngressInShoot: true },
    want: [['Forbidden', 'spec.addons.nginxIngress.enabled', 'nginx ingress addon disallowed by landscape operator']],
  },
  {
    from: 'Addons validation > should allow disabling nginx ingress addon if feature gate is set',
    old: [['spec.addons', { nginxIngress: { enabled: true } }]],
    set: [['spec.addons', undefined]],
    gates: { DisableNginxIngressInShoot: true },
    want: [],
  },
  {
    from: 'should forbid updating some cloud keys',
    old: [
      ['spec.cloudProfile.name', 'another-profile'],
      ['spec.region', 'another-region'],
      ['spec.provider.type', 'another-provider'],
    ],
    set: [],
    want: [
      ['Invalid', 'spec.region'],
      ['Invalid', 'spec.provider.type'],
    ],
  },
  { from: 'should allow updating the seed if it has not been set previously', old: [], set: [['spec.seedName', 'another-seed']], want: [] },
  { from: 'Provider validation > should allow removing a worker pool', old: [PROVIDER_FOO, [`${W}.1`, SECOND_POOL]], set: [PROVIDER_FOO], want: [] },
  {
    from: 'Provider validation > should allow swapping worker pools',
    old: [PROVIDER_FOO, [`${W}.1`, SECOND_POOL]],
    set: [PROVIDER_FOO, [W, [SECOND_POOL, UPSTREAM_WORKER]]],
    want: [],
  },
];

const W0 = `${W}[0]`;
/** Upstream's `self-hosted shoots` BeforeEach: in the garden namespace (with the provider BeforeEach). */
const GARDEN: Change[] = [PROVIDER_FOO, ['metadata.namespace', 'garden']];
const CONTROL_PLANE_POOL: Change = [`${W}.0.controlPlane`, {}];
const selfHosted = (...changes: Change[]): Change[] => [...GARDEN, CONTROL_PLANE_POOL, ...changes];
const pool = (minimum: number, maximum: number, maxSurge?: number, maxUnavailable?: number): Change[] => [
  [`${W}.0.minimum`, minimum],
  [`${W}.0.maximum`, maximum],
  ...(maxSurge === undefined ? [] : ([[`${W}.0.maxSurge`, maxSurge]] as Change[])),
  ...(maxUnavailable === undefined ? [] : ([[`${W}.0.maxUnavailable`, maxUnavailable]] as Change[])),
];
const MIN_ONLY_ONE = 'self-hosted shoots only support minimum=maximum=1 for the control plane worker pool (might change in the future)';
const MAX_ONE = 'control plane worker pool must have maximum=1 when high availability is not configured';
const exposure = (e: Record<string, unknown>): Change[] => selfHosted([`${W}.0.controlPlane`, { exposure: e }]);
const EXPOSURE_TYPE = `${W0}.controlPlane.exposure.type`;

const BACKUP = `${W0}.controlPlane.backup`;
const BACKUP_SETTINGS = { provider: 'foo', region: 'some-region', credentialsRef: { apiVersion: 'v1', kind: 'Secret', name: 'backup-foo', namespace: 'garden' } };
/** Upstream's `backup settings` BeforeEach, then the case's own changes to the backup. */
const withBackup = (...changes: Change[]): Change[] => [...GARDEN, [`${W}.0.controlPlane`, { backup: structuredClone(BACKUP_SETTINGS) }], ...changes];
const CREDENTIALS_REQUIRED = 'must be set to refer a Secret or WorkloadIdentity';
const SAME_NAMESPACE = 'must reference credentials in the same namespace as the Shoot';

/** Self-hosted shoots (ValidateShoot). */
export const SELF_HOSTED_CASES: UpstreamCase[] = [
  { from: "Provider validation > self-hosted shoots > should allow 'ControlPlane' field for worker pool", set: selfHosted(), want: [] },
  {
    from: 'Provider validation > self-hosted shoots > should prevent creating a self-hosted shoot outside the garden namespace',
    set: selfHosted(['metadata.namespace', 'other-namespace']),
    contains: true,
    want: [['Invalid', 'metadata.namespace', 'self-hosted shoots must be in the "garden" namespace']],
  },
  {
    from: "Provider validation > self-hosted shoots > should prevent having more then one 'ControlPlane' worker pool",
    set: selfHosted([`${W}.1`, { controlPlane: {} }]),
    contains: true,
    want: [['Invalid', `${W}[1].controlPlane`, 'cannot have more than one worker pool marked for control plane components']],
  },
  {
    from: 'Provider validation > self-hosted shoots > should prevent setting a seed name',
    set: selfHosted(['spec.seedName', 'foo']),
    contains: true,
    want: [['Invalid', 'spec.seedName', 'cannot set seedName for self-hosted shoots']],
  },
  {
    from: 'Provider validation > self-hosted shoots > should prevent setting other values than min=max=1',
    set: selfHosted(...pool(3, 3)),
    contains: true,
    want: [
      ['Invalid', `${W0}.minimum`, MIN_ONLY_ONE],
      ['Invalid', `${W0}.maximum`, MAX_ONE],
    ],
  },
  {
    from: 'Provider validation > self-hosted shoots > should prevent maximum != 1 without high availability',
    set: selfHosted(...pool(3, 3)),
    contains: true,
    want: [['Invalid', `${W0}.maximum`, MAX_ONE]],
  },
  {
    from: 'Provider validation > self-hosted shoots > should allow maximum=3 with high availability failure tolerance type node except for HA restriction',
    set: selfHosted(...pool(3, 3, 1, 1), ha('node')),
    contains: true,
    want: [['Invalid', `${W0}.minimum`, MIN_ONLY_ONE]],
  },
  {
    from: 'Provider validation > self-hosted shoots > should prevent maximum != 3 with high availability',
    set: selfHosted(...pool(5, 5, 1, 1), ha('node')),
    contains: true,
    want: [['Invalid', `${W0}.maximum`, 'control plane worker pool must have maximum=3 when high availability is configured']],
  },
  {
    from: 'Provider validation > self-hosted shoots > should prevent maxSurge != 1 with high availability',
    set: selfHosted(...pool(3, 3, 2, 1), ha('node')),
    contains: true,
    want: [['Invalid', `${W0}.maxSurge`, 'control plane worker pool must have maxSurge=1 when high availability is configured']],
  },
  {
    from: 'Provider validation > self-hosted shoots > should prevent maxUnavailable != 1 with high availability',
    set: selfHosted(...pool(3, 3, 1, 0), ha('node')),
    contains: true,
    want: [['Invalid', `${W0}.maxUnavailable`, 'control plane worker pool must have maxUnavailable=1 when high availability is configured']],
  },
  {
    from: 'Provider validation > self-hosted shoots > should prevent zone failure tolerance without 3 zones',
    set: selfHosted(...pool(3, 3, 1, 1), [`${W}.0.zones`, ['a', 'b']], ha('zone')),
    contains: true,
    want: [['Invalid', `${W0}.zones`, 'control plane worker pool must have exactly 3 zones when failure tolerance type is zone']],
  },
  {
    from: 'Provider validation > self-hosted shoots > should allow zone failure tolerance with 3 zones except for HA restriction',
    set: selfHosted(...pool(3, 3, 1, 1), [`${W}.0.zones`, ['a', 'b', 'c']], ha('zone')),
    contains: true,
    want: [['Invalid', `${W0}.minimum`, MIN_ONLY_ONE]],
  },
  {
    from: 'Provider validation > self-hosted shoots > backup settings > should forbid invalid settings',
    set: withBackup([`${W}.0.controlPlane.backup.credentialsRef`, undefined], [`${W}.0.controlPlane.backup.provider`, '']),
    contains: true,
    want: [
      ['Required', `${BACKUP}.provider`, 'must provide a backup cloud provider name'],
      ['Required', `${BACKUP}.credentialsRef`, CREDENTIALS_REQUIRED],
    ],
  },
  {
    from: 'Provider validation > self-hosted shoots > backup settings > backup credentialsRef and secretRef > should require credentialsRef to be set',
    set: withBackup([`${W}.0.controlPlane.backup.credentialsRef`, undefined]),
    want: [['Required', `${BACKUP}.credentialsRef`, CREDENTIALS_REQUIRED]],
  },
  {
    from: 'Provider validation > self-hosted shoots > backup settings > backup credentialsRef and secretRef > should forbid credentialsRef to refer a WorkloadIdentity',
    set: withBackup([`${W}.0.controlPlane.backup.credentialsRef`, { apiVersion: 'security.gardener.cloud/v1alpha1', kind: 'WorkloadIdentity', namespace: 'garden', name: 'backup' }]),
    want: [['Forbidden', `${BACKUP}.credentialsRef`, 'support for WorkloadIdentity as backup credentials is not yet implemented']],
  },
  {
    from: 'Provider validation > self-hosted shoots > backup settings > backup credentialsRef and secretRef > should allow credentialsRef to refer a Secret',
    set: withBackup([`${W}.0.controlPlane.backup.credentialsRef`, { apiVersion: 'v1', kind: 'Secret', namespace: 'garden', name: 'backup' }]),
    want: [],
  },
  {
    from: 'Provider validation > self-hosted shoots > backup settings > backup credentialsRef and secretRef > should forbid invalid values objectReference fields',
    set: withBackup([`${W}.0.controlPlane.backup.credentialsRef`, { apiVersion: '', kind: '', namespace: '', name: '' }]),
    want: [
      ['Required', `${BACKUP}.credentialsRef.apiVersion`, 'must provide an apiVersion'],
      ['Required', `${BACKUP}.credentialsRef.kind`, 'must provide a kind'],
      ['Required', `${BACKUP}.credentialsRef.name`, 'must provide a name'],
      ['Invalid', `${BACKUP}.credentialsRef.name`],
      ['Required', `${BACKUP}.credentialsRef.namespace`, 'must provide a namespace'],
      ['Invalid', `${BACKUP}.credentialsRef.namespace`],
      ['Forbidden', `${BACKUP}.credentialsRef.namespace`, SAME_NAMESPACE],
      ['NotSupported', `${BACKUP}.credentialsRef`, 'supported values: "/v1, Kind=Secret", "core.gardener.cloud/v1beta1, Kind=InternalSecret", "security.gardener.cloud/v1alpha1, Kind=WorkloadIdentity"'],
    ],
  },
  {
    from: 'Provider validation > self-hosted shoots > backup settings > backup credentialsRef and secretRef > should enforce credentials in the same namespace',
    set: withBackup([`${W}.0.controlPlane.backup.credentialsRef`, { apiVersion: 'v1', kind: 'Secret', namespace: 'other-namespace', name: 'backup' }]),
    want: [['Forbidden', `${BACKUP}.credentialsRef.namespace`, SAME_NAMESPACE]],
  },
  {
    from: 'Provider validation > self-hosted shoots > backup settings > should enforce region if backup provider is different',
    set: withBackup([`${W}.0.controlPlane.backup.provider`, 'bar'], [`${W}.0.controlPlane.backup.region`, undefined]),
    want: [['Required', `${BACKUP}.region`, 'region must be specified for if backup provider is different from shoot provider used in `spec.provider.type`']],
  },
  {
    from: 'Provider validation > self-hosted shoots > should allow not referencing a SecretBinding and CredentialsBinding',
    set: selfHosted(['spec.secretBindingName', undefined], ['spec.credentialsBindingName', undefined]),
    want: [],
  },
  {
    from: 'Provider validation > self-hosted shoots > should fail because extension and dns are set',
    set: exposure({ extension: { type: 'stackit' }, dns: {} }),
    want: [['Invalid', `${W0}.controlPlane.exposure`, 'cannot have dns and extension set at the same time']],
  },
  { from: 'Provider validation > self-hosted shoots > should fail because extension exposure type is not set', set: exposure({ extension: {} }), want: [['Required', EXPOSURE_TYPE, 'must specify a provider type']] },
  {
    from: 'Provider validation > self-hosted shoots > should fail because extension exposure type is set to an empty string',
    set: exposure({ extension: { type: '' } }),
    want: [['Required', EXPOSURE_TYPE, 'must specify a provider type']],
  },
  {
    from: 'Provider validation > self-hosted shoots > should fail because extension exposure type contains an invalid DNS1123 string',
    set: exposure({ extension: { type: 'My_Service' } }),
    want: [['Invalid', EXPOSURE_TYPE]],
  },
  { from: 'Provider validation > self-hosted shoots > should work with dns set', set: exposure({ dns: {} }), want: [] },
  { from: 'Provider validation > self-hosted shoots > should work with an empty exposure', set: exposure({}), want: [] },
  { from: 'Provider validation > self-hosted shoots > should work with extension set', set: exposure({ extension: { type: 'stackit' } }), want: [] },
  {
    from: 'Provider validation > self-hosted shoots > should work with extension and config set',
    set: exposure({ extension: { type: 'local', providerConfig: { apiVersion: 'v1', kind: 'Configuration' } } }),
    want: [],
  },
];

const SWITCH = 'cannot switch a Shoot between self-hosted and hosted mode';

/** Self-hosted shoots (ValidateShootUpdate). */
export const SELF_HOSTED_UPDATE_CASES: UpstreamCase[] = [
  {
    from: "Provider validation > self-hosted shoots > should prevent marking a shoot as 'self-hosted' after creation",
    old: selfHosted(),
    set: GARDEN,
    contains: true,
    want: [['Forbidden', W, SWITCH]],
  },
  {
    from: "Provider validation > self-hosted shoots > should prevent marking a shoot as 'normal' after creation",
    old: selfHosted(),
    set: GARDEN,
    contains: true,
    want: [['Forbidden', W, SWITCH]],
  },
  {
    from: 'Provider validation > self-hosted shoots > should prevent changing the control plane worker pool',
    old: selfHosted([`${W}.1`, { ...UPSTREAM_WORKER, name: 'other-pool', controlPlane: {} }]),
    set: [...GARDEN, [`${W}.1`, { ...UPSTREAM_WORKER, name: 'other-pool', controlPlane: {} }]],
    contains: true,
    want: [['Forbidden', W, 'cannot change control plane worker pool']],
  },
  {
    from: 'Provider validation > self-hosted shoots > backup settings > should forbid invalid updates',
    old: withBackup(),
    set: withBackup([`${W}.0.controlPlane.backup.region`, 'other-backup-region'], [`${W}.0.controlPlane.backup.provider`, 'other-provider']),
    contains: true,
    want: [
      ['Invalid', `${BACKUP}.region`, 'field is immutable'],
      ['Invalid', `${BACKUP}.provider`, 'field is immutable'],
    ],
  },
  { from: 'Provider validation > self-hosted shoots > backup settings > should allow adding backup settings', old: withBackup([`${W}.0.controlPlane.backup`, undefined]), set: withBackup(), want: [] },
  {
    from: 'Provider validation > self-hosted shoots > backup settings > should forbid removing backup settings',
    old: withBackup(),
    set: withBackup([`${W}.0.controlPlane.backup`, undefined]),
    want: [['Invalid', BACKUP, 'field is immutable']],
  },
];

/** An entry of upstream's worker pool "cluster autoscaler values" table (ValidateClusterAutoscalerOptions). */
const caOptions = (name: string, options: Record<string, unknown> | undefined, want: Expected[]): UpstreamCase => ({
  from: `Provider validation > ClusterAutoscaler options validation > ${name}`,
  set: [PROVIDER_FOO, [`${W}.0.clusterAutoscaler`, options]],
  want,
});

/** Worker pool cluster autoscaler options (ValidateShoot; upstream reports them under `autoscaler`). */
export const CA_OPTION_CASES: UpstreamCase[] = [
  caOptions('valid with nil options', undefined, []),
  caOptions('valid with ScaleDownUtilizationThreshold', { scaleDownUtilizationThreshold: 0.5 }, []),
  caOptions('valid with ScaleDownGpuUtilizationThreshold', { scaleDownGpuUtilizationThreshold: 0.5 }, []),
  caOptions('valid with ScaleDownUnneededTime', { scaleDownUnneededTime: '1m0s' }, []),
  caOptions('valid with ScaleDownUnreadyTime', { scaleDownUnreadyTime: '1m0s' }, []),
  caOptions('valid with MaxNodeProvisionTime', { maxNodeProvisionTime: '1m0s' }, []),
];
