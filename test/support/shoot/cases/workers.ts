/**
 * Cases of Gardener's shoot_test.go (b312835d17) for one worker pool (the "#ValidateWorker" tables).
 * Upstream calls ValidateWorker on the pool alone (relative paths, no Kubernetes version); here the pool
 * is the only one of upstream's base Shoot, so paths carry `spec.provider.workers[0].`.
 */
import { UPSTREAM_WORKER, type Change, type Expected, type UpstreamCase } from './index.js';

const W = 'spec.provider.workers[0]';
const LONG_NAME = 'foo/somethingthatiswaylongerthanthelimitofthiswhichissixtythreecharacters';
const VOLUME = { name: 'vol1-name', size: '75Gi' };

/** The base Shoot with its pool changed (`undefined` drops a field of the pool). */
function pool(change: Record<string, unknown>): Change[] {
  const w: Record<string, unknown> = { ...structuredClone(UPSTREAM_WORKER), ...change };
  for (const [k, v] of Object.entries(change)) if (v === undefined) delete w[k];
  return [['spec.provider.workers', [w]]];
}

function worker(from: string, change: Record<string, unknown>, want: Expected[], extra: Partial<UpstreamCase> = {}): UpstreamCase {
  return { from: `#ValidateWorker > ${from}`, set: pool(change), want, ...extra };
}

const machine = (m: Record<string, unknown>): Record<string, unknown> => ({ machine: { type: 'large', image: { name: 'image-name', version: '1.0.0' }, architecture: 'amd64', ...m } });

