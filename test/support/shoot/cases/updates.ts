/**
 * Update cases of Gardener's shoot_test.go (b312835d17): versions, immutable fields, worker pools,
 * control plane high availability (#ValidateShootHAControlPlaneUpdate), worker pool update strategies
 * (#ValidateProviderUpdate) and control plane zones.
 * `old` makes the stored Shoot from upstream's base, `set` the new one.
 */
import { UPSTREAM_WORKER, WORKERLESS, type Change, type UpstreamCase } from './index.js';

const FT = 'spec.controlPlane.highAvailability.failureTolerance.type';
const ha = (type: string): Change => ['spec.controlPlane', { highAvailability: { failureTolerance: { type } } }];
const HIBERNATED = 'Shoot is currently hibernated and cannot be scaled up to HA. Please make sure your cluster has woken up before scaling it up to HA';
const US = 'spec.provider.workers[0].updateStrategy';
const strategy = (s: string): Change => ['spec.provider.workers.0.updateStrategy', s];
const IN_PLACE = { InPlaceNodeUpdates: true };

/** The cases. */
export const HA_AND_STRATEGY_UPDATE_CASES: UpstreamCase[] = [
  { from: '#ValidateShootHAControlPlaneUpdate > should pass as Shoot ControlPlane Spec with HA set to zone has not changed', old: [ha('zone')], set: [ha('zone')], want: [] },
  { from: '#ValidateShootHAControlPlaneUpdate > should allow upgrading from non-HA to HA Shoot ControlPlane.HighAvailability Spec', old: [['spec.controlPlane', {}]], set: [ha('zone')], want: [] },
  {
    from: '#ValidateShootHAControlPlaneUpdate > shoot is scheduled > should forbid to change the Shoot ControlPlane spec',
    old: [ha('zone'), ['spec.seedName', 'someSeed']],
    set: [ha('node'), ['spec.seedName', 'someSeed']],
    contains: true,
    want: [['Invalid', FT]],
  },
  {
    from: '#ValidateShootHAControlPlaneUpdate > shoot is scheduled > should forbid to unset of Shoot ControlPlane',
    old: [ha('zone'), ['spec.seedName', 'someSeed']],
    set: [['spec.seedName', 'someSeed']],
    contains: true,
    want: [['Invalid', FT]],
  },
  { from: '#ValidateShootHAControlPlaneUpdate > shoot is not scheduled > should allow to change the Shoot ControlPlane spec', old: [ha('zone')], set: [ha('node')], want: [] },
  { from: '#ValidateShootHAControlPlaneUpdate > shoot is not scheduled > should allow to unset of Shoot ControlPlane', old: [ha('zone')], set: [], want: [] },
  {
    from: '#ValidateShootHAControlPlaneUpdate > shoot is hibernated > should not allow upgrading from non-HA to HA when Spec.Hibernation.Enabled is set to `true`',
    old: [['spec.controlPlane', {}]],
    set: [ha('zone'), ['spec.hibernation', { enabled: true }]],
    contains: true,
    want: [['Forbidden', FT, HIBERNATED]],
  },
  {
    from: '#ValidateShootHAControlPlaneUpdate > shoot is hibernated > should not allow upgrading from non-HA to HA when Status.IsHibernation is set to `true`',
    old: [['spec.controlPlane', {}]],
    set: [ha('node'), ['status', { hibernated: true }]],
    contains: true,
    want: [['Forbidden', FT, HIBERNATED]],
  },
  {
    from: '#ValidateShootHAControlPlaneUpdate > shoot is hibernated > should allow upgrading from non-HA to HA when Spec.Hibernation.Enabled is `false` and Status.IsHibernation is `false`',
    old: [['spec.controlPlane', {}]],
    set: [ha('node'), ['spec.hibernation', { enabled: false }], ['status', { hibernated: false }]],
    want: [],
  },
  {
    from: '#ValidateProviderUpdate > should forbid changing the update strategy from AutoRollingUpdate to AutoInPlaceUpdate/ManualInPlaceUpdate',
    old: [],
    set: [strategy('AutoInPlaceUpdate')],
    contains: true,
    want: [['Invalid', US, 'update strategy cannot be changed from AutoRollingUpdate to AutoInPlaceUpdate/ManualInPlaceUpdate']],
  },
  {
    from: '#ValidateProviderUpdate > should forbid changing the update strategy from AutoInPlaceUpdate/ManualInPlaceUpdate to AutoRollingUpdate',
    old: [strategy('ManualInPlaceUpdate')],
    set: [strategy('AutoRollingUpdate')],
    contains: true,
    want: [['Invalid', US, 'update strategy cannot be changed from AutoInPlaceUpdate/ManualInPlaceUpdate to AutoRollingUpdate']],
  },
  {
    from: '#ValidateProviderUpdate > should allow changing the update strategy from AutoInPlaceUpdate to ManualInPlaceUpdate',
    old: [strategy('AutoInPlaceUpdate')],
    set: [strategy('ManualInPlaceUpdate'), ['spec.provider.workers.0.maxSurge', undefined], ['spec.provider.workers.0.maxUnavailable', undefined]],
    gates: IN_PLACE,
    want: [],
  },
  {
    from: '#ValidateProviderUpdate > should forbid setting in-place update strategy for a new worker pool if the InPlaceNodeUpdates feature gate is disabled',
    old: [],
    set: [['spec.provider.workers.1', { name: 'worker-2', machine: { type: 'large', image: { name: 'image-name', version: '1.0.0' }, architecture: 'amd64' }, minimum: 1, maximum: 1, maxSurge: 1, maxUnavailable: 0, systemComponents: { allow: true }, updateStrategy: 'AutoInPlaceUpdate' }]],
    contains: true,
    want: [['Invalid', 'spec.provider.workers[1].updateStrategy', 'can not configure `AutoInPlaceUpdate` or `ManualInPlaceUpdate` update strategies when the `InPlaceNodeUpdates` feature gate is disabled.']],
  },
  {
    from: '#ValidateProviderUpdate > Machine image version update > should allow downgrading the machine image version in case of rolling update strategy',
    old: [['spec.provider.workers.0.machine.image.version', '2.0.0']],
    set: [['spec.provider.workers.0.machine.image.version', '1.0.0']],
    want: [],
  },
  {
    from: '#ValidateProviderUpdate > Machine image version update > should forbid downgrading the machine image version in case of in-place update strategy',
    old: [strategy('AutoInPlaceUpdate'), ['spec.provider.workers.0.machine.image.version', '2.0.0']],
    set: [strategy('AutoInPlaceUpdate'), ['spec.provider.workers.0.machine.image.version', '1.0.0']],
    gates: IN_PLACE,
    contains: true,
    want: [['Forbidden', 'spec.provider.workers[0].machine.image.version', 'machine image version downgrade is not supported when the update strategy is AutoInPlaceUpdate or ManualInPlaceUpdate']],
  },
  {
    from: '#ValidateProviderUpdate > in-place strategy > should forbid changing the machine type',
    old: [strategy('AutoInPlaceUpdate')],
    set: [strategy('AutoInPlaceUpdate'), ['spec.provider.workers.0.machine.type', 'foo']],
    gates: IN_PLACE,
    contains: true,
    want: [['Invalid', 'spec.provider.workers[0].machine.type', 'machine type cannot be changed if update strategy is AutoInPlaceUpdate/ManualInPlaceUpdate']],
  },
];

