/**
 * Cases of Gardener's shoot_test.go (b312835d17) for worker pools beyond those in workers.ts: the rest of the
 * "#ValidateWorker" tables, taint, cloud profile reference, update strategy and machine-controller-manager
 * settings validation, priorities, sysctls, "#ValidateWorkers" and "#ValidateSystemComponentWorkers".
 * Upstream calls ValidateWorker and ValidateSysctls on one pool alone; here the pool sits in upstream's base
 * Shoot (completed with the fields of upstream's `worker`, so that the Shoot stays valid), and paths carry
 * `spec.provider.workers[0]`. "#ValidateInPlaceUpdateStrategyOnCreation" runs on upstream's own Shoot
 * ({@link inPlaceCreationShoot}); ValidateWorkers and ValidateSystemComponentWorkers on upstream's pools
 * alone ({@link WorkersCase}), since the Shoot around them would add the rules of each pool.
 */
import type { KubeObject } from '../../../../apimachinery/types.js';
import { UPSTREAM_WORKER, type Change, type Expected, type UpstreamCase } from './index.js';

const WS = 'spec.provider.workers';
const W = `${WS}[0]`;
const MCM = `${W}.machineControllerManagerSettings`;
const IMAGE = { name: 'image-name', version: '1.0.0' };
const LONG_KEY = 'foo/somethingthatiswaylongerthanthelimitofthiswhichissixtythreecharacters';
const LONG_VALUE = 'somethingthatiswaylongerthanthelimitofthiswhichissixtythreecharacters';
const IN_PLACE = { InPlaceNodeUpdates: true };

/** Upstream's `worker` with `change` (`undefined` drops a field). */
function poolWith(change: Record<string, unknown>): Record<string, unknown> {
  const w: Record<string, unknown> = { ...structuredClone(UPSTREAM_WORKER), ...structuredClone(change) };
  for (const [k, v] of Object.entries(change)) if (v === undefined) delete w[k];
  return w;
}

/** The base Shoot with its only pool changed. */
const pool = (change: Record<string, unknown>): Change[] => [[WS, [poolWith(change)]]];

function worker(from: string, change: Record<string, unknown>, want: Expected[], extra: Partial<UpstreamCase> = {}): UpstreamCase {
  return { from: `#ValidateWorker > ${from}`, set: pool(change), want, ...extra };
}

/** The pool of upstream's "taint validation", "update strategy validation" and MCM settings tables. */
const XLARGE = { maxUnavailable: 1, maxSurge: undefined, machine: { type: 'xlarge', image: IMAGE } };

/** A second pool that hosts the system components, where the pool under test may not. */
const SYSTEM_POOL = { ...structuredClone(UPSTREAM_WORKER), name: 'worker-2' };

function mcm(from: string, change: Record<string, unknown>, settings: Record<string, unknown>, want: Expected[], extra: Partial<UpstreamCase> = {}): UpstreamCase {
  const tested = poolWith({ ...XLARGE, name: 'worker-1', ...change, machineControllerManager: settings });
  const allowsSystemComponents = (change.systemComponents as { allow?: boolean } | undefined)?.allow !== false;
  return {
    from: `#ValidateWorker > machine controller manager settings validation > ${from}`,
    set: [[WS, allowsSystemComponents ? [tested] : [tested, SYSTEM_POOL]]],
    want,
    ...extra,
  };
}

const NON_NEGATIVE = 'must be non-negative';
const minutes = (n: number): string => `${n < 0 ? '-' : ''}${Math.abs(n)}m0s`;

const INVALID_SYSCTL_KEYS = ['.foo.bar', 'foo..bar', 'foo.bar.', 'foo.bar_', 'foo.bar/', 'foo.bar-', 'foo"bar', 'foo=bar', 'foo;bar', 'foo.**.bar', 'foo.bar*', 'foo.bar.*', '_foo.bar', '/foo.bar'];
const LONG_SUBKEY = 's'.repeat(256);

