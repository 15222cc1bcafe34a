/**
 * Cases of Gardener's shoot_test.go (b312835d17) from "#ValidateHibernation" to the end of the file beyond
 * those in hibernation.ts: hibernation and its schedules, finalizers on creation, OIDC issuer URLs, control
 * plane autoscaling and "#ValidateInPlaceUpdates". Hibernation, finalizers and issuer URLs sit in
 * upstream's base Shoot (paths carry the Shoot's prefix); control plane autoscaling runs on the setting
 * alone ({@link AutoscalingCase}); in-place updates run on upstream's own pair of Shoots
 * ({@link inPlaceOldShoot}, {@link inPlaceNewShoot}).
 */
import type { KubeObject } from '../../../../apimachinery/types.js';
import type { Change, Expected, UpstreamCase } from './index.js';

const MAINT = 'maintenance.gardener.cloud/operation';
const S = 'spec.hibernation.schedules';
const schedules = (list: unknown[]): Change => ['spec.hibernation', { schedules: list }];
const ISSUER = 'spec.kubernetes.kubeAPIServer.serviceAccountConfig.issuer';
const hibernatedWith = (operations: string): Change[] => [
  ['spec.hibernation', { enabled: true }],
  ['metadata.annotations', { [MAINT]: operations }],
];
const noHibernation = (op: string): string => `shoot cannot be hibernated when ${MAINT} annotation contains ${op} operation`;

/** Cases of ValidateShoot. */
export const MISC_CASES: UpstreamCase[] = [
  { from: '#ValidateHibernation > nil hibernation', set: [['spec.hibernation', undefined]], want: [] },
  {
    from: '#ValidateHibernation > self-hosted hibernation',
    set: [
      ['metadata.namespace', 'garden'],
      ['spec.provider.workers.0.controlPlane', {}],
      ['spec.hibernation', { enabled: true }],
    ],
    // The self-hosted Shoot around it has more to say; upstream matches the one error of ValidateHibernation.
    contains: true,
    want: [['Forbidden', 'spec.hibernation', 'hibernation is not supported for self-hosted shoots']],
  },
  {
    // The operation rules add their errors on the same annotation; upstream matches ValidateHibernation's one.
    from: '#ValidateHibernation > forbidden annotation',
    set: hibernatedWith('rotate-credentials-start'),
    contains: true,
    want: [['Forbidden', 'spec.hibernation.enabled', noHibernation('rotate-credentials-start')]],
  },
  {
    from: '#ValidateHibernation > multiple forbidden annotations',
    set: hibernatedWith('rotate-etcd-encryption-key;rotate-serviceaccount-key-start'),
    contains: true,
    want: [
      ['Forbidden', 'spec.hibernation.enabled', noHibernation('rotate-etcd-encryption-key')],
      ['Forbidden', 'spec.hibernation.enabled', noHibernation('rotate-serviceaccount-key-start')],
    ],
  },
  { from: '#ValidateHibernationSchedules > nil schedules', set: [['spec.hibernation', {}]], want: [] },
  // Upstream matches only the type of the one error; the path is where the spec sits in the schedule.
  { from: '#ValidateHibernationCronSpec > invalid spec', set: [schedules([{ start: 'foo' }])], want: [['Invalid', `${S}[0].start`]] },
  {
    // Upstream hands a set that already holds the spec; here an earlier schedule puts it there.
    from: '#ValidateHibernationCronSpec > duplicate spec',
    set: [schedules([{ start: '* * * * *' }, { start: '* * * * *' }])],
    want: [['Duplicate', `${S}[1].start`]],
  },
  {
    // Upstream checks the set after the call; here a second schedule with the same spec shows it was added.
    from: '#ValidateHibernationCronSpec > should add the inspected cron spec to the set if there were no issues',
    set: [schedules([{ start: '* * * * *' }, { start: '* * * * *' }])],
    want: [['Duplicate', `${S}[1].start`]],
  },
  {
    // ... and that an invalid one was not: the second schedule is invalid again, not a duplicate.
    from: '#ValidateHibernationCronSpec > should not add the inspected cron spec to the set if there were issues',
    set: [schedules([{ start: 'foo' }, { start: 'foo' }])],
    want: [
      ['Invalid', `${S}[0].start`],
      ['Invalid', `${S}[1].start`],
    ],
  },
  { from: '#ValidateHibernationScheduleLocation > empty location -> utc', set: [schedules([{ start: '1 * * * *', location: '' }])], want: [] },
  { from: '#ValidateHibernationSchedule > valid schedule', set: [schedules([{ start: '1 * * * *', end: '2 * * * *' }])], want: [] },
  { from: '#ValidateHibernationSchedule > invalid start value', set: [schedules([{ start: '', end: '* * * * *' }])], want: [['Invalid', `${S}[0].start`]] },
  { from: '#ValidateHibernationSchedule > invalid end value', set: [schedules([{ start: '* * * * *', end: '' }])], want: [['Invalid', `${S}[0].end`]] },
  { from: '#ValidateHibernationSchedule > nil end', set: [schedules([{ start: '* * * * *' }])], want: [] },
  ...(
    [
      ['should succeed if issuer URL is valid', 'https://issuer.com/auth', ''],
      ['should fail if issuerURL URL scheme is not https', 'http://issuer.com', 'must have https scheme'],
      ['should fail if issuerURL URL contains a fragment', 'https://issuer.com#fragment', 'must not contain a fragment'],
      ['should fail if issuerURL URL contains a username and password', 'https://user:pass@issuer.com', 'must not contain a username or password'],
      ['should fail if issuerURL URL contains a query', 'https://issuer.com?query=value', 'must not contain a query'],
    ] as const
  ).map(
    ([entry, issuer, detail]): UpstreamCase => ({
      from: `#ValidateOIDCIssuerURL > test valid and invalid issuer URLs > ${entry}`,
      set: [['spec.kubernetes.kubeAPIServer.serviceAccountConfig', { issuer }]],
      want: detail === '' ? [] : [['Invalid', ISSUER, detail]],
    }),
  ),
];

