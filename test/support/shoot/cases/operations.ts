/**
 * Cases of Gardener's shoot_test.go (b312835d17) "operation validation": the operation annotations
 * (`gardener.cloud/operation`, `maintenance.gardener.cloud/operation`) against the Shoot's state, worker
 * pool rollouts, hibernation, multiple operations and self-hosted Shoots. Same form as index.ts.
 *
 * Upstream runs some entries twice, once per annotation; here each run is a case of its own, named by
 * the annotation. Entries upstream names alike carry what tells them apart in parentheses.
 */
import type { Change, Expected, UpstreamCase } from './index.js';

const OP = 'gardener.cloud/operation';
const MAINT = 'maintenance.gardener.cloud/operation';
const OP_PATH = `metadata.annotations[${OP}]`;
const MAINT_PATH = `metadata.annotations[${MAINT}]`;
const pathOf = (key: string): string => `metadata.annotations[${key}]`;
const W = 'spec.provider.workers';

type Phase = 'Preparing' | 'PreparingWithoutWorkersRollout' | 'WaitingForWorkersRollout' | 'Prepared' | 'Completing' | 'Completed';

/** `status.lastOperation`: type and state. */
interface LastOperation {
  type: string;
  state?: string;
}

/** The parts of `status` the operation rules read. */
interface State {
  last?: LastOperation;
  ca?: Phase;
  sa?: Phase;
  etcd?: Phase;
  encrypted?: string[];
  pending?: { autoInPlaceUpdate?: string[]; manualInPlaceUpdate?: string[] };
  hibernated?: boolean;
}

/** `status` (replacing upstream's base status, as the tables do). */
function status(s: State): Change {
  const rotation: Record<string, unknown> = {};
  if (s.ca !== undefined) rotation.certificateAuthorities = { phase: s.ca };
  if (s.sa !== undefined) rotation.serviceAccountKey = { phase: s.sa };
  if (s.etcd !== undefined) rotation.etcdEncryptionKey = { phase: s.etcd };
  const credentials: Record<string, unknown> = {};
  if (Object.keys(rotation).length > 0) credentials.rotation = rotation;
  if (s.encrypted !== undefined) credentials.encryptionAtRest = { resources: s.encrypted };
  const out: Record<string, unknown> = {};
  if (s.last !== undefined) out.lastOperation = s.last;
  if (Object.keys(credentials).length > 0) out.credentials = credentials;
  if (s.pending !== undefined) out.inPlaceUpdates = { pendingWorkerUpdates: s.pending };
  if (s.hibernated !== undefined) out.hibernated = s.hibernated;
  return ['status', out];
}

/** The operation annotations (keys hold dots, so the map is set as a whole). */
const annotations = (list: Record<string, string>): Change => ['metadata.annotations', list];

const CREATED: LastOperation = { type: 'Create', state: 'Succeeded' };
const RECONCILE: LastOperation = { type: 'Reconcile' };

/** Upstream's entries on the Shoot's lifecycle, shared by the start tables. */
const LIFECYCLE: readonly [string, boolean, State][] = [
  ['shoot was never created successfully', false, {}],
  ['shoot is still being created', false, { last: { type: 'Create', state: 'Processing' } }],
  ['shoot was created successfully', true, { last: CREATED }],
  ['shoot is in reconciliation phase', true, { last: RECONCILE }],
  ['shoot is in deletion phase', false, { last: { type: 'Delete' } }],
  ['shoot is in migration phase', false, { last: { type: 'Migrate' } }],
  ['shoot is in restoration phase', false, { last: { type: 'Restore' } }],
  ['shoot was restored successfully', true, { last: { type: 'Restore', state: 'Succeeded' } }],
];

const PENDING: readonly [string, boolean, State][] = [
  ['when AutoInPlaceUpdate workers rollout is pending', false, { last: RECONCILE, pending: { autoInPlaceUpdate: ['worker-1'] } }],
  ['when ManualInPlaceUpdate workers rollout is pending', false, { last: RECONCILE, pending: { manualInPlaceUpdate: ['worker-1'] } }],
];

/** One phase entry per phase name, with the phase of `which` and the phase names upstream uses. */
function phases(which: 'ca' | 'sa' | 'etcd', label: string, names: Readonly<Record<Phase, string>>, allowedPhase: Phase, extra: Omit<State, 'ca' | 'sa' | 'etcd'> = {}): [string, boolean, State][] {
  return (['Preparing', 'Prepared', 'Completing', 'Completed'] as const).map((p) => [`${label}${names[p]}`, p === allowedPhase, { last: RECONCILE, ...extra, [which]: p }]);
}

