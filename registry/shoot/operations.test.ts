import assert from 'node:assert/strict';
import { errorString } from '../../apimachinery/field.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { encryptionSpec, encryptionStatus, makeShoot } from '../../test/support/shoot/fixtures.js';
import { validateHibernationWithMaintenanceOperations, validateShootOperations } from './validation/operations.js';

const OP = 'metadata.annotations[gardener.cloud/operation]: Forbidden: ';
const MOP = 'metadata.annotations[maintenance.gardener.cloud/operation]: Forbidden: ';
const READY = { type: 'Reconcile', state: 'Succeeded', progress: 100 };

/** A Shoot whose spec has `resources` and whose status has `statusResources` and the given rotation phases. */
function shoot(opts: {
  op?: string;
  maintenance?: string;
  resources?: string[];
  statusResources?: string[];
  phases?: Record<string, string>;
  hibernated?: boolean;
  statusHibernated?: boolean;
  version?: string;
  lastOperation?: Record<string, unknown>;
}): KubeObject {
  const annotations: Record<string, string> = {};
  if (opts.op !== undefined) annotations['gardener.cloud/operation'] = opts.op;
  if (opts.maintenance !== undefined) annotations['maintenance.gardener.cloud/operation'] = opts.maintenance;
  const spec = encryptionSpec(opts.resources ?? ['configmaps'], 'aescbc', opts.hibernated === true ? { hibernation: { enabled: true } } : {});
  (spec.kubernetes as Record<string, unknown>).version = opts.version ?? '1.33.0';
  const status = encryptionStatus(opts.statusResources ?? opts.resources ?? ['configmaps'], 'aescbc', '', (opts.lastOperation ?? READY) as typeof READY);
  const rotation: Record<string, unknown> = {};
  for (const [name, phase] of Object.entries(opts.phases ?? {})) rotation[name] = { phase };
  (status.credentials as Record<string, unknown>).rotation = rotation;
  if (opts.statusHibernated === true) status.hibernated = true;
  return makeShoot(spec, status, { annotations });
}

const check = (s: KubeObject): string[] => validateShootOperations(s).map(errorString);