/** Cases of ValidateShoot on creation (ValidateFinalizersOnCreation runs there). */
export const CREATION_CASES: UpstreamCase[] = [
  {
    from: '#ValidateFinalizersOnCreation > should return error if the finalizers contain forbidden finalizers',
    set: [['metadata.finalizers', ['some-finalizer', 'gardener.cloud/reference-protection', 'gardener', 'random']]],
    // Upstream matches the details with ContainSubstring(`finalizer "<name>" cannot be added on creation`).
    want: [
      ['Forbidden', 'metadata.finalizers[1]'],
      ['Forbidden', 'metadata.finalizers[2]'],
    ],
  },
];

/** A case of ValidateControlPlaneAutoscaling: the setting, the component's minimums, the root path. */
export interface AutoscalingCase {
  from: string;
  autoscaling: Record<string, unknown>;
  minimums: Record<string, string>;
  root?: string;
  want: Expected[];
}

const MIN_REQUIRED = { cpu: '10m', memory: '50Mi' };

/** Cases of ValidateControlPlaneAutoscaling. */
export const CONTROL_PLANE_AUTOSCALING_CASES: AutoscalingCase[] = [
  { from: '#ValidateControlPlaneAutoscaling > should succeed for valid resources', autoscaling: { minAllowed: { cpu: '0', memory: '0' } }, minimums: {}, want: [] },
  { from: '#ValidateControlPlaneAutoscaling > should fail when minAllowed is not specified', autoscaling: {}, minimums: {}, root: 'autoscaling', want: [['Required', 'autoscaling.minAllowed']] },
  {
    from: '#ValidateControlPlaneAutoscaling > should fail for unsupported resources',
    autoscaling: { minAllowed: { storage: '0' } },
    minimums: {},
    root: 'autoscaling',
    want: [['NotSupported', 'autoscaling.minAllowed.storage']],
  },
  {
    from: '#ValidateControlPlaneAutoscaling > minimum required values are configured > should succeed if value match',
    autoscaling: { minAllowed: { cpu: '10m', memory: '50Mi' } },
    minimums: MIN_REQUIRED,
    want: [],
  },
  {
    from: '#ValidateControlPlaneAutoscaling > minimum required values are configured > should fail for values falling below minimum',
    autoscaling: { minAllowed: { cpu: '9m', memory: '50Mi' } },
    minimums: MIN_REQUIRED,
    root: 'autoscaling',
    want: [['Invalid', 'autoscaling.minAllowed.cpu']],
  },
  {
    from: '#ValidateControlPlaneAutoscaling > minimum required values are configured > should fail for negative values',
    autoscaling: { minAllowed: { cpu: '-100m', memory: '50Mi' } },
    minimums: {},
    root: 'autoscaling',
    want: [['Invalid', 'autoscaling.minAllowed.cpu']],
  },
];

/** Upstream's old Shoot of "#ValidateInPlaceUpdates". */
export function inPlaceOldShoot(): KubeObject {
  return {
    apiVersion: 'core.gardener.cloud/v1beta1',
    kind: 'Shoot',
    metadata: {},
    spec: {
      kubernetes: { version: '1.31.0', kubelet: { evictionHard: { memoryAvailable: '100Mi', imageFSAvailable: '100Mi' } } },
      provider: {
        workers: [
          {
            name: 'worker-1',
            updateStrategy: 'AutoInPlaceUpdate',
            kubernetes: { version: '1.35.0', kubelet: { evictionHard: { memoryAvailable: '200Mi', imageFSAvailable: '200Mi' } } },
            machine: { image: { version: '1.5.0' } },
          },
          { name: 'worker-2', updateStrategy: 'AutoInPlaceUpdate', machine: { image: { version: '1.5.0' } } },
        ],
      },
    },
    status: { inPlaceUpdates: { pendingWorkerUpdates: { autoInPlaceUpdate: ['worker-1'], manualInPlaceUpdate: ['worker-2'] } } },
  };
}