const PHASE_NAMES = { Preparing: 'preparing', Prepared: 'prepared', Completing: 'completing', Completed: 'completed' } as Record<Phase, string>;
/** The etcd tables name two of the phases differently. */
const ETCD_PHASE_NAMES = { Preparing: 'prepare', Prepared: 'prepared', Completing: 'complete', Completed: 'completed' } as Record<Phase, string>;

/** A DescribeTable of allowed/forbidden entries for one operation in one annotation. */
function table(name: string, key: string, operation: string, entries: readonly [string, boolean, State][], set: Change[] = []): UpstreamCase[] {
  return entries.map(([entry, allowed, state]) => ({
    from: `operation validation > ${name} > ${entry}`,
    set: [...set, annotations({ [key]: operation }), status(state)],
    want: allowed ? [] : [['Forbidden', pathOf(key)]],
  }));
}

/** The start-of-all-credentials entries on the three rotations, in upstream's order. */
function allRotationPhases(): [string, boolean, State][] {
  const out: [string, boolean, State][] = [];
  for (const p of ['Preparing', 'Prepared', 'Completing', 'Completed'] as const) {
    for (const [which, label] of [['ca', 'ca'], ['sa', 'sa'], ['etcd', 'etcd key']] as const) {
      out.push([`${label} rotation phase is ${PHASE_NAMES[p]}`, p === 'Completed', { last: RECONCILE, [which]: p }]);
    }
  }
  return out;
}

/** The complete-all-credentials entries: one rotation off the Prepared phase at a time. */
function completeAllPhases(): [string, boolean, State][] {
  const all = { ca: 'Prepared', sa: 'Prepared', etcd: 'Prepared' } as const;
  const out: [string, boolean, State][] = [];
  const one = (p: Phase) =>
    (
      [
        ['ca', 'ca'],
        ['sa', 'sa'],
        ['etcd', 'etcd key'],
      ] as const
    ).map(([which, label]): [string, boolean, State] => [`${label} rotation phase is ${PHASE_NAMES[p]}`, false, { last: RECONCILE, ...all, [which]: p }]);
  out.push(...one('Preparing'), ['all rotation phases are prepared', true, { last: RECONCILE, ...all }], ...one('Completing'), ...one('Completed'));
  return out;
}

const ENCRYPTION_NOT_EQUAL: [string, boolean, State] = ['when shoot spec encrypted resources and status encrypted resources are not equal', false, { last: RECONCILE, encrypted: ['configmaps'] }];

/** The etcd encryption key start tables also vary the spec's encryption configuration. */
function etcdStartTable(name: string, operation: string): UpstreamCase[] {
  const kas = (resources: string[]): Change => ['spec.kubernetes.kubeAPIServer', { encryptionConfig: { resources } }];
  return [
    ...table(name, MAINT, operation, [...LIFECYCLE, ...phases('etcd', 'rotation phase is ', ETCD_PHASE_NAMES, 'Completed')]),
    ...table(name, MAINT, operation, [[`${ENCRYPTION_NOT_EQUAL[0]} (spec unset)`, false, ENCRYPTION_NOT_EQUAL[2]]]),
    ...table(name, MAINT, operation, [[`${ENCRYPTION_NOT_EQUAL[0]} (spec [pods])`, false, { last: RECONCILE, encrypted: ['configmaps'] }]], [kas(['pods'])]),
    ...table(name, MAINT, operation, [['when shoot spec encrypted resources and status encrypted resources are equal (status [configmaps])', true, { last: RECONCILE, encrypted: ['configmaps'] }]], [kas(['configmaps'])]),
    ...table(name, MAINT, operation, [['when shoot spec encrypted resources and status encrypted resources are equal (status [configmaps.])', true, { last: RECONCILE, encrypted: ['configmaps.'] }]], [kas(['configmaps'])]),
  ];
}

const ROTATIONS_WHEN_HIBERNATED = [
  'rotate-credentials-start',
  'rotate-credentials-start-without-workers-rollout',
  'rotate-credentials-complete',
  'rotate-etcd-encryption-key',
  'rotate-etcd-encryption-key-start',
  'rotate-etcd-encryption-key-complete',
  'rotate-serviceaccount-key-start',
  'rotate-serviceaccount-key-start-without-workers-rollout',
  'rotate-serviceaccount-key-complete',
];

/** One entry run once per annotation: the case for each. */
function perAnnotation(name: string, entry: string, operation: string, set: Change[], want: (key: string) => Expected[], contains: boolean): UpstreamCase[] {
  return [OP, MAINT].map((key) => ({
    from: `operation validation > ${name} > ${entry} (${key})`,
    set: [...set, annotations({ [key]: operation })],
    want: want(key),
    ...(contains ? { contains: true as const } : {}),
  }));
}