describe('registry/shoot operation annotations (spec §1.5)', () => {
  it('accepts no or unrelated operations', () => {
    assert.deepEqual(check(shoot({})), []);
    assert.deepEqual(check(shoot({ op: 'reconcile' })), []);
  });

  describe('while an encryption change rolls out', () => {
    const rolling = { resources: ['configmaps', 'services'], statusResources: ['configmaps'] };
    for (const op of ['rotate-credentials-start', 'rotate-etcd-encryption-key', 'rotate-etcd-encryption-key-start']) {
      it(`forbids ${op}`, () => {
        assert.deepEqual(check(shoot({ ...rolling, op })), [
          `${OP}operation '${op}' is not permitted because a previous encryption configuration change is currently being rolled out`,
        ]);
      });
      it(`forbids ${op} as maintenance operation`, () => {
        assert.deepEqual(check(shoot({ ...rolling, maintenance: op })), [
          `${MOP}operation '${op}' is not permitted because a previous encryption configuration change is currently being rolled out`,
        ]);
      });
    }
    it('allows other operations', () => assert.deepEqual(check(shoot({ ...rolling, op: 'rotate-ca-start' })), []));
    it('compares sets, not lists', () => assert.deepEqual(check(shoot({ resources: ['b', 'a'], statusResources: ['a', 'b', 'a'], op: 'rotate-etcd-encryption-key' })), []));
  });

  describe('while hibernated or waking up', () => {
    for (const op of ['rotate-etcd-encryption-key', 'rotate-etcd-encryption-key-start', 'rotate-credentials-start', 'rotate-serviceaccount-key-complete']) {
      it(`forbids ${op}`, () => {
        const want = `${OP}operation '${op}' is not permitted when shoot is hibernated or is waking up`;
        const phases = op.endsWith('-complete') ? { serviceAccountKey: 'Prepared' } : {};
        assert.ok(check(shoot({ op, hibernated: true, phases })).includes(want), 'hibernating');
        assert.ok(check(shoot({ op, statusHibernated: true, phases })).includes(want), 'waking up');
      });
    }
  });

  describe('rotation phases and readiness', () => {
    const cases: [string, Parameters<typeof shoot>[0], string[]][] = [
      ['etcd key start when Completed', { op: 'rotate-etcd-encryption-key', phases: { etcdEncryptionKey: 'Completed' } }, []],
      [
        'etcd key start while Prepared',
        { op: 'rotate-etcd-encryption-key', phases: { etcdEncryptionKey: 'Prepared' } },
        [`${OP}cannot start ETCD encryption key rotation if .status.credentials.rotation.etcdEncryptionKey.phase is not 'Completed'`],
      ],
      [
        'etcd key start before the first successful create',
        { op: 'rotate-etcd-encryption-key', lastOperation: { type: 'Create', state: 'Error', progress: 50 } },
        [`${OP}cannot start ETCD encryption key rotation if shoot was not yet created successfully or is not ready for reconciliation`],
      ],
      ['etcd key complete when Prepared', { op: 'rotate-etcd-encryption-key-complete', phases: { etcdEncryptionKey: 'Prepared' } }, []],
      [
        'etcd key complete while Preparing',
        { op: 'rotate-etcd-encryption-key-complete', phases: { etcdEncryptionKey: 'Preparing' } },
        [`${OP}cannot complete ETCD encryption key rotation if .status.credentials.rotation.etcdEncryptionKey.phase is not 'Prepared'`],
      ],
      [
        'all credentials start while the etcd key rotates',
        { op: 'rotate-credentials-start', phases: { etcdEncryptionKey: 'Preparing', certificateAuthorities: 'Completed' } },
        [`${OP}cannot start rotation of all credentials if .status.credentials.rotation.etcdEncryptionKey.phase is not 'Completed'`],
      ],
      [
        'all credentials complete below 1.34 needs the etcd key Prepared',
        { op: 'rotate-credentials-complete', phases: { certificateAuthorities: 'Prepared', serviceAccountKey: 'Prepared', etcdEncryptionKey: 'Preparing' } },
        [`${OP}cannot complete rotation of all credentials if .status.credentials.rotation.etcdEncryptionKey.phase is not 'Prepared'`],
      ],
      [
        'all credentials complete from 1.34 does not look at the etcd key',
        { op: 'rotate-credentials-complete', version: '1.34.1', phases: { certificateAuthorities: 'Prepared', serviceAccountKey: 'Prepared' } },
        [],
      ],
    ];
    for (const [name, opts, want] of cases) it(name, () => assert.deepEqual(check(shoot(opts)), want));

    // Upstream validatePendingWorkerUpdates.
    it('does not start rotations of the workers\' credentials while worker pools wait for an in-place update', () => {
      const pending = (op: string, updates: Record<string, string[]>) => {
        const s = shoot({ op });
        (s.status as Record<string, unknown>).inPlaceUpdates = { pendingWorkerUpdates: updates };
        return check(s);
      };
      const both = { autoInPlaceUpdate: ['pool-a'], manualInPlaceUpdate: ['pool-b'] };
      assert.deepEqual(pending('rotate-credentials-start', both), [
        `${OP}cannot start rotation of all credentials if status.inPlaceUpdates.pendingWorkerUpdates.autoInPlaceUpdate is not empty`,
        `${OP}cannot start rotation of all credentials if status.inPlaceUpdates.pendingWorkerUpdates.manualInPlaceUpdate is not empty`,
      ]);
      assert.deepEqual(pending('rotate-ca-start-without-workers-rollout', { autoInPlaceUpdate: ['pool-a'] }), [
        `${OP}cannot start CA rotation if status.inPlaceUpdates.pendingWorkerUpdates.autoInPlaceUpdate is not empty`,
      ]);
      assert.deepEqual(pending('rotate-serviceaccount-key-start', { manualInPlaceUpdate: ['pool-b'] }), [
        `${OP}cannot start service account key rotation if status.inPlaceUpdates.pendingWorkerUpdates.manualInPlaceUpdate is not empty`,
      ]);
      assert.deepEqual(pending('rotate-etcd-encryption-key', both), [], 'the etcd key is not on the workers');
      assert.deepEqual(pending('rotate-ca-start', { autoInPlaceUpdate: [] }), []);
    });
  });

  describe('Kubernetes 1.34', () => {
    const msg = (op: string): string =>
      `${OP}for Kubernetes versions >= 1.34, operation '${op}' is no longer supported, please use 'rotate-etcd-encryption-key' instead, which performs a complete etcd encryption key rotation`;
    it('forbids the split etcd key operations', () => {
      assert.deepEqual(check(shoot({ op: 'rotate-etcd-encryption-key-start', version: '1.34.0' })), [msg('rotate-etcd-encryption-key-start')]);
      assert.deepEqual(check(shoot({ op: 'rotate-etcd-encryption-key-complete', version: 'v1.35', phases: { etcdEncryptionKey: 'Prepared' } })), [
        msg('rotate-etcd-encryption-key-complete'),
      ]);
    });
    it('reports maintenance operations at the operation annotation, as Gardener does', () => {
      assert.deepEqual(check(shoot({ maintenance: 'rotate-etcd-encryption-key-start', version: '1.34.0' })), [msg('rotate-etcd-encryption-key-start')]);
    });
    it('allows them below 1.34', () => assert.deepEqual(check(shoot({ op: 'rotate-etcd-encryption-key-start', version: '1.33.9' })), []));
  });

  it('forbids incompatible operations and equal operations in both annotations', () => {
    assert.deepEqual(check(shoot({ op: 'rotate-etcd-encryption-key;rotate-etcd-encryption-key-start' })), [
      `${OP}operation 'rotate-etcd-encryption-key' is not permitted to be run together with rotate-etcd-encryption-key-start operations`,
    ]);
    assert.deepEqual(check(shoot({ op: 'reconcile', maintenance: 'reconcile' })), [
      'metadata.annotations: Forbidden: annotations metadata.annotations[gardener.cloud/operation] and metadata.annotations[maintenance.gardener.cloud/operation] must not have any equal operations',
    ]);
  });

  it('forbids switching hibernation on with a rotation scheduled for maintenance', () => {
    const s = shoot({ maintenance: 'rotate-etcd-encryption-key', hibernated: true });
    assert.deepEqual(validateHibernationWithMaintenanceOperations(s).map(errorString), [
      'spec.hibernation.enabled: Forbidden: shoot cannot be hibernated when maintenance.gardener.cloud/operation annotation contains rotate-etcd-encryption-key operation',
    ]);
  });

  // Cases of gardener's pkg/api/core/validation/shoot_test.go, "operation validation" and its
  // "multiple operations" context, at b312835d17: [annotation value, expected error or none].
  describe('upstream: multiple operations separated by ";"', () => {
    const created = { lastOperation: { type: 'Create', state: 'Succeeded', progress: 100 } };
    for (const value of ['rotate-ssh-keypair', 'rotate-ssh-keypair;rotate-observability-credentials', 'rotate-ssh-keypair;rotate-observability-credentials;rotate-ca-start', ' rotate-ssh-keypair ; rotate-observability-credentials ']) {
      it(`accepts ${JSON.stringify(value)} in both annotations (should accept valid multiple operations)`, () => {
        assert.deepEqual(check(shoot({ ...created, op: value })), []);
        assert.deepEqual(check(shoot({ ...created, maintenance: value })), []);
      });
    }
    const notParallel: [string, string][] = [
      ['retry;rotate-ssh-keypair', 'retry'],
      ['rotate-ssh-keypair; maintain', 'maintain'],
    ];
    for (const [value, op] of notParallel) {
      it(`refuses ${JSON.stringify(value)} (should reject operations not allowed to run in parallel)`, () => {
        assert.ok(check(shoot({ ...created, op: value })).includes(`${OP}operation '${op}' is not permitted to be run in parallel with other operations`));
      });
    }
    it('reports only the first operation that may not run in parallel', () => {
      assert.deepEqual(check(shoot({ ...created, op: 'retry;reconcile;maintain' })), [`${OP}operation 'retry' is not permitted to be run in parallel with other operations`]);
    });
    it('refuses unknown operations as NotSupported, and an empty entry too', () => {
      const unsupported = check(shoot({ op: 'some-future-operation' }));
      assert.equal(unsupported.length, 1);
      assert.match(unsupported[0] ?? '', /^metadata\.annotations\[gardener\.cloud\/operation\]: Unsupported value: "some-future-operation": supported values: "force-in-place-update", "maintain", "reconcile", "retry", "rollout-workers", /);
      assert.match(check(shoot({ maintenance: 'reconcile;' }))[0] ?? '', /^metadata\.annotations\[maintenance\.gardener\.cloud\/operation\]: Unsupported value: "": supported values: /);
      assert.deepEqual(check(shoot({ op: 'reconcile,rotate-ssh-keypair' })).length, 1, 'a comma is no separator');
    });

    const WR = '-without-workers-rollout';
    const combos: [string, string, string][] = [
      [`rotate-credentials-start;rotate-credentials-start${WR}`, 'rotate-credentials-start', `rotate-ca-start${WR}, rotate-serviceaccount-key-start${WR}, rotate-credentials-start${WR}`],
      [`rotate-credentials-start;rotate-ca-start${WR}`, 'rotate-credentials-start', `rotate-ca-start${WR}, rotate-serviceaccount-key-start${WR}, rotate-credentials-start${WR}`],
      [`rotate-credentials-start;rotate-serviceaccount-key-start${WR}`, 'rotate-credentials-start', `rotate-ca-start${WR}, rotate-serviceaccount-key-start${WR}, rotate-credentials-start${WR}`],
      [`rotate-credentials-start${WR};rotate-ca-start`, `rotate-credentials-start${WR}`, 'rotate-ca-start, rotate-serviceaccount-key-start'],
      [`rotate-credentials-start${WR};rotate-serviceaccount-key-start`, `rotate-credentials-start${WR}`, 'rotate-ca-start, rotate-serviceaccount-key-start'],
      [`rotate-ca-start;rotate-ca-start${WR}`, 'rotate-ca-start', `rotate-ca-start${WR}`],
      [`rotate-serviceaccount-key-start;rotate-serviceaccount-key-start${WR}`, 'rotate-serviceaccount-key-start', `rotate-serviceaccount-key-start${WR}`],
      ['rotate-etcd-encryption-key;rotate-etcd-encryption-key-start', 'rotate-etcd-encryption-key', 'rotate-etcd-encryption-key-start'],
    ];
    for (const [value, op, others] of combos) {
      it(`refuses ${value} in either annotation (should reject forbidden operation combinations)`, () => {
        assert.ok(check(shoot({ ...created, op: value })).includes(`${OP}operation '${op}' is not permitted to be run together with ${others} operations`));
        assert.ok(check(shoot({ ...created, maintenance: value })).includes(`${MOP}operation '${op}' is not permitted to be run together with ${others} maintenance operations`));
      });
    }
    it('prevents duplicate operations across annotations', () => {
      const errs = check(shoot({ ...created, op: 'rotate-observability-credentials;rotate-ssh-keypair', maintenance: 'rotate-etcd-encryption-key-start;rotate-ssh-keypair' }));
      assert.ok(errs.some((e) => e.startsWith('metadata.annotations: Forbidden: ') && e.includes('must not have any equal operations')), errs.join('\n'));
    });
  });

  // shoot_test.go "forbid certain operations when shoot is self-hosted".
  for (const op of ['rotate-rollout-workers', 'rollout-workers']) {
    it(`forbids ${op} for a self-hosted Shoot with unmanaged infrastructure (upstream)`, () => {
      const selfHosted = (annotation: string): KubeObject => {
        const s = shoot({});
        const spec = s.spec as Record<string, unknown>;
        delete spec.secretBindingName;
        delete spec.credentialsBindingName;
        spec.provider = { ...(spec.provider as object), workers: [{ name: 'cp', controlPlane: {} }] };
        s.metadata.annotations = { [annotation]: op };
        return s;
      };
      const detail = `operation '${op}' is not permitted for self-hosted shoot clusters with unmanaged infrastructure`;
      assert.deepEqual(check(selfHosted('gardener.cloud/operation')), [`${OP}${detail}`]);
      assert.deepEqual(check(selfHosted('maintenance.gardener.cloud/operation')), [`${MOP}${detail}`]);
    });
  }

  // shoot_test.go: an operation against the maintenance operation it conflicts with (one error, on
  // the operation annotation, naming the sorted intersection).
  const across: [string, string, string][] = [
    ['rotate-credentials-start', 'rotate-ca-start', "operation 'rotate-ca-start' is not permitted when maintenance operation is 'rotate-credentials-start'"],
    ['rotate-credentials-start', 'rotate-etcd-encryption-key', "operation 'rotate-etcd-encryption-key' is not permitted when maintenance operation is 'rotate-credentials-start'"],
    ['rotate-credentials-start', 'rotate-ca-start; rotate-etcd-encryption-key', "operation 'rotate-ca-start, rotate-etcd-encryption-key' is not permitted when maintenance operation is 'rotate-credentials-start'"],
    ['rotate-credentials-complete', 'rotate-ca-complete; rotate-serviceaccount-key-complete', "operation 'rotate-ca-complete, rotate-serviceaccount-key-complete' is not permitted when maintenance operation is 'rotate-credentials-complete'"],
    ['rotate-ca-start', 'rotate-credentials-start', "operation 'rotate-credentials-start' is not permitted when maintenance operation is 'rotate-ca-start'"],
    ['rotate-ca-start; rotate-etcd-encryption-key', 'rotate-credentials-start', "operation 'rotate-credentials-start' is not permitted when maintenance operation is 'rotate-ca-start, rotate-etcd-encryption-key'"],
    ['rotate-serviceaccount-key-start', '-without-workers-rollout'.replace(/^/, 'rotate-credentials-start'), "operation 'rotate-credentials-start-without-workers-rollout' is not permitted when maintenance operation is 'rotate-serviceaccount-key-start'"],
    ['rotate-ca-complete; rotate-serviceaccount-key-complete', 'rotate-credentials-complete', "operation 'rotate-credentials-complete' is not permitted when maintenance operation is 'rotate-ca-complete, rotate-serviceaccount-key-complete'"],
  ];
  for (const [maintenance, op, detail] of across) {
    it(`refuses ${JSON.stringify(op)} while maintenance runs ${JSON.stringify(maintenance)} (upstream)`, () => {
      assert.ok(check(shoot({ op, maintenance })).includes(`${OP}${detail}`), check(shoot({ op, maintenance })).join('\n'));
    });
  }
});