/** Cases of ValidateShoot. */
export const WORKER_RULE_CASES: UpstreamCase[] = [
  worker(
    'reject when maxUnavailable and maxSurge are invalid > maxUnavailable is not nil in case of ManualInplaceUpdate update strategy',
    { updateStrategy: 'ManualInPlaceUpdate', maxUnavailable: 0, maxSurge: undefined },
    [['Invalid', `${W}.maxUnavailable`]],
    { gates: IN_PLACE },
  ),
  worker('reject when labels are invalid > too long', { labels: { foo: LONG_VALUE } }, [['Invalid', `${W}.labels`]]),
  worker('reject when labels are invalid > invalid', { labels: { foo: 'no/slashes/allowed' } }, [['Invalid', `${W}.labels`]]),
  ...(
    [
      ['missing prefix', '/foo'],
      ['too long name', LONG_KEY],
      ['too many parts', 'foo/bar/baz'],
      ['invalid name', 'foo/bar%baz'],
    ] as const
  ).map(([name, key]) => worker(`reject when annotations are invalid > ${name}`, { annotations: { [key]: 'x' } }, [['Invalid', `${W}.annotations`]])),
  // Upstream matches only the type of the one error; the path is where validateTaints reports it.
  worker('reject when taints are invalid > too long name', { taints: [{ key: LONG_KEY, value: 'bar', effect: 'NoSchedule' }] }, [['Invalid', `${W}.taints[0].key`]]),
  worker('reject when taints are invalid > invalid name', { taints: [{ key: 'foo/bar%baz', value: 'bar', effect: 'NoSchedule' }] }, [['Invalid', `${W}.taints[0].key`]]),
  worker('reject when taints are invalid > too long', { taints: [{ key: 'foo', value: LONG_VALUE, effect: 'NoSchedule' }] }, [['Invalid', `${W}.taints[0].value`]]),
  worker('validate architecture > amd64 is a valid architecture name', { machine: { type: 'large', image: IMAGE, architecture: 'amd64' } }, []),
  worker(
    'validate duplicate container runtime types',
    { cri: { name: 'containerd', containerRuntimes: [{ type: 'gVisor' }, { type: 'gVisor' }] } },
    [['Duplicate', `${W}.cri.containerruntimes[1].type`]],
  ),
  worker('taint validation > should allow worker without taints', { ...XLARGE, name: 'worker1' }, []),
  worker(
    'taint validation > should allow valid taints',
    {
      ...XLARGE,
      name: 'worker1',
      taints: [
        { key: 'my-taint-1', effect: 'NoSchedule' },
        { key: 'my-taint-2', effect: 'NoExecute' },
      ],
    },
    [],
  ),
  worker(
    'taint validation > should forbid reserved taint keys',
    {
      ...XLARGE,
      name: 'worker1',
      taints: [
        { key: 'node.gardener.cloud/critical-components-not-ready', effect: 'NoSchedule' },
        { key: 'node.gardener.cloud/critical-components-not-ready', effect: 'NoExecute' },
        { key: 'allowed-key', effect: 'NoExecute' },
      ],
    },
    [
      ['Forbidden', `${W}.taints[0].key`, 'taint key is reserved by gardener'],
      ['Forbidden', `${W}.taints[1].key`, 'taint key is reserved by gardener'],
    ],
  ),
  { from: '#ValidateWorker > #ValidateCloudProfileReference > should not allow using no cloudProfile reference', set: [['spec.cloudProfile', undefined]], want: [['Required', 'spec.cloudProfile.name', 'must specify a cloud profile']] },
  {
    from: '#ValidateWorker > #ValidateCloudProfileReference > should not allow using an empty cloudProfile reference',
    set: [['spec.cloudProfile', { kind: '', name: '' }]],
    want: [['Required', 'spec.cloudProfile.name', 'must specify a cloud profile']],
  },
  {
    from: '#ValidateWorker > #ValidateCloudProfileReference > should not allow using other Kind apart from CloudProfile and NamespacedCloudProfile',
    set: [['spec.cloudProfile', { kind: 'Secret', name: 'my-profile' }]],
    want: [['NotSupported', 'spec.cloudProfile.kind', 'supported values: "CloudProfile", "NamespacedCloudProfile"']],
  },
  { from: '#ValidateWorker > #ValidateCloudProfileReference > should allow creation using a CloudProfile', set: [['spec.cloudProfile', { kind: 'CloudProfile', name: 'my-profile' }]], want: [] },
  { from: '#ValidateWorker > #ValidateCloudProfileReference > should allow creation using a NamespacedCloudProfile', set: [['spec.cloudProfile', { kind: 'NamespacedCloudProfile', name: 'my-profile' }]], want: [] },
  {
    // Upstream passes "v1.33.0"; the Shoot's version is written without the "v".
    from: '#ValidateWorker > #ValidateCloudProfileReference > should still allow creation using the cloudProfileName for k8s < v1.34',
    set: [
      ['spec.kubernetes.version', '1.33.0'],
      ['spec.cloudProfile', { kind: 'CloudProfile', name: 'my-profile' }],
      ['spec.cloudProfileName', 'my-profile'],
    ],
    want: [],
  },
  {
    // Upstream passes "v1.34.0"; from 1.34 the Shoot also needs a CredentialsBinding.
    from: '#ValidateWorker > #ValidateCloudProfileReference > should not allow creation using the cloudProfileName for k8s >= v1.34',
    set: [
      ['spec.kubernetes.version', '1.34.0'],
      ['spec.secretBindingName', undefined],
      ['spec.credentialsBindingName', 'my-secret'],
      ['spec.cloudProfile', { kind: 'CloudProfile', name: 'my-profile' }],
      ['spec.cloudProfileName', 'my-profile'],
    ],
    // Upstream matches the detail with ContainSubstring("cloudProfileName field is no longer supported").
    want: [['Forbidden', 'spec.cloudProfileName']],
  },
  worker(
    'update strategy validation > should fail if the update strategy is not supported',
    { ...XLARGE, name: 'worker-1', updateStrategy: 'testStrategy' },
    [['NotSupported', `${W}.updateStrategy`, 'supported values: "AutoInPlaceUpdate", "AutoRollingUpdate", "ManualInPlaceUpdate"']],
  ),
  worker('update strategy validation > should succeed if the update strategy is supported', { ...XLARGE, name: 'worker-1', updateStrategy: 'AutoInPlaceUpdate' }, []),
  mcm('should succeed if MachineControllerManagerSettings is nil', {}, {}, []),
  mcm('should allow setting DisableHealthTimeout to false for update strategy AutoRollingUpdate', {}, { disableHealthTimeout: false }, []),
  mcm('should forbid setting DisableHealthTimeout to true for update strategy AutoRollingUpdate', {}, { disableHealthTimeout: true }, [
    ['Forbidden', `${MCM}.disableHealthTimeout`, 'can only be set to true when the update strategy is `AutoInPlaceUpdate` or `ManualInPlaceUpdate`'],
  ]),
  mcm('should allow setting DisableHealthTimeout to false for update strategy AutoInPlaceUpdate', { updateStrategy: 'AutoInPlaceUpdate' }, { disableHealthTimeout: false }, [], { gates: IN_PLACE }),
  mcm('should allow setting DisableHealthTimeout to true for update strategy AutoInPlaceUpdate', { updateStrategy: 'AutoInPlaceUpdate' }, { disableHealthTimeout: true }, [], { gates: IN_PLACE }),
  mcm('should forbid setting MachineDrainTimeout to a negative value', {}, { machineDrainTimeout: minutes(-2) }, [['Invalid', `${MCM}.machineDrainTimeout`, NON_NEGATIVE]]),
  mcm('should forbid setting MachineHealthTimeout to a negative value', {}, { machineHealthTimeout: minutes(-2) }, [['Invalid', `${MCM}.machineHealthTimeout`, NON_NEGATIVE]]),
  mcm('should forbid setting MachineCreationTimeout to a negative value', {}, { machineCreationTimeout: minutes(-2) }, [['Invalid', `${MCM}.machineCreationTimeout`, NON_NEGATIVE]]),
  mcm('should forbid setting MachineInPlaceUpdateTimeout if update strategy is AutoRollingUpdate', {}, { inPlaceUpdateTimeout: minutes(2) }, [
    ['Forbidden', `${MCM}.inPlaceUpdateTimeout`, 'can only be set when the update strategy is `AutoInPlaceUpdate` or `ManualInPlaceUpdate`'],
  ]),
  mcm('should allow setting MachineInPlaceUpdateTimeout to positive value for update strategy AutoInPlaceUpdate', { updateStrategy: 'AutoInPlaceUpdate' }, { inPlaceUpdateTimeout: minutes(2) }, [], { gates: IN_PLACE }),
  mcm(
    'should forbid setting MachineInPlaceUpdateTimeout to negative value for update strategy AutoInPlaceUpdate',
    { updateStrategy: 'AutoInPlaceUpdate' },
    { inPlaceUpdateTimeout: minutes(-2) },
    [['Invalid', `${MCM}.inPlaceUpdateTimeout`, NON_NEGATIVE]],
    { gates: IN_PLACE },
  ),
  mcm('should forbid setting MaxEvictRetries to a negative value', {}, { maxEvictRetries: -2 }, [['Invalid', `${MCM}.maxEvictRetries`, 'must be greater than or equal to 0']]),
  mcm('should forbid setting machinePreserveTimeout to negative value', {}, { machinePreserveTimeout: minutes(-2) }, [['Invalid', `${MCM}.machinePreserveTimeout`, NON_NEGATIVE]]),
  mcm('should allow setting autoPreserveFailedMachineMax to maximum if system components are not allowed', { systemComponents: { allow: false }, maximum: 4 }, { autoPreserveFailedMachineMax: 4 }, []),
  mcm('should allow setting autoPreserveFailedMachineMax to maximum-1 if system components are allowed', { systemComponents: { allow: true }, maximum: 4 }, { autoPreserveFailedMachineMax: 3 }, []),
  mcm('should not allow setting autoPreserveFailedMachineMax > maximum if system components are not allowed', { systemComponents: { allow: false }, maximum: 4 }, { autoPreserveFailedMachineMax: 5 }, [
    ['Invalid', `${MCM}.autoPreserveFailedMachineMax`, 'must not be greater than maximum value'],
  ]),
  mcm('should not allow setting autoPreserveFailedMachineMax > maximum -1 if system components are allowed', { systemComponents: { allow: true }, maximum: 4 }, { autoPreserveFailedMachineMax: 5 }, [
    ['Invalid', `${MCM}.autoPreserveFailedMachineMax`, 'must not be greater than maximum-1 value when system components are allowed, need at least one machine to run system components'],
  ]),
  mcm('should allow setting autoPreserveFailedMachineMax to 0', { systemComponents: { allow: true }, maximum: 4 }, { autoPreserveFailedMachineMax: 0 }, []),
  mcm('should not allow setting autoPreserveFailedMachineMax to negative value', { systemComponents: { allow: true }, maximum: 4 }, { autoPreserveFailedMachineMax: -1 }, [
    ['Invalid', `${MCM}.autoPreserveFailedMachineMax`, 'must not be negative'],
  ]),
  {
    from: 'should fail when priority is set to value less than -1',
    set: pool({ ...XLARGE, name: 'worker', priority: -2 }),
    want: [['Invalid', `${W}.priority`, 'can not be less than -1']],
  },
  {
    from: 'sysctl setting validation > accept valid sysctl keys',
    set: pool({
      sysctls: {
        'foo.bar': '123',
        'fs.aio-nr': '192',
        'fs.binfmt_misc.python3/13': 'enabled',
        'net.ipv4.conf.eth0.forwarding': '1',
        'net.ipv4.tcp_mem': '374874\t499832\t749748',
        '-net.ipv4.conf.all.proxy_arp': '0',
        'net.ipv4.conf.*.route_localnet': '1',
      },
    }),
    want: [],
  },
  {
    from: 'sysctl setting validation > reject invalid sysctl keys not matching regex',
    set: pool({ sysctls: Object.fromEntries(INVALID_SYSCTL_KEYS.map((k, i) => [k, i % 2 === 0 ? '123' : 'abc'])) }),
    // Upstream: 14 errors, each Invalid with a path containing "sysctls." (the path is the key under sysctls).
    want: INVALID_SYSCTL_KEYS.map((k): Expected => ['Invalid', `${W}.sysctls.${k}`]),
  },
  {
    from: 'sysctl setting validation > reject sysctl keys with too long subkeys',
    set: pool({ sysctls: { [LONG_SUBKEY]: 'abc' } }),
    want: [['Invalid', `${W}.sysctls.${LONG_SUBKEY}`, 'sub key of sysctl must not exceed 255 bytes']],
  },
  { from: 'sysctl setting validation > reject empty sysctl values', set: pool({ sysctls: { foo: '' } }), want: [['Required', `${W}.sysctls.foo`]] },
];