const hibernatedDetail = (op: string): string => `operation '${op}' is not permitted when shoot is hibernated or is waking up`;

function hibernatedTable(name: string, set: Change[], entries: readonly [string, string, string][]): UpstreamCase[] {
  return entries.flatMap(([entry, operation, forbidden]) => perAnnotation(name, entry, operation, set, (key) => [['Forbidden', pathOf(key), hibernatedDetail(forbidden)]], true));
}

const HIBERNATED_ENTRIES: [string, string, string][] = [
  ...ROTATIONS_WHEN_HIBERNATED.map((op): [string, string, string] => [op, op, op]),
  ['rotate-rollout-workers', 'rotate-rollout-workers=worker-name', 'rotate-rollout-workers=worker-name'],
  ['multiple-operations', 'rotate-ssh-keypair;rotate-etcd-encryption-key-start', 'rotate-etcd-encryption-key-start'],
];
const WAKING_UP_ENTRIES = HIBERNATED_ENTRIES.filter(([entry]) => entry !== 'rotate-rollout-workers');

/** Two pools of upstream's rollout tables (`extra` per pool). */
function rolloutPools(extra: [Record<string, unknown>, Record<string, unknown>], withImage: boolean): Change {
  const pool = (name: string, more: Record<string, unknown>) => ({
    name,
    machine: withImage ? { type: 'xlarge', image: { name: 'image-name', version: '1.0.0' } } : { type: 'xlarge' },
    maximum: 1,
    minimum: 0,
    ...more,
  });
  return [W, [pool('worker-1', extra[0]), pool('worker-2', extra[1])]];
}

const WAITING_CA: Change = ['status', { credentials: { rotation: { certificateAuthorities: { phase: 'WaitingForWorkersRollout' } } } }];