const ZONES = 'spec.controlPlane.zones';
const zones = (list: string[], type?: string): Change => ['spec.controlPlane', { ...(type === undefined ? {} : { highAvailability: { failureTolerance: { type } } }), zones: list }];

/** spec.controlPlane.zones on create (ValidateShoot). */
export const ZONE_CASES: UpstreamCase[] = [
  { from: 'spec.controlPlane.zones > should allow setting a single zone without HA', set: [zones(['a'])], want: [] },
  { from: 'spec.controlPlane.zones > should forbid more than 1 zone without zone failure tolerance', set: [zones(['a', 'b'])], want: [['Invalid', ZONES]] },
  { from: "spec.controlPlane.zones > should forbid more than 1 zone with 'node' failure tolerance", set: [zones(['a', 'b'], 'node')], want: [['Invalid', ZONES]] },
  { from: 'spec.controlPlane.zones > should forbid duplicate zones', set: [zones(['a', 'a'])], contains: true, want: [['Duplicate', `${ZONES}[1]`]] },
  { from: "spec.controlPlane.zones > should forbid fewer than 3 zones when failure tolerance type is 'zone'", set: [zones(['a', 'b'], 'zone')], want: [['Invalid', ZONES]] },
  { from: "spec.controlPlane.zones > should forbid more than 3 zones when failure tolerance type is 'zone'", set: [zones(['a', 'b', 'c', 'd'], 'zone')], want: [['Invalid', ZONES]] },
  { from: "spec.controlPlane.zones > should allow exactly 3 zones when failure tolerance type is 'zone'", set: [zones(['a', 'b', 'c'], 'zone')], want: [] },
];