/** Upstream's Shoot of "#ValidateInPlaceUpdateStrategyOnCreation": two pools with in-place strategies. */
export function inPlaceCreationShoot(): KubeObject {
  return {
    apiVersion: 'core.gardener.cloud/v1beta1',
    kind: 'Shoot',
    metadata: {},
    spec: {
      provider: {
        workers: [
          { name: 'worker-1', machine: { type: 'xlarge' }, updateStrategy: 'AutoInPlaceUpdate' },
          { name: 'worker-2', machine: { type: 'xlarge' }, updateStrategy: 'ManualInPlaceUpdate' },
        ],
      },
    },
  };
}

const GATE_DETAIL = 'can not configure `AutoInPlaceUpdate` or `ManualInPlaceUpdate` update strategies when the `InPlaceNodeUpdates` feature gate is disabled.';

/** Cases of ValidateInPlaceUpdateStrategyOnCreation (on {@link inPlaceCreationShoot}). */
export const IN_PLACE_CREATION_CASES: UpstreamCase[] = [
  {
    from: '#ValidateWorker > #ValidateInPlaceUpdateStrategyOnCreation > should not allow to set update strategy to AutoInPlaceUpdate/ManualInPlaceUpdate if feature gate is disabled',
    set: [],
    gates: { InPlaceNodeUpdates: false },
    want: [
      ['Invalid', `${WS}[0].updateStrategy`, GATE_DETAIL],
      ['Invalid', `${WS}[1].updateStrategy`, GATE_DETAIL],
    ],
  },
  {
    from: '#ValidateWorker > #ValidateInPlaceUpdateStrategyOnCreation > should allow to set update strategy to AutoInPlaceUpdate/ManualInPlaceUpdate if feature gate is enabled',
    set: [],
    gates: IN_PLACE,
    want: [],
  },
];