/** Cases of ValidateWorker. */
export const WORKER_CASES: UpstreamCase[] = [
  worker('validate worker machine > empty machine type', machine({ type: '' }), [['Required', `${W}.machine.type`, 'must specify a machine type']]),
  worker('validate worker machine > nil machine image', machine({ image: undefined }), [['Required', `${W}.machine.image`, 'must specify a machine image']]),
  worker('validate worker machine > empty machine image name', machine({ image: { name: '', version: '1.0.0' } }), [['Required', `${W}.machine.image.name`, 'must specify a machine image name']]),
  worker('validate worker machine > empty machine image version', machine({ image: { name: 'image-name', version: '' } }), [['Required', `${W}.machine.image.version`, 'must specify a machine image version']]),
  worker('validate worker machine > nil machine architecture', machine({ architecture: undefined }), []),
  ...(
    [
      ['two zero integers', 0, 0],
      ['zero int and zero percent', 0, '0%'],
      ['zero percent and zero int', '0%', 0],
      ['two zero percents', '0%', '0%'],
      ['maxUnavailable greater than 100 percent', '101%', '100%'],
      ['values are not below zero', -1, 0],
      ['percentage is not less than zero', '-90%', '90%'],
    ] as const
  ).map(([name, maxUnavailable, maxSurge]) =>
    worker(`reject when maxUnavailable and maxSurge are invalid > ${name}`, { maxUnavailable, maxSurge }, [['Invalid', `${W}.maxUnavailable`]], { contains: true, gates: { InPlaceNodeUpdates: true } }),
  ),
  worker(
    'reject when maxUnavailable and maxSurge are invalid > maxSurge is not nil in case of ManualInplaceUpdate update strategy',
    { updateStrategy: 'ManualInPlaceUpdate', maxUnavailable: undefined, maxSurge: 1 },
    [['Invalid', `${W}.maxSurge`]],
    { contains: true, gates: { InPlaceNodeUpdates: true } },
  ),
  ...(
    [
      ['missing prefix', { '/foo': 'bar' }, 'Invalid'],
      ['too long name', { [LONG_NAME]: 'baz' }, 'Invalid'],
      ['too many parts', { 'foo/bar/baz': 'null' }, 'Invalid'],
      ['invalid name', { 'foo/bar%baz': 'null' }, 'Invalid'],
    ] as const
  ).map(([name, labels, type]) => worker(`reject when labels are invalid > ${name}`, { labels }, [[type, `${W}.labels`]], { contains: true })),
  worker('reject when annotations are invalid > too long', { annotations: { foo: 'a'.repeat(262142) } }, [['TooLong', `${W}.annotations`]], { contains: true }),
  ...(
    [
      ['missing prefix', [{ key: '/foo', value: 'bar', effect: 'NoSchedule' }], 'Invalid'],
      ['too many parts', [{ key: 'foo/bar/baz', value: 'bar', effect: 'NoSchedule' }], 'Invalid'],
      ['invalid value', [{ key: 'foo', value: 'no/slashes/allowed', effect: 'NoSchedule' }], 'Invalid'],
      ['no effect', [{ key: 'foo', value: 'bar' }], 'Required'],
      ['non-existing effect', [{ key: 'foo', value: 'bar', effect: 'does-not-exist' }], 'NotSupported'],
      [
        'not unique',
        [
          { key: 'foo', value: 'bar', effect: 'NoSchedule' },
          { key: 'foo', value: 'baz', effect: 'NoSchedule' },
        ],
        'Duplicate',
      ],
    ] as const
  ).map(([name, taints, type]) => worker(`reject when taints are invalid > ${name}`, { taints }, [], { contains: true, wantTypes: [type] })),
  worker('should reject if volume is undefined and data volumes are defined', { dataVolumes: [{ name: 'vol1-name', size: '75Gi' }] }, [['Required', `${W}.volume`]], { contains: true }),
  worker('should reject if volume size does not match size regex', { volume: { name: 'vol1-name', size: '12MiB' } }, [['Invalid', `${W}.volume.size`]], { contains: true }),
  worker('volume name validation > too long name', { volume: { name: 'vol1-name-is-too-long-for-test', size: '75Gi' } }, [['TooLong', `${W}.volume.name`]], { contains: true }),
  worker('volume name validation > invalid name', { volume: { name: 'not%dns/1123', size: '75Gi' } }, [['Invalid', `${W}.volume.name`]], { contains: true }),
  worker('volume name validation > empty name', { volume: { name: '', size: '75Gi' } }, [['Required', `${W}.volume.name`]], { contains: true }),
  worker(
    'should reject if data volume size does not match size regex',
    { volume: VOLUME, dataVolumes: [{ name: 'vol1-name', size: '75Gi' }, { name: 'vol2-name', size: '12MiB' }] },
    [['Invalid', `${W}.dataVolumes[1].size`]],
    { contains: true },
  ),
  worker(
    'should reject if data volume name is invalid',
    { volume: { size: '75Gi' }, dataVolumes: [{ size: '75Gi' }, { name: 'vol1-name-is-too-long-for-test', size: '75Gi' }, { name: 'not%dns/1123', size: '75Gi' }] },
    [
      ['Required', `${W}.dataVolumes[0].name`],
      ['TooLong', `${W}.dataVolumes[1].name`],
      ['Invalid', `${W}.dataVolumes[2].name`],
    ],
  ),
  worker('should accept if kubeletDataVolumeName refers to defined data volume', { volume: VOLUME, dataVolumes: [VOLUME], kubeletDataVolumeName: 'vol1-name' }, []),
  worker(
    'should reject if kubeletDataVolumeName refers to undefined data volume',
    { volume: VOLUME, dataVolumes: [VOLUME, { name: 'vol2-name', size: '75Gi' }], kubeletDataVolumeName: 'vol3-name' },
    [['Invalid', `${W}.kubeletDataVolumeName`]],
  ),
  worker(
    'should reject if data volume names are duplicated',
    { volume: VOLUME, dataVolumes: [VOLUME, VOLUME, { name: 'vol2-name', size: '75Gi' }, VOLUME] },
    [
      ['Duplicate', `${W}.dataVolumes[1].name`],
      ['Duplicate', `${W}.dataVolumes[3].name`],
    ],
  ),
  {
    from: '#ValidateWorker > should reject if kubelet feature gates are invalid',
    set: [...pool({ kubernetes: { kubelet: { featureGates: { AnyVolumeDataSource: true, Foo: true } } } }), ['spec.kubernetes.version', '1.33.3']],
    want: [['Invalid', `${W}.kubernetes.kubelet.featureGates.Foo`]],
  },
  worker('validate CRI name > containerd is a valid CRI name', { cri: { name: 'containerd' } }, []),
  worker('validate CRI name > docker is NOT a valid CRI name', { cri: { name: 'docker' } }, [['NotSupported', `${W}.cri.name`]]),
  worker('validate CRI name > not valid CRI name', { cri: { name: 'other' } }, [['NotSupported', `${W}.cri.name`]]),
  worker('validate architecture > arm64 is a valid architecture name', machine({ architecture: 'arm64' }), []),
  worker('validate architecture > foo is an invalid architecture name', machine({ architecture: 'foo' }), [['NotSupported', `${W}.machine.architecture`]]),
  worker('validate that container runtime has a type', { cri: { name: 'containerd', containerRuntimes: [{ type: 'gVisor' }, { type: '' }] } }, [['Required', `${W}.cri.containerruntimes[1].type`]]),
];