/** spec.controlPlane.zones on update (ValidateShootUpdate). */
export const ZONE_UPDATE_CASES: UpstreamCase[] = [
  { from: 'spec.controlPlane.zones > should forbid changing zones once set', old: [zones(['a'])], set: [zones(['b'])], contains: true, want: [['Forbidden', ZONES]] },
  { from: 'spec.controlPlane.zones > should allow clearing zones once set', old: [zones(['a'])], set: [['spec.controlPlane', {}]], want: [] },
  { from: 'spec.controlPlane.zones > should forbid setting zones on update when not set at creation', old: [], set: [zones(['a'])], contains: true, want: [['Forbidden', ZONES]] },
  { from: 'spec.controlPlane.zones > should allow zones remaining unchanged on update', old: [zones(['a'])], set: [zones(['a'])], want: [] },
  { from: 'spec.controlPlane.zones > should allow expanding zones from 1 to 3 when upgrading to zone failure tolerance', old: [zones(['a'])], set: [zones(['a', 'b', 'c'], 'zone')], want: [] },
  {
    from: 'spec.controlPlane.zones > should forbid removing existing zones when expanding for zone failure tolerance upgrade',
    old: [zones(['a'])],
    set: [zones(['b', 'c', 'd'], 'zone')],
    contains: true,
    want: [['Forbidden', ZONES]],
  },
  {
    from: 'spec.controlPlane.zones > should forbid changing zones when already at zone failure tolerance',
    old: [zones(['a', 'b', 'c'], 'zone')],
    set: [zones(['a', 'b', 'd'], 'zone')],
    contains: true,
    want: [['Forbidden', ZONES]],
  },
];

const W = 'spec.provider.workers';
const KCM = 'spec.kubernetes.kubeControllerManager';

/** Cases of ValidateShootUpdate: `old` makes the stored Shoot, `set` the new one (both from the base). */
export const UPDATE_CASES: UpstreamCase[] = [
  {
    from: 'Kubernetes Version > should forbid kubernetes version downgrades',
    set: [['spec.kubernetes.version', '1.7.2']],
    want: [
      ['Forbidden', 'spec.kubernetes.version', 'kubernetes version downgrade is not supported'],
      ['Forbidden', `${W}[0].kubernetes.version`, 'kubernetes version downgrade is not supported'],
    ],
  },
  {
    from: 'Kubernetes Version > should forbid kubernetes version upgrades skipping a minor version',
    old: [['spec.kubernetes.version', '1.29.2']],
    set: [['spec.kubernetes.version', '1.31.0']],
    want: [['Forbidden', 'spec.kubernetes.version', 'kubernetes version upgrade cannot skip a minor version']],
  },
  {
    from: 'Provider validation > should not allow switching from a Shoot with workers to a workerless Shoot',
    old: [],
    set: WORKERLESS,
    contains: true,
    want: [['Forbidden', W]],
  },
  {
    from: 'Provider validation > should not allow adding a worker pool to a workerless shoot',
    old: WORKERLESS,
    set: [],
    contains: true,
    want: [['Forbidden', W]],
  },
  { from: 'Provider validation > should allow adding a worker pool', old: [], set: [[`${W}.1`, { ...UPSTREAM_WORKER, name: 'second-worker' }]], want: [] },
  {
    from: '#ValidateShootSpecUpdate (region, provider type: ValidateImmutableField)',
    old: [],
    set: [
      ['spec.region', 'other-region'],
      ['spec.provider.type', 'other'],
    ],
    want: [
      ['Invalid', 'spec.region'],
      ['Invalid', 'spec.provider.type'],
    ],
  },
  {
    from: 'KubeControllerManager validation > should fail updating immutable NodeCIDRMaskSize field',
    old: [],
    set: [[`${KCM}.nodeCIDRMaskSize`, 24]],
    want: [['Invalid', `${KCM}.nodeCIDRMaskSize`]],
  },
  {
    from: 'networking section > should forbid changing the networking type',
    old: [],
    set: [['spec.networking.type', 'some-other-type']],
    want: [['Invalid', 'spec.networking.type']],
  },
];