/**
 * A case of a function on the worker pools alone (ValidateWorkers, ValidateSystemComponentWorkers): the
 * pools as upstream builds them, and the errors under upstream's `workers` path.
 */
export interface WorkersCase {
  from: string;
  workers: Record<string, unknown>[];
  want: Expected[];
  contains?: true;
}

/** Cases of ValidateWorkers. */
export const WORKER_POOLS_CASES: WorkersCase[] = [
  { from: '#ValidateWorkers > should succeed checking workers', workers: [{ name: 'worker1' }, { name: 'worker2' }], want: [] },
  { from: '#ValidateWorkers > should fail because worker name is duplicated', workers: [{ name: 'worker1' }, { name: 'worker2' }, { name: 'worker1' }], want: [['Duplicate', 'workers[2].name']] },
];

/** Pools of "#ValidateSystemComponentWorkers": name, minimum, maximum, allow, zones. */
const systemPools = (list: [string, number, number, boolean, string[]?][]): Record<string, unknown>[] =>
  list.map(([name, minimum, maximum, allow, zones]) => ({ name, minimum, maximum, systemComponents: { allow }, ...(zones === undefined ? {} : { zones }) }));

const NO_ACTIVE_POOL = 'at least one active (workers[i].maximum > 0) worker pool with systemComponents.allow=true needed';