/** Upstream reports these under `autoscaler` although the field is `clusterAutoscaler`. */
const CAO = `${W}.autoscaler`;
const caOptions = (name: string, options: Record<string, unknown>, want: Expected[]): UpstreamCase => ({
  from: `Provider validation > ClusterAutoscaler options validation > ${name}`,
  set: pool({ clusterAutoscaler: options }),
  want,
});

/** Worker pool cluster autoscaler options and workers settings (ValidateShoot). */
export const WORKER_OPTION_CASES: UpstreamCase[] = [
  caOptions('valid with empty options', {}, []),
  caOptions('valid with all options', { scaleDownUtilizationThreshold: 0.5, scaleDownGpuUtilizationThreshold: 0.5, scaleDownUnneededTime: '1s', scaleDownUnreadyTime: '1s', maxNodeProvisionTime: '1s' }, []),
  caOptions('invalid negative ScaleDownUtilizationThreshold', { scaleDownUtilizationThreshold: -0.5 }, [['Invalid', `${CAO}.scaleDownUtilizationThreshold`, 'can not be negative']]),
  caOptions('invalid > 1 ScaleDownUtilizationThreshold', { scaleDownUtilizationThreshold: 1.5 }, [['Invalid', `${CAO}.scaleDownUtilizationThreshold`, 'can not be greater than 1.0']]),
  caOptions('invalid negative ScaleDownGpuUtilizationThreshold', { scaleDownGpuUtilizationThreshold: -0.5 }, [['Invalid', `${CAO}.scaleDownGpuUtilizationThreshold`, 'can not be negative']]),
  caOptions('invalid > 1 ScaleDownGpuUtilizationThreshold', { scaleDownGpuUtilizationThreshold: 1.5 }, [['Invalid', `${CAO}.scaleDownGpuUtilizationThreshold`, 'can not be greater than 1.0']]),
  caOptions('invalid negative ScaleDownUnneededTime', { scaleDownUnneededTime: '-1s' }, [['Invalid', `${CAO}.scaleDownUnneededTime`, 'can not be negative']]),
  caOptions('invalid negative ScaleDownUnreadyTime', { scaleDownUnreadyTime: '-1s' }, [['Invalid', `${CAO}.scaleDownUnreadyTime`, 'can not be negative']]),
  caOptions('invalid negative MaxNodeProvisionTime', { maxNodeProvisionTime: '-1s' }, [['Invalid', `${CAO}.maxNodeProvisionTime`, 'can not be negative']]),
  {
    from: 'Provider validation > WorkersSettings validation > should not allow setting it for workerless Shoots',
    set: [['spec.provider.workers', []], ['spec.provider.workersSettings', {}]],
    contains: true,
    want: [['Forbidden', 'spec.provider.workersSettings', 'this field should not be set for workerless Shoot clusters']],
  },
  { from: 'Provider validation > WorkersSettings validation > should be able to set it for Shoots with worker', set: [['spec.provider.workersSettings', {}]], want: [] },
];