// shoot_test.go "trigger workers rollout" and the rollout-workers tables (b312835d17).
describe('registry/shoot worker rollout operations (upstream)', () => {
  const A = 'metadata.annotations[gardener.cloud/operation]';
  /** A Shoot with pools worker-1 and worker-2 (their update strategies given) and the operation. */
  function withPools(op: string, phases: Record<string, string> = {}, strategies: (string | undefined)[] = []): KubeObject {
    const s = shoot({ op, phases });
    const spec = s.spec as { provider: Record<string, unknown> };
    spec.provider.workers = ['worker-1', 'worker-2'].map((name, i) => ({ name, machine: { type: 'xlarge' }, minimum: 0, maximum: 1, ...(strategies[i] !== undefined && { updateStrategy: strategies[i] }) }));
    return s;
  }
  const waiting = { certificateAuthorities: 'WaitingForWorkersRollout' };

  it('accepts rollouts of existing pools, or all of them', () => {
    for (const op of ['rollout-workers=worker-1', 'rollout-workers=worker-2,worker-1', 'rollout-workers=*']) assert.deepEqual(check(withPools(op)), [], op);
    assert.deepEqual(check(withPools('rotate-rollout-workers=worker-1', waiting)), []);
  });

  it('refuses unknown, repeated, empty and starred pool lists, and pools updated in place', () => {
    assert.deepEqual(check(withPools('rollout-workers=unknown-worker')), [`${A}: Invalid value: "unknown-worker": worker pool name unknown-worker does not exist in .spec.provider.workers[]`]);
    assert.deepEqual(check(withPools('rollout-workers=worker-1,*')), [
      `${A}: Forbidden: if '*' is provided, no other pool names are allowed`,
      `${A}: Invalid value: "*": worker pool name * does not exist in .spec.provider.workers[]`,
    ]);
    assert.deepEqual(check(withPools('rollout-workers=')), [
      `${A}: Required value: must provide either '*' or at least one pool name via rollout-workers=<poolName1>[,<poolName2>,...]`,
      `${A}: Invalid value: "": worker pool name  does not exist in .spec.provider.workers[]`,
    ]);
    const inPlace = check(withPools('rollout-workers=*', {}, ['AutoInPlaceUpdate', 'ManualInPlaceUpdate']));
    assert.deepEqual(inPlace, ['worker-1', 'worker-2'].map((w) => `${A}: Invalid value: "${w}": worker pool ${w} is using in-place update strategy; manual worker pool rollout is not supported for such pools`));
  });

  it('needs a rotation waiting for the workers to roll them for it', () => {
    assert.deepEqual(check(withPools('rotate-rollout-workers=worker-1')), [
      `${A}: Forbidden: either .status.credentials.rotation.certificateAuthorities.phase or .status.credentials.rotation.serviceAccountKey.phase must be in 'WaitingForWorkersRollout' in order to trigger workers rollout`,
    ]);
    assert.deepEqual(check(withPools('rotate-rollout-workers=foo', waiting)), [`${A}: Invalid value: "foo": worker pool name foo does not exist in .spec.provider.workers[]`]);
    assert.deepEqual(check(withPools('rotate-rollout-workers=worker-1,worker-1', waiting)), [`${A}: Duplicate value: "pool name worker-1 was specified multiple times"`]);
    assert.ok(check(withPools('rotate-rollout-workers=', waiting)).includes(`${A}: Required value: must provide at least one pool name via rotate-rollout-workers=<poolName1>[,<poolName2>,...]`));
  });
});