/** Upstream's self-hosted pools of "systemComponents setting", with the zones of each. */
function selfHostedPools(cpZones?: string[], otherZones?: string[]): Record<string, unknown>[] {
  return [
    { name: 'control-plane', minimum: 3, maximum: 3, systemComponents: { allow: true }, controlPlane: {}, ...(cpZones === undefined ? {} : { zones: cpZones }) },
    { name: 'system-components', minimum: 1, maximum: 3, systemComponents: { allow: true }, ...(otherZones === undefined ? {} : { zones: otherZones }) },
  ];
}

const SC = '#ValidateSystemComponentWorkers';

/** Cases of ValidateSystemComponentWorkers. */
export const SYSTEM_COMPONENT_WORKERS_CASES: WorkersCase[] = [
  {
    from: `${SC} > validate that at least one active worker pool is configured > at least one worker pool min>0, max>0`,
    workers: systemPools([
      ['one', 0, 0, true],
      ['two', 1, 1, true],
    ]),
    want: [],
  },
  {
    from: `${SC} > validate that at least one active worker pool is configured > all worker pools min=max=0`,
    workers: systemPools([
      ['one', 0, 0, true],
      ['two', 0, 0, true],
    ]),
    // Upstream matches the detail with ContainSubstring of the whole text.
    want: [['Forbidden', 'workers', NO_ACTIVE_POOL]],
  },
  {
    from: `${SC} > validate that at least one worker pool is able to host system components > all worker pools min=max=0`,
    workers: systemPools([
      ['one-active', 0, 0, true],
      ['two-active', 0, 0, true],
    ]),
    want: [['Forbidden', 'workers', NO_ACTIVE_POOL]],
  },
  {
    from: `${SC} > validate that at least one worker pool is able to host system components > at least one worker pool allows system components`,
    workers: systemPools([
      ['one-active', 0, 0, true],
      ['two-active', 1, 1, true],
    ]),
    want: [],
  },
  ...(
    [
      ['maximum == len(zones)', 3, 1, true, false, ['1', '2', '3'], ['1'], []],
      ['maximum == len(zones) with multiple system component worker pools and smaller group first', 1, 3, true, true, ['1', '2', '3'], ['1', '2', '3'], []],
      ['maximum == len(zones) with multiple system component worker pools and smaller group last', 3, 1, true, true, ['1', '2', '3'], ['1', '2', '3'], []],
      ['maximum < len(zones)', 2, 1, true, false, ['1', '2', '3'], ['1'], [0]],
      ['maximum < len(zones) with multiple system component worker pools in different zones', 2, 1, true, true, ['1', '2', '3'], ['3', '4', '5'], [0, 1]],
      ['maximum < len(zones) with multiple system component worker pools in same zones', 2, 1, true, false, ['1', '2', '3'], ['3', '1', '2'], [0]],
    ] as const
  ).map(
    ([name, max1, max2, allow1, allow2, zones1, zones2, failing]): WorkersCase => ({
      from: `${SC} > validate maximum node count > ${name}`,
      workers: systemPools([
        ['one-active', 1, max1, allow1, [...zones1]],
        ['two-active', 1, max2, allow2, [...zones2]],
      ]),
      want: failing.map((i): Expected => ['Forbidden', `workers[${i}].maximum`]),
    }),
  ),
  { from: `${SC} > systemComponents setting > should allow systemComponents on control plane worker pool`, workers: selfHostedPools(), want: [] },
  {
    from: `${SC} > systemComponents setting > should allow systemComponents on non control-plane worker pool if its zones are equal to the control-plane worker pool zones`,
    workers: selfHostedPools(['1'], ['1']),
    want: [],
  },
  {
    from: `${SC} > systemComponents setting > should allow systemComponents on worker pools whose zones are a subset of the control-plane worker pool zones`,
    workers: selfHostedPools(['1', '2'], ['1']),
    want: [],
  },
  {
    from: `${SC} > systemComponents setting > should forbid systemComponents on worker pools whose zones are not a subset of the control-plane worker pool zones`,
    workers: selfHostedPools(['1'], ['1', '2']),
    contains: true,
    want: [['Invalid', 'workers[1].systemComponents', 'workers that enable systemComponents must use a subset of the zones of control plane worker']],
  },
];