/** Upstream's entries: name, maintenance operation(s), operation(s), expected detail. */
const CONFLICTS: readonly [string, string, string, string][] = [
  ['rotate-ca-start', 'rotate-credentials-start', 'rotate-ca-start', "operation 'rotate-ca-start' is not permitted when maintenance operation is 'rotate-credentials-start'"],
  ['rotate-ca-start-without-workers-rollout', 'rotate-credentials-start', 'rotate-ca-start-without-workers-rollout', "operation 'rotate-ca-start-without-workers-rollout' is not permitted when maintenance operation is 'rotate-credentials-start'"],
  ['rotate-serviceaccount-key-start', 'rotate-credentials-start', 'rotate-serviceaccount-key-start', "operation 'rotate-serviceaccount-key-start' is not permitted when maintenance operation is 'rotate-credentials-start'"],
  ['rotate-serviceaccount-key-start-without-workers-rollout', 'rotate-credentials-start', 'rotate-serviceaccount-key-start-without-workers-rollout', "operation 'rotate-serviceaccount-key-start-without-workers-rollout' is not permitted when maintenance operation is 'rotate-credentials-start'"],
  ['rotate-etcd-encryption-key-start', 'rotate-credentials-start', 'rotate-etcd-encryption-key-start', "operation 'rotate-etcd-encryption-key-start' is not permitted when maintenance operation is 'rotate-credentials-start'"],
  ['rotate-etcd-encryption-key', 'rotate-credentials-start', 'rotate-etcd-encryption-key', "operation 'rotate-etcd-encryption-key' is not permitted when maintenance operation is 'rotate-credentials-start'"],
  ['rotate-ca-start & rotate-etcd-encryption-key', 'rotate-credentials-start', 'rotate-ca-start; rotate-etcd-encryption-key', "operation 'rotate-ca-start, rotate-etcd-encryption-key' is not permitted when maintenance operation is 'rotate-credentials-start'"],
  ['rotate-ca-complete', 'rotate-credentials-complete', 'rotate-ca-complete', "operation 'rotate-ca-complete' is not permitted when maintenance operation is 'rotate-credentials-complete'"],
  ['rotate-serviceaccount-key-complete', 'rotate-credentials-complete', 'rotate-serviceaccount-key-complete', "operation 'rotate-serviceaccount-key-complete' is not permitted when maintenance operation is 'rotate-credentials-complete'"],
  ['rotate-etcd-encryption-key-complete', 'rotate-credentials-complete', 'rotate-etcd-encryption-key-complete', "operation 'rotate-etcd-encryption-key-complete' is not permitted when maintenance operation is 'rotate-credentials-complete'"],
  ['rotate-ca-complete & rotate-serviceaccount-key-complete', 'rotate-credentials-complete', 'rotate-ca-complete; rotate-serviceaccount-key-complete', "operation 'rotate-ca-complete, rotate-serviceaccount-key-complete' is not permitted when maintenance operation is 'rotate-credentials-complete'"],
  ['rotate-credentials-start', 'rotate-ca-start', 'rotate-credentials-start', "operation 'rotate-credentials-start' is not permitted when maintenance operation is 'rotate-ca-start'"],
  ['rotate-credentials-start', 'rotate-serviceaccount-key-start', 'rotate-credentials-start', "operation 'rotate-credentials-start' is not permitted when maintenance operation is 'rotate-serviceaccount-key-start'"],
  ['rotate-credentials-start', 'rotate-etcd-encryption-key-start', 'rotate-credentials-start', "operation 'rotate-credentials-start' is not permitted when maintenance operation is 'rotate-etcd-encryption-key-start'"],
  ['rotate-credentials-start', 'rotate-etcd-encryption-key', 'rotate-credentials-start', "operation 'rotate-credentials-start' is not permitted when maintenance operation is 'rotate-etcd-encryption-key'"],
  ['rotate-credentials-start', 'rotate-ca-start; rotate-etcd-encryption-key', 'rotate-credentials-start', "operation 'rotate-credentials-start' is not permitted when maintenance operation is 'rotate-ca-start, rotate-etcd-encryption-key'"],
  ['rotate-credentials-start-without-workers-rollout', 'rotate-ca-start', 'rotate-credentials-start-without-workers-rollout', "operation 'rotate-credentials-start-without-workers-rollout' is not permitted when maintenance operation is 'rotate-ca-start'"],
  ['rotate-credentials-start-without-workers-rollout', 'rotate-serviceaccount-key-start', 'rotate-credentials-start-without-workers-rollout', "operation 'rotate-credentials-start-without-workers-rollout' is not permitted when maintenance operation is 'rotate-serviceaccount-key-start'"],
  ['rotate-credentials-start-without-workers-rollout', 'rotate-etcd-encryption-key-start', 'rotate-credentials-start-without-workers-rollout', "operation 'rotate-credentials-start-without-workers-rollout' is not permitted when maintenance operation is 'rotate-etcd-encryption-key-start'"],
  ['rotate-credentials-start-without-workers-rollout', 'rotate-etcd-encryption-key', 'rotate-credentials-start-without-workers-rollout', "operation 'rotate-credentials-start-without-workers-rollout' is not permitted when maintenance operation is 'rotate-etcd-encryption-key'"],
  ['rotate-credentials-complete', 'rotate-ca-complete', 'rotate-credentials-complete', "operation 'rotate-credentials-complete' is not permitted when maintenance operation is 'rotate-ca-complete'"],
  ['rotate-credentials-complete', 'rotate-serviceaccount-key-complete', 'rotate-credentials-complete', "operation 'rotate-credentials-complete' is not permitted when maintenance operation is 'rotate-serviceaccount-key-complete'"],
  ['rotate-credentials-complete', 'rotate-etcd-encryption-key-complete', 'rotate-credentials-complete', "operation 'rotate-credentials-complete' is not permitted when maintenance operation is 'rotate-etcd-encryption-key-complete'"],
  ['rotate-credentials-complete', 'rotate-ca-complete; rotate-serviceaccount-key-complete', 'rotate-credentials-complete', "operation 'rotate-credentials-complete' is not permitted when maintenance operation is 'rotate-ca-complete, rotate-serviceaccount-key-complete'"],
];

function conflictCase([entry, maintenance, operation, detail]: readonly [string, string, string, string]): UpstreamCase {
  const completes = ['rotate-credentials-complete', 'rotate-ca-complete', 'rotate-serviceaccount-key-complete', 'rotate-etcd-encryption-key-complete'];
  const prepared = maintenance.split(';').some((op) => completes.includes(op.trim()));
  return {
    from: `operation validation > It should forbid setting certain operation annotations when shoot has a maintenance annotation > ${entry} (maintenance ${maintenance})`,
    set: [annotations({ [MAINT]: maintenance, [OP]: operation }), status({ last: CREATED, ...(prepared ? { ca: 'Prepared', sa: 'Prepared', etcd: 'Prepared' } : {}) })],
    // Upstream matches the detail with ContainSubstring of the whole text.
    want: [['Forbidden', OP_PATH, detail]],
  };
}