/** Upstream's new Shoot: the old one with a newer machine image in both pools. */
export function inPlaceNewShoot(): KubeObject {
  const shoot = inPlaceOldShoot();
  for (const w of (shoot.spec as { provider: { workers: { machine: { image: { version: string } } }[] } }).provider.workers) w.machine.image.version = '1.5.1';
  return shoot;
}

const W0 = 'spec.provider.workers[0]';
const W1 = 'spec.provider.workers[1]';
const undergoing = (name: string): string =>
  `the worker pool "${name}" is currently undergoing an in-place update. No changes are allowed to the worker pool, the Shoot Kubernetes version, or the Shoot kubelet configuration. You can force an update with annotating the Shoot with 'gardener.cloud/operation=force-in-place-update'`;
const OLD_IMAGE: Change[] = [['spec.provider.workers.1.machine.image.version', '1.5.0']];
const inPlace = (from: string, c: Omit<UpstreamCase, 'from'>): UpstreamCase => ({ from: `#ValidateInPlaceUpdates > ${from}`, ...c });
const pool = (name: string, version: string): Record<string, unknown> => ({ name, updateStrategy: 'AutoInPlaceUpdate', machine: { image: { version } } });

/** Cases of ValidateInPlaceUpdates: `old` changes {@link inPlaceOldShoot}, `set` changes {@link inPlaceNewShoot}. */
export const IN_PLACE_UPDATE_CASES: UpstreamCase[] = [
  inPlace('should return no errors if force-update annotation is present', { set: [['metadata.annotations', { 'gardener.cloud/operation': 'force-in-place-update' }]], want: [] }),
  inPlace('should return no errors if there are no pending in-place updates', { set: [['status.inPlaceUpdates.pendingWorkerUpdates', undefined]], want: [] }),
  inPlace('should return an error if the Kubernetes version is invalid', {
    old: [['spec.kubernetes.version', 'invalid-version']],
    set: [],
    want: [['Forbidden', 'spec.kubernetes.version', 'failed to parse old control plane kubernetes version: invalid semantic version']],
  }),
  inPlace('should return an error if the new Kubernetes version is invalid', {
    set: [['spec.kubernetes.version', 'invalid-version']],
    want: [['Forbidden', 'spec.kubernetes.version', 'failed to parse new control plane kubernetes version: invalid semantic version']],
  }),
  inPlace('should return an error if the old worker Kubernetes version is invalid', {
    old: [['spec.provider.workers.0.kubernetes.version', 'invalid-version']],
    set: OLD_IMAGE,
    // Upstream matches the detail with ContainSubstring("failed to calculate effective kubernetes version for old worker").
    want: [['Forbidden', W0]],
  }),
  inPlace('should return an error if the new worker Kubernetes version is invalid', {
    set: [...OLD_IMAGE, ['spec.provider.workers.0.kubernetes.version', 'invalid-version']],
    // Upstream matches the detail with ContainSubstring("failed to calculate effective kubernetes version for new worker").
    want: [['Forbidden', W0]],
  }),
  inPlace('should return an error if the worker pool is undergoing an in-place update and changes are made', {
    set: [],
    want: [
      ['Forbidden', W0, undergoing('worker-1')],
      ['Forbidden', W1, undergoing('worker-2')],
    ],
  }),
  inPlace('should return an error if the worker pool is undergoing an in-place update and changes are made to the Shoot kubelet config', {
    set: [
      ['spec.kubernetes.kubelet.evictionHard.memoryAvailable', '150Mi'],
      ['spec.provider.workers.0.machine.image.version', '1.5.0'],
    ],
    want: [['Forbidden', W1, undergoing('worker-2')]],
  }),
  inPlace('should return an error if the worker pool is undergoing an in-place update and changes are made to the Shoot kubernetes version', {
    set: [
      ['spec.kubernetes.version', '1.32.0'],
      ['spec.provider.workers.0.machine.image.version', '1.5.0'],
    ],
    want: [['Forbidden', W1, undergoing('worker-2')]],
  }),
  inPlace('should return no errors if the worker pool is not undergoing an in-place update', {
    set: [
      ['spec.provider.workers.0.machine.image.version', '1.5.0'],
      ['spec.provider.workers.1.machine.image.version', '1.5.0'],
    ],
    want: [],
  }),
  inPlace('should return no errors if the worker pool is newly added', {
    old: [['spec.provider.workers', [pool('worker-2', '1.5.0'), pool('worker-3', '1.5.0')]]],
    set: [
      ['spec.provider.workers', [pool('worker-1', '1.5.1'), pool('worker-3', '1.5.1')]],
      ['status.inPlaceUpdates.pendingWorkerUpdates.autoInPlaceUpdate', ['worker-1', 'worker-2', 'worker-3']],
    ],
    want: [['Forbidden', W1, undergoing('worker-3')]],
  }),
];