/** Upstream's forbidden combinations in one annotation: the operation and what it may not run with. */
const INCOMPATIBLE: readonly [string, string, string, string][] = [
  ['rotate-credentials-start with rotate-credentials-start-without-workers-rollout', 'rotate-credentials-start;rotate-credentials-start-without-workers-rollout', 'rotate-credentials-start', 'rotate-ca-start-without-workers-rollout, rotate-serviceaccount-key-start-without-workers-rollout, rotate-credentials-start-without-workers-rollout'],
  ['rotate-credentials-start with rotate-ca-start-without-workers-rollout', 'rotate-credentials-start;rotate-ca-start-without-workers-rollout', 'rotate-credentials-start', 'rotate-ca-start-without-workers-rollout, rotate-serviceaccount-key-start-without-workers-rollout, rotate-credentials-start-without-workers-rollout'],
  ['rotate-credentials-start with rotate-serviceaccount-key-start-without-workers-rollout', 'rotate-credentials-start;rotate-serviceaccount-key-start-without-workers-rollout', 'rotate-credentials-start', 'rotate-ca-start-without-workers-rollout, rotate-serviceaccount-key-start-without-workers-rollout, rotate-credentials-start-without-workers-rollout'],
  ['rotate-credentials-start-without-workers-rollout with rotate-ca-start', 'rotate-credentials-start-without-workers-rollout;rotate-ca-start', 'rotate-credentials-start-without-workers-rollout', 'rotate-ca-start, rotate-serviceaccount-key-start'],
  ['rotate-credentials-start-without-workers-rollout with rotate-serviceaccount-key-start', 'rotate-credentials-start-without-workers-rollout;rotate-serviceaccount-key-start', 'rotate-credentials-start-without-workers-rollout', 'rotate-ca-start, rotate-serviceaccount-key-start'],
  ['rotate-ca-start with rotate-ca-start-without-workers-rollout', 'rotate-ca-start;rotate-ca-start-without-workers-rollout', 'rotate-ca-start', 'rotate-ca-start-without-workers-rollout'],
  ['rotate-serviceaccount-key-start with rotate-serviceaccount-key-start-without-workers-rollout', 'rotate-serviceaccount-key-start;rotate-serviceaccount-key-start-without-workers-rollout', 'rotate-serviceaccount-key-start', 'rotate-serviceaccount-key-start-without-workers-rollout'],
  ['rotate-etcd-encryption-key with rotate-etcd-encryption-key-start', 'rotate-etcd-encryption-key;rotate-etcd-encryption-key-start', 'rotate-etcd-encryption-key', 'rotate-etcd-encryption-key-start'],
];

const K8S_134: Change = ['spec.kubernetes.version', '1.34.0'];
const gone134 = (op: string): string => `for Kubernetes versions >= 1.34, operation '${op}' is no longer supported, please use 'rotate-etcd-encryption-key' instead, which performs a complete etcd encryption key rotation`;
const DELETING: Change = ['metadata.deletionTimestamp', '2025-01-01T00:00:00Z'];
const HIBERNATE: Change = ['spec.hibernation', { enabled: true }];
const WAKING_UP: Change[] = [
  ['spec.hibernation', { enabled: false }],
  ['status', { hibernated: true }],
];
const MULTI = 'multiple operations';

/** Cases of ValidateShoot. */
export const OPERATION_CASES: UpstreamCase[] = [
  { from: 'operation validation > should do nothing if the operation annotation is not set', set: [], want: [] },
  ...(
    [
      [OP, 'rotate-credentials-start-without-workers-rollout'],
      [OP, 'rotate-ca-start-without-workers-rollout'],
      [OP, 'rotate-serviceaccount-key-start-without-workers-rollout'],
      [MAINT, 'rotate-credentials-start-without-workers-rollout'],
      [MAINT, 'rotate-ca-start-without-workers-rollout'],
      [MAINT, 'rotate-serviceaccount-key-start-without-workers-rollout'],
    ] as const
  ).map(
    ([key, value]): UpstreamCase => ({
      from: `operation validation > allow specifying some operation annotations > ${key}=${value}`,
      set: [status({ last: CREATED }), annotations({ [key]: value })],
      want: [],
    }),
  ),
  ...['rollout-workers=worker-1', 'rollout-workers=worker-2', 'rollout-workers=worker-1,worker-2', 'rollout-workers=worker-2,worker-1', 'rollout-workers=*'].map(
    (value): UpstreamCase => ({
      from: `operation validation > validate specifying valid rollout worker operation annotations > ${OP}=${value}`,
      set: [rolloutPools([{ maxSurge: 1 }, { maxSurge: 1 }], true), annotations({ [OP]: value })],
      want: [],
    }),
  ),
  {
    from: `operation validation > validate specifying bad rollout worker operation annotations > ${OP}=rollout-workers=unknown-worker`,
    set: [rolloutPools([{}, {}], false), annotations({ [OP]: 'rollout-workers=unknown-worker' })],
    contains: true,
    want: [['Invalid', OP_PATH, 'worker pool name unknown-worker does not exist in .spec.provider.workers[]']],
  },
  ...['rollout-workers=*,worker-1', 'rollout-workers=worker-1,*', 'rollout-workers=worker-1,*,worker-2'].map(
    (value): UpstreamCase => ({
      from: `operation validation > validate specifying '*' alongside other worker names in rollout worker operation annotations > ${OP}=${value}`,
      set: [rolloutPools([{}, {}], false), annotations({ [OP]: value })],
      contains: true,
      want: [['Forbidden', OP_PATH, "if '*' is provided, no other pool names are allowed"]],
    }),
  ),
  ...(['worker-1', 'worker-2'] as const).map(
    (pool): UpstreamCase => ({
      from: `operation validation > validate specifying a rollout for a worker with an \`inPlaceUpdate\` strategy > ${OP}=rollout-workers=${pool}`,
      set: [rolloutPools([{ updateStrategy: 'AutoInPlaceUpdate' }, { updateStrategy: 'ManualInPlaceUpdate' }], false), annotations({ [OP]: `rollout-workers=${pool}` })],
      contains: true,
      want: [['Invalid', OP_PATH, `worker pool ${pool} is using in-place update strategy; manual worker pool rollout is not supported for such pools`]],
    }),
  ),
  ...table('starting rotation of all credentials', OP, 'rotate-credentials-start', [...LIFECYCLE, ...allRotationPhases(), ENCRYPTION_NOT_EQUAL, ...PENDING]),
  ...table('completing rotation of all credentials', MAINT, 'rotate-credentials-complete', completeAllPhases()),
  ...table('starting CA rotation', MAINT, 'rotate-ca-start', [...LIFECYCLE, ...phases('ca', 'ca rotation phase is ', PHASE_NAMES, 'Completed'), ...PENDING]),
  ...table('completing CA rotation', OP, 'rotate-ca-complete', phases('ca', 'ca rotation phase is ', PHASE_NAMES, 'Prepared')),
  ...table('starting service account key rotation', OP, 'rotate-serviceaccount-key-start', [...LIFECYCLE, ...phases('sa', 'rotation phase is ', PHASE_NAMES, 'Completed'), ...PENDING]),
  ...table('completing service account key rotation', MAINT, 'rotate-serviceaccount-key-complete', phases('sa', 'rotation phase is ', PHASE_NAMES, 'Prepared')),
  {
    from: 'operation validation > should allow to complete credentials rotation when etcd rotation is not prepared and k8s version is >= 1.34',
    set: [
      K8S_134,
      ['spec.cloudProfile', { kind: 'CloudProfile', name: 'my-profile' }],
      ['spec.secretBindingName', undefined],
      ['spec.credentialsBindingName', 'creds'],
      annotations({ [OP]: 'rotate-credentials-complete' }),
      status({ last: RECONCILE, ca: 'Prepared', sa: 'Prepared', etcd: 'Completed' }),
    ],
    want: [],
  },
  ...['rotate-etcd-encryption-key-start', 'rotate-etcd-encryption-key-complete'].map(
    (op): UpstreamCase => ({
      from: `operation validation > should forbid setting ${op} annotation when k8s version is >= v1.34`,
      set: [K8S_134, annotations({ [OP]: op })],
      contains: true,
      want: [['Forbidden', OP_PATH, gone134(op)]],
    }),
  ),
  ...etcdStartTable('starting ETCD encryption key rotation with automatic completion', 'rotate-etcd-encryption-key'),
  ...etcdStartTable('starting ETCD encryption key rotation', 'rotate-etcd-encryption-key-start'),
  ...table('completing ETCD encryption key rotation', OP, 'rotate-etcd-encryption-key-complete', phases('etcd', 'rotation phase is ', ETCD_PHASE_NAMES, 'Prepared')),
  { from: 'operation validation > should return an error if the operation annotation is invalid', set: [annotations({ [OP]: 'foo-bar' })], want: [['NotSupported', OP_PATH]] },
  { from: 'operation validation > should return an error only on first invalid operation annotation', set: [annotations({ [OP]: 'foo-bar;baz' })], want: [['NotSupported', OP_PATH]] },
  { from: 'operation validation > should return an error if the maintenance operation annotation is invalid', set: [annotations({ [MAINT]: 'foo-bar' })], want: [['NotSupported', MAINT_PATH]] },
  { from: 'operation validation > should return an error only on first invalid maintenance operation annotation', set: [annotations({ [MAINT]: 'foo-bar;baz' })], want: [['NotSupported', MAINT_PATH]] },
  {
    from: 'operation validation > should return an error if maintenance annotation is not allowed in this context',
    set: [annotations({ [MAINT]: 'rotate-etcd-encryption-key-complete' }), status({ last: CREATED })],
    want: [['Forbidden', MAINT_PATH]],
  },
  {
    from: 'operation validation > should return an error if both operation annotations have the same value',
    set: [annotations({ [OP]: 'rotate-etcd-encryption-key-start', [MAINT]: 'rotate-etcd-encryption-key-start' }), status({ last: CREATED })],
    want: [['Forbidden', 'metadata.annotations']],
  },
  { from: 'operation validation > should return nothing if maintenance annotation is valid', set: [annotations({ [MAINT]: 'reconcile' })], want: [] },
  {
    from: 'operation validation > should return nothing if both operation annotations are valid and do not have the same value',
    set: [annotations({ [OP]: 'rotate-serviceaccount-key-start', [MAINT]: 'rotate-etcd-encryption-key-start' }), status({ last: CREATED })],
    want: [],
  },
  ...CONFLICTS.map(conflictCase),
  ...hibernatedTable('forbid certain rotation operations when shoot is hibernated', [HIBERNATE], HIBERNATED_ENTRIES),
  {
    from: 'operation validation > trigger workers rollout > should forbid triggering workers rollout when pool does not exist',
    set: [annotations({ [OP]: 'rotate-rollout-workers=foo' })],
    contains: true,
    want: [['Invalid', OP_PATH, 'worker pool name foo does not exist in .spec.provider.workers[]']],
  },
  {
    from: "operation validation > trigger workers rollout > should forbid triggering workers rollout when rotation phase is not in 'WaitingForWorkersRollout'",
    set: [annotations({ [OP]: 'rotate-rollout-workers=worker-name' })],
    contains: true,
    want: [
      [
        'Forbidden',
        OP_PATH,
        "either .status.credentials.rotation.certificateAuthorities.phase or .status.credentials.rotation.serviceAccountKey.phase must be in 'WaitingForWorkersRollout' in order to trigger workers rollout",
      ],
    ],
  },
  {
    from: 'operation validation > trigger workers rollout > should forbid triggering workers rollout when shoot is hibernated',
    set: [annotations({ [OP]: 'rotate-rollout-workers=worker-name' }), WAITING_CA, HIBERNATE],
    contains: true,
    want: [['Forbidden', OP_PATH, hibernatedDetail('rotate-rollout-workers=worker-name')]],
  },
  {
    // Upstream sets the CA phase, then replaces the whole status with `hibernated: true`.
    from: 'operation validation > trigger workers rollout > should forbid triggering workers rollout when shoot is waking up',
    set: [annotations({ [OP]: 'rotate-rollout-workers=worker-name' }), ...WAKING_UP],
    contains: true,
    want: [['Forbidden', OP_PATH, hibernatedDetail('rotate-rollout-workers=worker-name')]],
  },
  {
    from: 'operation validation > trigger workers rollout > should forbid triggering workers rollout without stating any pool',
    set: [annotations({ [OP]: 'rotate-rollout-workers=' }), WAITING_CA],
    contains: true,
    want: [['Required', OP_PATH, 'must provide at least one pool name via rotate-rollout-workers=<poolName1>[,<poolName2>,...]']],
  },
  {
    from: 'operation validation > trigger workers rollout > should forbid triggering workers rollout with duplicate pool names',
    set: [annotations({ [OP]: 'rotate-rollout-workers=worker-name,worker-name' }), WAITING_CA],
    contains: true,
    want: [['Duplicate', OP_PATH]],
  },
  ...hibernatedTable('forbid certain rotation operations when shoot is waking up', WAKING_UP, WAKING_UP_ENTRIES),
  ...ROTATIONS_WHEN_HIBERNATED.map(
    (op): UpstreamCase => ({
      from: `operation validation > not forbid certain rotation maintenance operations when shoot is in deletion > ${op}`,
      set: [DELETING, annotations({ [MAINT]: op })],
      want: [],
    }),
  ),
  ...ROTATIONS_WHEN_HIBERNATED.map(
    (op): UpstreamCase => ({
      from: `operation validation > forbid hibernating the shoot when certain rotation maintenance operations are set > ${op}`,
      set: [annotations({ [MAINT]: op }), HIBERNATE],
      contains: true,
      want: [['Forbidden', 'spec.hibernation.enabled', `shoot cannot be hibernated when ${MAINT} annotation contains ${op} operation`]],
    }),
  ),
  ...[
    'rotate-ssh-keypair',
    'rotate-ssh-keypair;rotate-observability-credentials',
    'rotate-ssh-keypair;rotate-observability-credentials;rotate-ca-start',
    ' rotate-ssh-keypair ; rotate-observability-credentials ',
  ].flatMap((operation, i) =>
    perAnnotation(`${MULTI} > should accept valid multiple operations`, ['single gardener operation', 'two parallel operations', 'three parallel operations', 'operations with spaces'][i] ?? '', operation, [status({ last: CREATED })], () => [], false),
  ),
  ...(
    [
      ['retry with other operation', 'retry;rotate-ssh-keypair', 'retry'],
      ['maintain with other operation', 'rotate-ssh-keypair; maintain', 'maintain'],
    ] as const
  ).map(
    ([entry, operation, rejected]): UpstreamCase => ({
      from: `operation validation > ${MULTI} > should reject operations not allowed to run in parallel > ${entry}`,
      set: [status({ last: CREATED }), annotations({ [OP]: operation })],
      contains: true,
      want: [['Forbidden', OP_PATH, `operation '${rejected}' is not permitted to be run in parallel with other operations`]],
    }),
  ),
  {
    from: `operation validation > ${MULTI} > should return an error on first not allowed to be run in parallel operation`,
    set: [status({ last: CREATED }), annotations({ [OP]: 'retry;reconcile;maintain' })],
    want: [['Forbidden', OP_PATH, "operation 'retry' is not permitted to be run in parallel with other operations"]],
  },
  ...INCOMPATIBLE.flatMap(([entry, operation, op, others]) =>
    perAnnotation(
      `${MULTI} > should reject forbidden operation combinations`,
      entry,
      operation,
      [status({ last: CREATED })],
      (key) => [['Forbidden', pathOf(key), `operation '${op}' is not permitted to be run together with ${others}${key === MAINT ? ' maintenance' : ''} operations`]],
      true,
    ),
  ),
  {
    from: `operation validation > ${MULTI} > should prevent duplicate operations across annotations`,
    set: [status({ last: CREATED }), annotations({ [OP]: 'rotate-observability-credentials;rotate-ssh-keypair', [MAINT]: 'rotate-etcd-encryption-key-start;rotate-ssh-keypair' })],
    contains: true,
    want: [['Forbidden', 'metadata.annotations', `annotations ${OP_PATH} and ${MAINT_PATH} must not have any equal operations`]],
  },
  ...['rotate-rollout-workers', 'rollout-workers'].flatMap((op) =>
    perAnnotation(
      'forbid certain operations when shoot is self-hosted',
      op,
      op,
      [
        ['metadata.namespace', 'garden'],
        [`${W}.0.controlPlane`, {}],
        ['spec.secretBindingName', undefined],
      ],
      (key) => [['Forbidden', pathOf(key), `operation '${op}' is not permitted for self-hosted shoot clusters with unmanaged infrastructure`]],
      true,
    ),
  ),
];

const inProgress = (entry: string, state: State): UpstreamCase => ({
  from: `operation validation > forbid hibernating the shoot when certain rotation operations are in progress > ${entry}`,
  old: [['spec.hibernation', { enabled: false }], status(state)],
  set: [HIBERNATE, status(state)],
  contains: true,
  // Upstream matches the detail with ContainSubstring("shoot cannot be hibernated") and the phase.
  want: [['Forbidden', 'spec.hibernation.enabled']],
});

const ENCRYPTION: Change = ['spec.kubernetes.kubeAPIServer', { encryptionConfig: { resources: ['events', 'configmaps'] } }];

/** Cases of ValidateShootUpdate (hibernating while rotations or encryption changes are in progress). */
export const OPERATION_UPDATE_CASES: UpstreamCase[] = [
  inProgress('ETCD encryption key rotation is in Preparing phase', { etcd: 'Preparing' }),
  inProgress('ETCD encryption key rotation is in Completing phase', { etcd: 'Completing' }),
  inProgress('ServiceAccount key rotation is in Preparing phase', { sa: 'Preparing' }),
  inProgress('ServiceAccount key rotation is in Completing phase', { sa: 'Completing' }),
  {
    ...inProgress('', { sa: 'PreparingWithoutWorkersRollout' }),
    from: 'operation validation > should forbid hibernating the shoot when ServiceAccount key rotation is in PreparingWithoutWorkersRollout phase',
  },
  {
    from: 'operation validation > should forbid hibernation when the spec encryption config and status encryption config are different',
    old: [['spec.hibernation', { enabled: false }], ENCRYPTION, status({ encrypted: ['events'] })],
    set: [HIBERNATE, ENCRYPTION, status({ encrypted: ['events'] })],
    // Upstream matches the detail with ContainSubstring; here the type and path.
    want: [['Forbidden', 'spec.hibernation.enabled']],
  },
  {
    from: 'operation validation > should allow hibernation when the spec encryption config and status encryption config are the same',
    old: [['spec.hibernation', { enabled: false }], ENCRYPTION, status({ encrypted: ['configmaps.', 'events'] })],
    set: [HIBERNATE, ENCRYPTION, status({ encrypted: ['configmaps.', 'events'] })],
    want: [],
  },
];
